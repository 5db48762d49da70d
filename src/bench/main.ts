#!/usr/bin/env node
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { type TerminalProgress, withTerminalProgress } from '../progress.js';
import { cnnTrainingThroughput } from './cnn-training.js';
import { compressionCases } from './compression.js';
import { engineCases, pendingEventsMemoryBytes } from './engine.js';
import { federatedCases } from './federated.js';
import { federatedRun, federatedRunInChild } from './federated-scale.js';
import { federatedCeiling } from './fl-ceiling.js';
import { fleetCases, millionDeviceRun } from './fleet.js';
import { type BenchCase, runCases } from './harness.js';
import { matmulCases } from './matmul.js';
import { describePlanBench, planBench } from './plan.js';
import { reportRender } from './report.js';
import { describeSweepOverhead, sweepOverhead } from './sweep.js';

/**
 * `npm run bench` runs every suite; `npm run bench -- engine compression`
 * runs the named ones. `plan` (the capacity planner on
 * $EDGESIM_BENCH_PLAN, else scenarios/plan-cameras.yaml or bench-plan.yaml),
 * `scale` (the 1,000,000-device inference scenario),
 * `fl-scale` (1,000,000-device cost-only federated learning), `fl-real`
 * (real-tier MNIST on one and two threads) and `fl-ceiling` (the most two
 * threads give on its training) run only when named. On a terminal each suite
 * shows a progress line on stderr, its results printed above it.
 */
async function printCases(
  cases: BenchCase[],
  iterations: number,
  progress: TerminalProgress,
): Promise<void> {
  const results = await runCases(cases, iterations, progress);
  progress.print(
    tableText(
      results.map((r) => ({
        benchmark: r.name,
        runs: r.iterations,
        'min ms': r.minMs.toFixed(1),
        'median ms': r.medianMs.toFixed(1),
        'throughput (median)':
          r.unit === 'bytes'
            ? `${(r.throughputPerS / 1e9).toFixed(2)} GB/s`
            : `${(r.throughputPerS / 1e6).toFixed(3)} M ${r.unit}/s`,
      })),
    ),
  );
}

/** What console.table would print, as text (to print above a progress line). */
function tableText(rows: object[]): string {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  new Console(sink).table(rows);
  return text.trimEnd();
}

