import { Bench } from 'tinybench';
import { NO_PROGRESS, type ProgressReporter, withinProgress } from '../progress.js';

/**
 * One benchmark: `run` does the work once and returns how many `unit`s it
 * processed; it may tell `progress` how far it has come (a long run does).
 */
export interface BenchCase {
  name: string;
  run: (progress: ProgressReporter) => number;
  unit: string;
}

/** Min and median wall time of a case, and its throughput at the median. */
export interface BenchResult {
  name: string;
  iterations: number;
  minMs: number;
  medianMs: number;
  throughputPerS: number;
  unit: string;
}

/**
 * Calls of a case's `run` for `iterations` measured ones: tinybench 6 with
 * one warm-up iteration calls it twice more (counted: 3 iterations, 5 calls).
 */
const callsFor = (iterations: number) => iterations + 2;

/**
 * Runs each case at least `iterations` times with tinybench; reports min and
 * median. `progress` hears of each call, and within a call what the case reports.
 */
export async function runCases(
  cases: BenchCase[],
  iterations = 5,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<BenchResult[]> {
  const bench = new Bench({ iterations, time: 0, warmupIterations: 1, warmupTime: 0 });
  const work = new Map<string, number>();
  const totalCalls = cases.length * callsFor(iterations);
  let calls = 0;
  for (const c of cases)
    bench.add(c.name, () => {
      const step = withinProgress(progress, calls / totalCalls, (calls + 1) / totalCalls, c.name);
      work.set(c.name, c.run(step));
      progress.update(++calls / totalCalls, c.name);
    });
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed')
      throw new Error(`benchmark ${task.name} did not complete: ${result.state}`);
    const unit = cases.find((c) => c.name === task.name)!.unit;
    const units = work.get(task.name) ?? 0;
    return {
      name: task.name,
      iterations: result.latency.samplesCount,
      minMs: result.latency.min,
      medianMs: result.latency.p50,
      throughputPerS: units / (result.latency.p50 / 1000),
      unit,
    };
  });
}
