import { execFileSync } from 'node:child_process';

/**
 * Builds dist/ (only when a source is newer than the last build) so CLI and
 * worker-thread tests run the same code the `edgesim` bin runs.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
}
