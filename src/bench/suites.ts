/**
 * The built-in benchmark suites, run by `npm run bench` (src/bench/main.ts)
 * and `edgesim bench --suite`. Each suite reports to a {@link SuiteOutput}:
 * lines for a person (above the progress line, or on stderr with `json`),
 * tinybench cases, and the figures it measured, which `--json` prints as
 * one object (schema `edgesim-bench-suites/1`).
 *
 * `plan` (the capacity planner on $EDGESIM_BENCH_PLAN, else
 * scenarios/plan-cameras.yaml or bench-plan.yaml), `scale` (the
 * 1,000,000-device inference scenario), `split` (split against fixed
 * placement on fleet-10k), `rollout-1m` (a 24-hour rollout to 1,000,000
 * devices), `learn` (split MNIST with every continual-learning method), `fl-scale` and `fl-async-scale`
 * (1,000,000-device cost-only federated learning, rounds and FedAsync), `fl-real` (real-tier MNIST on one and two
 * threads) and `fl-ceiling` (the most two threads give on its training) run
 * only when named, and alone: they measure peak memory or take long.
 */
import { Console } from 'node:console';
import { cpus } from 'node:os';
import { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { type TerminalProgress, withTerminalProgress } from '../progress.js';
import { gitCommit, VERSION } from '../version.js';
import { balancerCases } from './balancers.js';
import { calibrationCases } from './calibration.js';
import { cnnTrainingThroughput } from './cnn-training.js';
import { codecCases } from './codecs.js';
import { compressionCases } from './compression.js';
import { continualCases } from './continual.js';
import { engineCases, pendingEventsMemoryBytes } from './engine.js';
import { federatedCases } from './federated.js';
import { federatedRun, federatedRunInChild } from './federated-scale.js';
import { flAsyncCases, flAsyncScaleRun } from './fl-async.js';
import { federatedCeiling } from './fl-ceiling.js';
import { fleetCases, millionDeviceRun } from './fleet.js';
import { type BenchCase, type BenchResult, runCases } from './harness.js';
import { learnSplitMnist } from './learn.js';
import { llmCases } from './llm.js';
import { llmBatcherCases } from './llm-batcher.js';
import { matmulCases } from './matmul.js';
import { describePlanBench, planBench } from './plan.js';
import { privacyCases } from './privacy.js';
import { reportRender } from './report.js';
import { robustCases } from './robust.js';
import { millionDeviceRollout } from './rollout.js';
import { secaggCases } from './secagg.js';
import { splitCases } from './split.js';
import { describeSweepOverhead, sweepOverhead } from './sweep.js';

/** What a suite measured, as `--json` prints it. */
export interface SuiteResult {
  name: string;
  /** What it printed for a person. */
  lines: string[];
  /** Its tinybench cases (wall milliseconds). */
  cases: BenchResult[];
  /** Its other figures, as measured (seconds, bytes, ratios; names say which). */
  figures: object[];
}

/** Where a suite reports. */
export class SuiteOutput {
  readonly result: SuiteResult;

  constructor(
    name: string,
    private readonly progress: TerminalProgress,
    private readonly quiet: boolean,
  ) {
    this.result = { name, lines: [], cases: [], figures: [] };
  }

  /** A line for a person: above the progress line, or on stderr when stdout carries JSON. */
  line(text: string): void {
    this.result.lines.push(text);
    if (this.quiet) console.error(text);
    else this.progress.print(text);
  }

  /** Runs tinybench cases, records them and prints their table. */
  async cases(cases: BenchCase[], iterations: number, progress: TerminalProgress): Promise<void> {
    const results = await runCases(cases, iterations, progress);
    this.result.cases.push(...results);
    this.line(caseTable(results));
  }

  figures(figures: object): void {
    this.result.figures.push(figures);
  }
}

function caseTable(results: BenchResult[]): string {
  return tableText(
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

/** A suite measures, reporting its results to `out` (which prints them above the progress line). */
type Suite = (progress: TerminalProgress, out: SuiteOutput) => Promise<void>;

const SUITES: Record<string, Suite> = {
  engine: async (progress, out) => {
    await out.cases(engineCases, 5, progress);
    const bytes = pendingEventsMemoryBytes();
    out.figures({ pendingEvents: 1_000_000, bytes });
    out.line(
      `engine: 1,000,000 pending events hold ${(bytes / 1e6).toFixed(1)} MB above the baseline`,
    );
  },
  fleet: (progress, out) => out.cases(fleetCases, 3, progress),
  calibration: (progress, out) => out.cases(calibrationCases(), 3, progress),
  balancers: (progress, out) => out.cases(balancerCases, 5, progress),
  continual: async (progress, out) => out.cases(await continualCases(), 10, progress),
  'llm-batcher': (progress, out) => out.cases(llmBatcherCases, 5, progress),
  llm: (progress, out) => out.cases(llmCases, 3, progress),
  sweep: async (_progress, out) => {
    const overhead = await sweepOverhead(2);
    out.figures(overhead);
    for (const line of describeSweepOverhead(overhead)) out.line(line);
  },
  report: async (progress, out) => {
    const renders = [
      [false, '20 configurations x 50 replications'],
      [false, 'the same again'],
      [true, '1,000 configurations (a sampled sweep)'],
    ] as const;
    for (const [i, [sampled, label]] of renders.entries()) {
      const r = await reportRender(sampled);
      out.figures({ label, ...r });
      out.line(
        `report: ${r.runs} runs x 10 metrics, ${label}: report.html and ${r.charts} charts (.vl.json and .svg) in ${r.wallS.toFixed(2)} s`,
      );
      progress.update((i + 1) / renders.length, `render ${i + 1} of ${renders.length}`);
    }
  },
  compression: (progress, out) => out.cases(compressionCases, 10, progress),
  matmul: async (progress, out) => out.cases(await matmulCases(), 10, progress),
  federated: (progress, out) => out.cases(federatedCases, 10, progress),
  robust: (progress, out) => out.cases(robustCases, 5, progress),
  'fl-async': (progress, out) => out.cases(flAsyncCases, 10, progress),
  privacy: (progress, out) => out.cases(privacyCases, 5, progress),
  codecs: (progress, out) => out.cases(codecCases, 5, progress),
  // Mask expansion and key agreement: what secagg-phases.ts's HOST_CRYPTO holds.
  secagg: (progress, out) => out.cases(secaggCases.slice(0, 2), 5, progress),
  training: async (progress, out) => {
    const wasm = await cnnTrainingThroughput('wasm', 20, 32);
    progress.update(0.5, 'wasm done, cpu next');
    const cpu = await cnnTrainingThroughput('cpu', 3, 32, 1);
    out.figures({ wasm, cpu });
    out.line(
      `training: FedAvg CNN, batch 32, SGD: wasm ${wasm.samplesPerS.toFixed(1)} samples/s, cpu ${cpu.samplesPerS.toFixed(1)} samples/s (${(wasm.samplesPerS / cpu.samplesPerS).toFixed(1)}x)`,
    );
  },
};

/** Run on their own: they measure peak memory (which other suites would inflate) or take long. */
const ALONE: Record<string, Suite> = {
  learn: async (progress, out) => {
    const run = await learnSplitMnist(progress);
    out.figures(run);
    out.line(
      `learn: split MNIST, 5 tasks x 1 epoch, 5 methods x 3 settings (${run.tasks} task rows) in ${run.wallS.toFixed(1)} s`,
    );
  },
  'fl-scale': async (progress, out) => {
    const run = await federatedRun('fl-1m.yaml', progress);
    out.figures(run);
    out.line(
      `federated cost-only: 1,000,000 devices, ${run.rounds} rounds, ${run.participations} client-rounds in ${run.wallS.toFixed(1)} s, peak RSS ${(run.peakRssBytes / 1e9).toFixed(2)} GB`,
    );
  },
  'fl-async-scale': async (progress, out) => {
    const run = await flAsyncScaleRun(progress);
    out.figures(run);
    out.line(
      `federated cost-only FedAsync: 1,000,000 devices, concurrency 1,000: ${run.serverUpdates} server updates, ${run.participations} trips in ${run.wallS.toFixed(1)} s, peak RSS ${(run.peakRssBytes / 1e9).toFixed(2)} GB`,
    );
  },
  'fl-real': async (progress, out) => {
    // Fresh processes, one and two threads in turn, so that neither pays the
    // other's loading and a slow spell of the machine falls on both.
    const ratios: number[] = [];
    for (let pair = 1; pair <= FL_REAL_PAIRS; pair++) {
      const one = federatedRunInChild('fl-bench-real-1w.yaml');
      progress.update((2 * pair - 1) / (2 * FL_REAL_PAIRS), `pair ${pair}: 1 thread done`);
      const two = federatedRunInChild('fl-bench-real.yaml');
      progress.update(pair / FL_REAL_PAIRS, `pair ${pair}: 2 threads done`);
      ratios.push(one.wallS / two.wallS);
      out.figures({ pair, oneThread: one, twoThreads: two });
      out.line(
        `federated real tier, pair ${pair}/${FL_REAL_PAIRS}: MNIST 2NN, 100 clients, 10 per round, 50 rounds: ${one.wallS.toFixed(1)} s on 1 thread, ${two.wallS.toFixed(1)} s on 2 threads (${(one.wallS / two.wallS).toFixed(2)}x)`,
      );
    }
    out.line(`federated real tier: 2 threads against 1: ${ratiosWithMedian(ratios)}`);
  },
  'fl-ceiling': async (progress, out) => {
    const ceilings = await federatedCeiling(FL_REAL_PAIRS, progress);
    out.figures({ ceilings });
    out.line(
      `federated real tier: two threads training clients side by side, nothing shared, against one alone: ${ratiosWithMedian(ceilings)}, the most the real tier's two threads can give on this machine`,
    );
  },
  // Its set-up expands about 40 GB of masks (100 clients' pairwise masks of 1,000,000 words).
  'secagg-unmask': (progress, out) => out.cases(secaggCases.slice(2), 5, progress),
  plan: async (_progress, out) => {
    const plan = await planBench();
    out.figures(plan);
    for (const line of describePlanBench(plan)) out.line(line);
  },
  scale: async (progress, out) => {
    const run = millionDeviceRun(progress);
    out.figures(run);
    out.line(
      `fleet: 1,000,000 devices, 10 min: ${run.requests} requests in ${run.wallS.toFixed(1)} s, peak RSS ${(run.peakRssBytes / 1e9).toFixed(2)} GB`,
    );
  },
  // Three fleet-10k runs a call (fixed, adaptive and split placement): about 80 s.
  split: (progress, out) => out.cases(splitCases, 3, progress),
  'rollout-1m': async (progress, out) => {
    const run = millionDeviceRollout(progress);
    out.figures(run);
    out.line(
      `rollout: 1,000,000 devices, 24 h, delta in waves: ${run.updated} updated in ${run.wallS.toFixed(1)} s, peak RSS ${(run.peakRssBytes / 1e9).toFixed(2)} GB`,
    );
  },
};

/** Every suite's name: those run by default, then those run only alone. */
export const SUITE_NAMES = [...Object.keys(SUITES), ...Object.keys(ALONE)];

/**
 * Runs the named suites (every default one for none) and returns their
 * results. A UsageError for an unknown name, or for a suite that runs alone
 * named with others. With `json`, person-facing lines go to stderr.
 */
export async function runSuites(names: readonly string[], json = false): Promise<SuiteResult[]> {
  const unknown = names.filter((a) => !(a in SUITES) && !(a in ALONE));
  if (unknown.length > 0)
    throw new UsageError(`unknown suite ${unknown.join(', ')}; suites: ${SUITE_NAMES.join(', ')}`);
  const alone = names.filter((a) => a in ALONE);
  if (alone.length > 0 && alone.length < names.length)
    throw new UsageError(
      `${Object.keys(ALONE).join(', ')} run without other suites (they measure peak memory or take long); run ${names.filter((a) => a in SUITES).join(', ')} in another call`,
    );
  const chosen = names.length > 0 ? names : Object.keys(SUITES);
  const results: SuiteResult[] = [];
  for (const name of chosen) {
    const suite = SUITES[name] ?? ALONE[name]!;
    results.push(
      await withTerminalProgress(`bench ${name}`, async (progress) => {
        const out = new SuiteOutput(name, progress, json);
        await suite(progress, out);
        return out.result;
      }),
    );
  }
  return results;
}

/** The JSON `--json` prints for suites. */
export function suitesJson(results: readonly SuiteResult[]): string {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  return JSON.stringify(
    {
      schema: 'edgesim-bench-suites/1',
      edgesim: VERSION,
      commit: gitCommit(),
      machine,
      suites: results,
    },
    null,
    2,
  );
}
