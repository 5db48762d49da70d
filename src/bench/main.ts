#!/usr/bin/env node
import { engineCases, pendingEventsMemoryBytes } from './engine.js';
import { fleetCases, millionDeviceRun } from './fleet.js';
import { type BenchCase, runCases } from './harness.js';
import { sweepOverhead } from './sweep.js';

/**
 * `npm run bench` runs the engine, fleet and sweep suites; `npm run bench --
 * --scale` runs only the 1,000,000-device scenario and reports its peak memory.
 */
async function printCases(cases: BenchCase[], iterations: number): Promise<void> {
  const results = await runCases(cases, iterations);
  console.table(
    results.map((r) => ({
      benchmark: r.name,
      runs: r.iterations,
      'min ms': r.minMs.toFixed(1),
      'median ms': r.medianMs.toFixed(1),
      'throughput (median)': `${(r.throughputPerS / 1e6).toFixed(3)} M ${r.unit}/s`,
    })),
  );
}

if (process.argv.includes('--scale')) {
  // Alone in its process, so the peak RSS is this run's.
  const run = millionDeviceRun();
  console.log(
    `fleet: 1,000,000 devices, 10 min: ${run.requests} requests in ${run.wallS.toFixed(1)} s, peak RSS ${(run.peakRssBytes / 1e9).toFixed(2)} GB`,
  );
} else {
  await printCases(engineCases, 5);
  console.log(
    `engine: 1,000,000 pending events hold ${(pendingEventsMemoryBytes() / 1e6).toFixed(1)} MB above the baseline`,
  );
  await printCases(fleetCases, 3);
  const sweep = await sweepOverhead(2);
  console.log(
    `sweep: ${sweep.runs} runs, ${sweep.sumS.toFixed(2)} s summed in one thread, ${sweep.wallS.toFixed(2)} s on 2 workers: ${sweep.overhead.toFixed(2)}x the ideal (sum / workers)`,
  );
}
