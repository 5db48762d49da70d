/**
 * Staleness weights s(τ) of asynchronous federated learning, for an update
 * trained on a global model τ versions older than the one it meets.
 *
 * FedAsync (Xie, Koyejo, Gupta, arXiv:1903.03934, the staleness functions
 * of its experiments; transcribed as in APPFL's fedasync_aggregator.py,
 * github.com/APPFL/APPFL src/appfl/algorithm/aggregator/fedasync_aggregator.py
 * at 1bd7471e):
 *   constant        s(τ) = 1
 *   polynomial(a)   s(τ) = (1 + τ)^(−a),                         a > 0
 *   hinge(a, b)     s(τ) = 1 if τ ≤ b, else 1 / (a·(τ − b) + 1),  a > 0, b ≥ 0
 * FedBuff (Nguyen et al., arXiv:2106.06639) scales each buffered delta by
 * 1/√(1 + τ): polynomial with a = 0.5, its default here.
 *
 * τ counts the server updates made between the client's download and its
 * update's arrival: an update trained on the current model has τ = 0 and
 * weight 1 under every function. The paper writes s(t − τ) with t the
 * update being made; its "+ 1" in the polynomial and its hinge's "t − τ ≤ b"
 * read the same way only with a fresh update at 0, and the two public
 * implementations agree: APPFL (above) and Plato (TL-System/plato at
 * 60d6779a: plato/servers/base.py line 697, staleness = current_round −
 * starting_round; examples/async/fedasync/fedasync_server.py lines 108-118,
 * the same three functions).
 */
import { z } from 'zod';

/** A staleness function as a scenario writes it. */
export const stalenessSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({
    kind: z.literal('polynomial'),
    a: z.number().positive().max(100).describe('Exponent a > 0 of (1 + staleness)^-a'),
  }),
  z.strictObject({
    kind: z.literal('hinge'),
    a: z.number().positive().max(1e6).describe('Slope a > 0 past the hinge'),
    b: z.number().int().min(0).describe('Staleness b >= 0 up to which the weight is 1'),
  }),
]);

export type StalenessSpec = z.output<typeof stalenessSpec>;

/** s(τ) for an integer staleness τ ≥ 0. */
export function stalenessWeight(spec: StalenessSpec, staleness: number): number {
  if (!(Number.isInteger(staleness) && staleness >= 0))
    throw new RangeError(`staleness(=${staleness}) must be an integer >= 0`);
  switch (spec.kind) {
    case 'constant':
      return 1;
    case 'polynomial':
      return (1 + staleness) ** -spec.a;
    case 'hinge':
      return staleness <= spec.b ? 1 : 1 / (spec.a * (staleness - spec.b) + 1);
  }
}
