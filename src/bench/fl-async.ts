import {
  bufferedAverage,
  FedAvg,
  FedBuffServer,
  mixInPlace,
  RandomStreams,
  weightedAverage,
} from '../index.js';
import { NO_PROGRESS, type ProgressReporter } from '../progress.js';
import { timedScenarioRun } from './federated-scale.js';
import type { BenchCase } from './harness.js';

/**
 * The asynchronous modes' server steps and a cost-only run at fleet scale
 * (issue #18): FedAsync's mix of one update into 1,000,000 float32
 * parameters (target < 1 ms median); a FedBuff buffer of K = 100 stale
 * updates through FedAvg (target: per contribution at least as fast as
 * FedAvg's kernel, timed here on the same 100 models: the buffer's kernel
 * and the whole server step); and scenarios/fl-async-1m.yaml (target
 * < 60 s, < 2 GB).
 */

const PARAMETERS = 1_000_000;
const K = 100;

/** Uniform in [−1, 1), from its own stream. */
function vector(streams: RandomStreams, key: number): Float32Array {
  const rng = streams.stream('fl-async-bench', key);
  return Float32Array.from({ length: PARAMETERS }, () => rng.uniform(-1, 1));
}

let mix: { global: Float32Array; local: Float32Array } | undefined;

/** One FedAsync update: global ← 0.5·global + 0.5·local, in place. */
function fedAsyncMix(): number {
  if (mix === undefined) {
    const streams = new RandomStreams(1);
    mix = { global: vector(streams, 0), local: vector(streams, 1) };
  }
  mixInPlace(mix.global, mix.local, 0.5);
  return PARAMETERS;
}

let buffer: { global: Float32Array; base: Float32Array; locals: Float32Array[] } | undefined;

/** The global, the stale base and the K = 100 client models, built on first use. */
function fedBuffInputs(): { global: Float32Array; base: Float32Array; locals: Float32Array[] } {
  if (buffer === undefined) {
    const streams = new RandomStreams(2);
    buffer = {
      global: vector(streams, 0),
      base: vector(streams, 1),
      locals: Array.from({ length: K }, (_, k) => vector(streams, k + 2)),
    };
  }
  return buffer;
}

/**
 * One FedBuff server update: K = 100 updates of staleness 1 (trained on a
 * base that is not the global), 100–199 examples each, weighted by 1/√2,
 * averaged onto the global and through FedAvg (server.ts's one-pass path for
 * the FedAvg family; the updates are not modified).
 */
function fedBuffUpdate(): number {
  const { global, base, locals } = fedBuffInputs();
  const server = new FedBuffServer(global, new FedAvg(), { kind: 'polynomial', a: 0.5 });
  for (let k = 0; k < K; k++)
    server.receive({
      update: { clientId: k, numExamples: 100 + k, weights: locals[k]! },
      base,
      staleness: 1,
    });
  server.apply(1);
  return K * PARAMETERS;
}

/** The buffer's kernel alone: staleness-weighted mean of K = 100 deltas onto the global, one pass. */
function fedBuffKernel(): number {
  const { global, base, locals } = fedBuffInputs();
  const c = 1 / Math.sqrt(2) / K;
  bufferedAverage(
    global,
    locals,
    locals.map(() => base),
    locals.map(() => c),
  );
  return K * PARAMETERS;
}

/** FedAvg's kernel on the same 100 models, for comparison per contribution. */
function fedAvgKernel(): number {
  const { locals } = fedBuffInputs();
  weightedAverage(
    locals,
    locals.map((_, k) => 100 + k),
  );
  return K * PARAMETERS;
}

export const flAsyncCases: BenchCase[] = [
  {
    name: 'fl-async: FedAsync mix of 1,000,000 float32 parameters',
    run: fedAsyncMix,
    unit: 'parameters',
  },
  {
    name: 'fl-async: FedBuff K = 100 stale updates x 1,000,000 through FedAvg',
    run: fedBuffUpdate,
    unit: 'client parameters',
  },
  {
    name: 'fl-async: FedBuff kernel, K = 100 stale deltas x 1,000,000',
    run: fedBuffKernel,
    unit: 'client parameters',
  },
  {
    name: "fl-async: FedAvg's kernel on the same 100 x 1,000,000",
    run: fedAvgKernel,
    unit: 'client parameters',
  },
];

/**
 * scenarios/fl-async-1m.yaml run once in this process (scenario loading and
 * validation excluded from the wall time): its server updates, trips and
 * peak RSS.
 */
export async function flAsyncScaleRun(
  progress: ProgressReporter = NO_PROGRESS,
  file = 'fl-async-1m.yaml',
): Promise<{ wallS: number; serverUpdates: number; participations: number; peakRssBytes: number }> {
  const { wallS, cell, peakRssBytes } = await timedScenarioRun(file, progress);
  return {
    wallS,
    serverUpdates: cell('server_updates'),
    participations: cell('participations'),
    peakRssBytes,
  };
}
