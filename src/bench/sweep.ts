import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asFleetScenario,
  expandSweep,
  ProfileLibrary,
  readMergedScenario,
  resolveScenario,
  runScenario,
  runSweepFile,
  validateRuns,
} from '../index.js';
import { PACKAGE_ROOT } from '../version.js';

/**
 * Sweep overhead: 200 small runs on a pool of `workers` threads, against the
 * ideal of (sum of the runs' times in one thread) / workers.
 */
export async function sweepOverhead(
  workers = 2,
): Promise<{ runs: number; sumS: number; wallS: number; overhead: number }> {
  const file = join(PACKAGE_ROOT, 'scenarios', 'bench-sweep.yaml');
  const plan = expandSweep(readMergedScenario(file), file, 1);
  const scenarios = validateRuns(plan, file);
  const library = new ProfileLibrary();
  const started = performance.now(); // wall: benchmark only
  scenarios.forEach((scenario, i) => {
    runScenario(resolveScenario(asFleetScenario(scenario), file, library), plan.runs[i]!.seed);
  });
  const sumS = (performance.now() - started) / 1000; // wall: benchmark only
  const out = mkdtempSync(join(tmpdir(), 'edgesim-bench-sweep-'));
  const sweepStarted = performance.now(); // wall: benchmark only
  await runSweepFile(file, { workers, out });
  const wallS = (performance.now() - sweepStarted) / 1000; // wall: benchmark only
  rmSync(out, { recursive: true, force: true });
  return { runs: plan.runs.length, sumS, wallS, overhead: wallS / (sumS / workers) };
}
