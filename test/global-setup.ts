import { execFileSync } from 'node:child_process';

/** Builds dist/ once so CLI tests run the same code the `edgesim` bin runs. */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
