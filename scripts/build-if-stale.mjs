// Runs `npm run build` only when a source file is newer than the last build,
// so `npm run bench` does not pay for tsc on every call.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';

function newestMtimeMs(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path))
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
const sources = Math.max(...inputs.filter(existsSync).map(newestMtimeMs));
if (!existsSync(STAMP) || statSync(STAMP).mtimeMs < sources) {
  try {
    execSync('npm run build --silent', { stdio: 'inherit' });
    writeFileSync(STAMP, '');
  } catch {
    // tsc emits dist/ despite type errors; `npm run typecheck` is what fails on them.
    if (!existsSync('dist/cli/main.js')) process.exit(1);
    console.error('build-if-stale: tsc reported errors (above); using what it emitted');
  }
}
