/**
 * The real tier's secure aggregation: the round's updates go through the
 * protocol's real cryptography (secagg/) with the dropouts its simulated
 * phases had, and the server gets only their mean.
 *
 * Each client quantises its update Δ_k = w_k − w_global (clipped to
 * [−R, R] per coordinate, stochastic rounding from its own stream) into the
 * ring; the server unmasks the modular sum of the survivors' inputs and
 * dequantises their mean Δ̄. The strategy then aggregates one update,
 * w_global + Δ̄, carrying all the survivors' examples: its server optimiser
 * applies as usual, but the mean is unweighted (the server cannot weight
 * what it cannot see; Flower's SecAgg+ workflow sums as given, too). With
 * random-k (compress), only the round's shared k coordinates are masked and
 * sent.
 */
import type { RandomStreams } from '../../engine/random.js';
import { randomMask } from './codecs/random-k.js';
import { dequantiseMean, type FixedPointOptions, quantise } from './secagg/fixed-point.js';
import { runSecAgg } from './secagg/round.js';
import type { SecAggClient, SecAggPhase } from './secagg/types.js';
import type { SecAggTiming } from './secagg-phases.js';
import type { SecureAggregation } from './secure-aggregation.js';
import type { ClientUpdate } from './strategies/strategy.js';

/** The mean update the server unmasked, or why the protocol failed. */
export type SecureSum =
  | { readonly ok: true; readonly update: ClientUpdate }
  | { readonly ok: false; readonly reason: string };

export interface SecureSumInput {
  readonly round: number;
  readonly seed: number;
  readonly streams: RandomStreams;
  readonly settings: SecureAggregation;
  readonly timing: SecAggTiming;
  readonly global: Float32Array;
  /** The updates of the clients in the sum (the timing's survivors of masked input). */
  readonly updates: readonly ClientUpdate[];
}

/** Runs the protocol on the round's updates; see the header. */
export function secureSum(input: SecureSumInput): SecureSum {
  const { round, settings, timing, global, streams } = input;
  const n = global.length;
  const m = settings.elements(n);
  const mask = m < n ? randomMask(streams, round, n, m) : undefined;
  const options: FixedPointOptions = {
    clipRange: settings.clipRange,
    levels: settings.levels,
    bits: settings.bits,
    rounding: 'stochastic',
  };
  const byId = new Map(input.updates.map((u) => [u.clientId, u]));
  const clients: SecAggClient[] = timing.participants.map((id) => {
    const update = byId.get(id);
    // A client that left before its masked input sends none: its input is never read.
    if (update === undefined) return { id, input: new Uint32Array(m) };
    const delta = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      const j = mask === undefined ? i : mask[i]!;
      delta[i] = update.weights[j]! - global[j]!;
    }
    const rng = streams.stream('secagg-quantise', `${round}/${id}`);
    return { id, input: quantise(delta, options, rng) };
  });
  const dropouts: Partial<Record<SecAggPhase, number[]>> = {};
  for (const [id, phase] of timing.droppedAt) dropouts[phase] = [...(dropouts[phase] ?? []), id];
  const result = runSecAgg(
    clients,
    {
      threshold: settings.threshold,
      ...(settings.neighbours !== undefined ? { neighbours: settings.neighbours } : {}),
      bits: settings.bits,
      seed: input.seed,
      round,
    },
    dropouts,
  );
  if (!result.ok)
    return { ok: false, reason: `secure aggregation failed in ${result.phase}: ${result.reason}` };
  const mean = dequantiseMean(result.sum, result.survivors.length, options);
  const weights = Float32Array.from(global);
  for (let i = 0; i < m; i++) {
    const j = mask === undefined ? i : mask[i]!;
    weights[j] = global[j]! + mean[i]!;
  }
  const survivors = result.survivors.map((id) => {
    const update = byId.get(id);
    if (update === undefined)
      throw new Error(`secure aggregation summed client ${id}, whose update did not arrive`);
    return update;
  });
  const examples = survivors.reduce((sum, u) => sum + u.numExamples, 0);
  const reported = survivors.filter((u) => u.loss !== undefined);
  const lossExamples = reported.reduce((sum, u) => sum + u.numExamples, 0);
  return {
    ok: true,
    update: {
      clientId: survivors[0]!.clientId,
      numExamples: examples,
      weights,
      ...(lossExamples > 0
        ? { loss: reported.reduce((sum, u) => sum + u.numExamples * u.loss!, 0) / lossExamples }
        : {}),
    },
  };
}
