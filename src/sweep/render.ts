import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { rerenderReport } from './report.js';
import type { SweepManifest } from './run-sweep.js';

/** `edgesim report <dir>`: the report of a sweep directory, rendered again from its CSV. */
export async function renderSweepReport(dir: string): Promise<string[]> {
  const file = join(dir, 'sweep.json');
  let manifest: SweepManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as SweepManifest;
  } catch {
    throw new InputError(file, [
      { path: '', message: 'missing or unreadable; expected a sweep output directory' },
    ]);
  }
  return rerenderReport(dir, manifest);
}
