import { Bench } from 'tinybench';

/** One benchmark: `run` does the work once and returns how many `unit`s it processed. */
export interface BenchCase {
  name: string;
  run: () => number;
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

/** Runs each case at least `iterations` times with tinybench; reports min and median. */
export async function runCases(cases: BenchCase[], iterations = 5): Promise<BenchResult[]> {
  const bench = new Bench({ iterations, time: 0, warmupIterations: 1, warmupTime: 0 });
  const work = new Map<string, number>();
  for (const c of cases) bench.add(c.name, () => void work.set(c.name, c.run()));
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
