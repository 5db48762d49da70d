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

/** What the sweep benchmark measured, in seconds of wall time. */
export interface SweepOverhead {
  runs: number;
  /** The runs one after another in this (warm) thread. */
  sumS: number;
  /** `runSweepFile` from start to return, report included. */
  wallS: number;
  /** wallS / (sumS / workers): the headline. */
  overhead: number;
  /** The same runs as timed by the sweep's threads that ran them (cold workers included). */
  runWallS: number;
  /** Of wallS, rendering the report. */
  reportWallS: number;
}

/**
 * Sweep overhead: 200 small runs on `workers` threads, against the ideal of
 * (sum of the runs' times in one warm thread) / workers. Also logs where the
 * rest goes: the runs' own times inside the sweep, and the report.
 */
export async function sweepOverhead(
  workers = 2,
  log: (line: string) => void = console.log,
): Promise<SweepOverhead> {
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
  const outcome = await runSweepFile(file, { workers, out });
  const wallS = (performance.now() - sweepStarted) / 1000; // wall: benchmark only
  rmSync(out, { recursive: true, force: true });
  const ideal = sumS / workers;
  log(
    `sweep: of the ${wallS.toFixed(2)} s, the report took ${outcome.reportWallS.toFixed(2)} s (without it: ${((wallS - outcome.reportWallS) / ideal).toFixed(2)}x the ideal); the runs took ${outcome.runWallS.toFixed(2)} s summed as the sweep's threads timed them (${(outcome.runWallS / sumS).toFixed(2)}x the warm sum; against that sum / workers the sweep took ${(wallS / (outcome.runWallS / workers)).toFixed(2)}x)`,
  );
  return {
    runs: plan.runs.length,
    sumS,
    wallS,
    overhead: wallS / ideal,
    runWallS: outcome.runWallS,
    reportWallS: outcome.reportWallS,
  };
}
