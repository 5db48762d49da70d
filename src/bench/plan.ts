import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPlanFile, runPlanFile } from '../index.js';
import { PACKAGE_ROOT } from '../version.js';

/** What the planner benchmark measured. */
export interface PlanBench {
  file: string;
  workers: number;
  /** From start to plan.json written, s. */
  wallS: number;
  evaluated: number;
  runs: number;
  gridConfigurations: number;
  /** The full grid at the plan's minimum replications: what a sweep of the space would run at least. */
  gridRuns: number;
  answer: string;
}

/**
 * The scenario the benchmark plans: `EDGESIM_BENCH_PLAN` if set, else
 * scenarios/plan-cameras.yaml when it exists, else scenarios/bench-plan.yaml.
 */
export function planBenchFile(): string {
  const named = process.env.EDGESIM_BENCH_PLAN;
  if (named !== undefined && named !== '') return named;
  const cameras = join(PACKAGE_ROOT, 'scenarios', 'plan-cameras.yaml');
  return existsSync(cameras) ? cameras : join(PACKAGE_ROOT, 'scenarios', 'bench-plan.yaml');
}

/** Plans `file` from scratch (an empty output directory, so nothing is cached) on `workers` threads. */
export async function planBench(file = planBenchFile(), workers = 2): Promise<PlanBench> {
  const { spec } = checkPlanFile(file);
  const out = mkdtempSync(join(tmpdir(), 'edgesim-bench-plan-'));
  try {
    const started = performance.now(); // wall: benchmark only
    const outcome = await runPlanFile(file, { workers, out: join(out, 'plan') });
    const wallS = (performance.now() - started) / 1000; // wall: benchmark only
    const answer = Object.entries(outcome.chosen?.values ?? {})
      .map(([path, value]) => `${path} = ${JSON.stringify(value)}`)
      .join(', ');
    return {
      file,
      workers,
      wallS,
      evaluated: outcome.evaluated,
      runs: outcome.runs,
      gridConfigurations: outcome.gridConfigurations,
      gridRuns: outcome.gridConfigurations * spec.replications.min,
      answer,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The benchmark's lines, as `npm run bench -- plan` prints them. */
export function describePlanBench(b: PlanBench): string[] {
  return [
    `plan: ${b.file} on ${b.workers} threads: answered in ${b.wallS.toFixed(1)} s (target: at most 180 s): ${b.answer}`,
    `plan: ${b.evaluated} of ${b.gridConfigurations} configurations evaluated in ${b.runs} runs; the full grid at the same minimum replications is ${b.gridRuns} runs: ${(b.gridRuns / b.runs).toFixed(1)}x fewer (target: at least 5x)`,
  ];
}
