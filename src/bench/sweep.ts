import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asInferenceScenario,
  expandSweep,
  ProfileLibrary,
  type ResolvedInference,
  readMergedScenario,
  resolveInference,
  runInferenceScenario,
  runSweepFile,
  validateRuns,
} from '../index.js';
import { PACKAGE_ROOT } from '../version.js';

/** What the sweep benchmark measured, in seconds of wall time. */
export interface SweepOverhead {
  runs: number;
  workers: number;
  /** The runs one after another in this thread, before the sweep. */
  sumS: number;
  /** The same runs as timed by the sweep's threads that ran them (both cores busy, cold workers). */
  runWallS: number;
  /** `runSweepFile` from start until every run had finished and `sweep.csv` was written. */
  resultsWallS: number;
  /** Then rendering the report (14 charts, each to `.vl.json` and `.svg`). */
  reportWallS: number;
  /** resultsWallS / (runWallS / workers): the sweep machinery's overhead, the headline. */
  overhead: number;
  /** resultsWallS / (sumS / workers): against the runs timed alone on one thread. */
  overheadVsAlone: number;
}

/**
 * Sweep overhead: 200 small runs (`scenarios/bench-sweep.yaml`) on `workers`
 * threads. The ideal is (sum of the run times) / workers; the runs are timed
 * twice, one after another on this thread before the sweep, and by the
 * sweep's own threads as they ran them. Two busy cores run each run 1.2-1.6x
 * slower than one (shared caches and memory, and the worker's cold code), so
 * the second sum is the one the sweep could at best divide by its workers.
 */
export async function sweepOverhead(workers = 2): Promise<SweepOverhead> {
  const file = join(PACKAGE_ROOT, 'scenarios', 'bench-sweep.yaml');
  const plan = expandSweep(readMergedScenario(file), file, 1);
  const scenarios = validateRuns(plan, file);
  // Each point is resolved once, as the sweep does, so that only the runs are timed.
  const library = new ProfileLibrary();
  const points = new Map<number, ResolvedInference>();
  const resolved = scenarios.map((scenario, i) => {
    const point = plan.runs[i]!.point;
    if (!points.has(point))
      points.set(point, resolveInference(asInferenceScenario(scenario), file, library));
    return points.get(point)!;
  });
  const started = performance.now(); // wall: benchmark only
  resolved.forEach((run, i) => {
    runInferenceScenario(run, plan.runs[i]!.seed);
  });
  const sumS = (performance.now() - started) / 1000; // wall: benchmark only
  const out = mkdtempSync(join(tmpdir(), 'edgesim-bench-sweep-'));
  const sweepStarted = performance.now(); // wall: benchmark only
  const outcome = await runSweepFile(file, { workers, out });
  const wallS = (performance.now() - sweepStarted) / 1000; // wall: benchmark only
  rmSync(out, { recursive: true, force: true });
  const resultsWallS = wallS - outcome.reportWallS;
  return {
    runs: plan.runs.length,
    workers,
    sumS,
    runWallS: outcome.runWallS,
    resultsWallS,
    reportWallS: outcome.reportWallS,
    overhead: resultsWallS / (outcome.runWallS / workers),
    overheadVsAlone: resultsWallS / (sumS / workers),
  };
}

/** The benchmark's lines, as `npm run bench -- sweep` prints them. */
export function describeSweepOverhead(s: SweepOverhead): string[] {
  return [
    `sweep: ${s.runs} runs on ${s.workers} threads: every run finished and sweep.csv written in ${s.resultsWallS.toFixed(2)} s, then the report in ${s.reportWallS.toFixed(2)} s`,
    `sweep: the runs took ${s.runWallS.toFixed(2)} s summed as the sweep's threads timed them: ${s.overhead.toFixed(2)}x the ideal (sum / workers; target: at most 2x); with the report ${((s.resultsWallS + s.reportWallS) / (s.runWallS / s.workers)).toFixed(2)}x`,
    `sweep: the runs took ${s.sumS.toFixed(2)} s one after another on one thread: ${s.overheadVsAlone.toFixed(2)}x that sum / workers; with the report ${((s.resultsWallS + s.reportWallS) / (s.sumS / s.workers)).toFixed(2)}x`,
  ];
}