/** "1.26x, 1.40x, 1.73x (median 1.40x)": ratios in increasing order, and their median. */
function ratiosWithMedian(ratios: readonly number[]): string {
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${sorted.map((r) => `${r.toFixed(2)}x`).join(', ')} (median ${median.toFixed(2)}x)`;
}

/** Pairs of one- and two-thread measurements in `fl-real` (about 45 s a pair) and `fl-ceiling`. */
const FL_REAL_PAIRS = 3;

/** A suite measures, printing its results through `progress.print`. */
type Suite = (progress: TerminalProgress) => Promise<void>;

const SUITES: Record<string, Suite> = {
  engine: async (progress) => {
    await printCases(engineCases, 5, progress);
    progress.print(
      `engine: 1,000,000 pending events hold ${(pendingEventsMemoryBytes() / 1e6).toFixed(1)} MB above the baseline`,
    );
  },
  fleet: (progress) => printCases(fleetCases, 3, progress),
  sweep: async (progress) => {
    for (const line of describeSweepOverhead(await sweepOverhead(2))) progress.print(line);
  },
  report: async (progress) => {
    const renders = [
      [false, '20 configurations x 50 replications'],
      [false, 'the same again'],
      [true, '1,000 configurations (a sampled sweep)'],
    ] as const;
    for (const [i, [sampled, label]] of renders.entries()) {
      const r = await reportRender(sampled);
      progress.print(
        `report: ${r.runs} runs x 10 metrics, ${label}: report.html and ${r.charts} charts (.vl.json and .svg) in ${r.wallS.toFixed(2)} s`,
      );
      progress.update((i + 1) / renders.length, `render ${i + 1} of ${renders.length}`);
    }
  },
  compression: (progress) => printCases(compressionCases, 10, progress),
  matmul: async (progress) => printCases(await matmulCases(), 10, progress),
  federated: (progress) => printCases(federatedCases, 10, progress),
  training: async (progress) => {
    const wasm = await cnnTrainingThroughput('wasm', 20, 32);
    progress.update(0.5, 'wasm done, cpu next');
    const cpu = await cnnTrainingThroughput('cpu', 3, 32, 1);
    progress.print(
      `training: FedAvg CNN, batch 32, SGD: wasm ${wasm.samplesPerS.toFixed(1)} samples/s, cpu ${cpu.samplesPerS.toFixed(1)} samples/s (${(wasm.samplesPerS / cpu.samplesPerS).toFixed(1)}x)`,
    );
  },
};

/** Run on their own: they measure peak memory (which other suites would inflate) or take long. */
const ALONE: Record<string, Suite> = {
  'fl-scale': async (progress) => {
    const run = await federatedRun('fl-1m.yaml', progress);
    progress.print(
      `federated cost-only: 1,000,000 devices, ${run.rounds} rounds, ${run.participations} client-rounds in ${run.wallS.toFixed(1)} s, peak RSS ${(run.peakRssBytes / 1e9).toFixed(2)} GB`,
    );
  },
  'fl-real': async (progress) => {
    // Fresh processes, one and two threads in turn, so that neither pays the
    // other's loading and a slow spell of the machine falls on both.
    const ratios: number[] = [];
    for (let pair = 1; pair <= FL_REAL_PAIRS; pair++) {
      const one = federatedRunInChild('fl-bench-real-1w.yaml');
      progress.update((2 * pair - 1) / (2 * FL_REAL_PAIRS), `pair ${pair}: 1 thread done`);
      const two = federatedRunInChild('fl-bench-real.yaml');
      progress.update(pair / FL_REAL_PAIRS, `pair ${pair}: 2 threads done`);
      ratios.push(one.wallS / two.wallS);
      progress.print(
        `federated real tier, pair ${pair}/${FL_REAL_PAIRS}: MNIST 2NN, 100 clients, 10 per round, 50 rounds: ${one.wallS.toFixed(1)} s on 1 thread, ${two.wallS.toFixed(1)} s on 2 threads (${(one.wallS / two.wallS).toFixed(2)}x)`,
      );
    }
    progress.print(`federated real tier: 2 threads against 1: ${ratiosWithMedian(ratios)}`);
  },
  'fl-ceiling': async (progress) => {
    const ceilings = await federatedCeiling(FL_REAL_PAIRS, progress);
    progress.print(
      `federated real tier: two threads training clients side by side, nothing shared, against one alone: ${ratiosWithMedian(ceilings)}, the most the real tier's two threads can give on this machine`,
    );
  },
  plan: async (progress) => {
    for (const line of describePlanBench(await planBench())) progress.print(line);
  },
  scale: async (progress) => {
    const run = millionDeviceRun(progress);
    progress.print(
      `fleet: 1,000,000 devices, 10 min: ${run.requests} requests in ${run.wallS.toFixed(1)} s, peak RSS ${(run.peakRssBytes / 1e9).toFixed(2)} GB`,
    );
  },
};

const asked = process.argv.slice(2).map((a) => a.replace(/^--/, ''));
const unknown = asked.filter((a) => !(a in SUITES) && !(a in ALONE));
if (unknown.length > 0) {
  console.error(
    `bench: unknown suite ${unknown.join(', ')}; suites: ${[...Object.keys(SUITES), ...Object.keys(ALONE)].join(', ')}`,
  );
  process.exitCode = 2;
} else if (asked.some((a) => a in ALONE) && asked.some((a) => a in SUITES)) {
  // They were silently skipped: say so instead.
  console.error(
    `bench: ${Object.keys(ALONE).join(', ')} run without other suites (they measure peak memory or take long); run ${asked.filter((a) => a in SUITES).join(', ')} in another call`,
  );
  process.exitCode = 2;
} else if (asked.some((a) => a in ALONE)) {
  for (const name of asked) await runSuite(name, ALONE[name]);
} else {
  for (const name of asked.length > 0 ? asked : Object.keys(SUITES))
    await runSuite(name, SUITES[name]);
}

/** Runs a suite with its progress line (on a terminal only). */
async function runSuite(name: string, suite: Suite | undefined): Promise<void> {
  if (suite !== undefined) await withTerminalProgress(`bench ${name}`, suite);
}
