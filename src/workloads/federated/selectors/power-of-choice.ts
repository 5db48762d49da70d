/**
 * Power-of-choice selection: Cho, Wang, Joshi, "Client Selection in Federated
 * Learning: Convergence Analysis and Power-of-Choice Selection Strategies",
 * arXiv:2010.01243, 2020 (also "Towards Understanding Biased Client Selection
 * in Federated Learning", AISTATS 2022). Sample d candidates, keep the m with
 * the highest local loss.
 */
import { type Selector, type SelectorInputs, sample } from './selector.js';

/**
 * Samples `candidates` (d) of the online clients at random (default 2 × the
 * count; at most all online), then keeps the `count` with the highest local
 * loss. The loss known for a client is the one it reported the last time it
 * trained; a client never seen counts as highest, so every client is explored;
 * ties go to the lower id. Returns them by loss, highest first. Without losses
 * (the cost-only tier) every candidate ties, so it keeps the lowest ids.
 */
export function powerOfChoiceSelector(inputs: SelectorInputs): Selector {
  const { streams, lastLoss, candidates } = inputs;
  return (round, online, count) => {
    const pool = sample(online, Math.min(online.length, candidates ?? 2 * count), streams, round);
    return Int32Array.from(
      [...pool]
        .sort((a, b) => lossKey(lastLoss[b]!) - lossKey(lastLoss[a]!) || a - b)
        .slice(0, count),
    );
  };
}

/** Sort key of a loss: unknown (NaN) above every known loss. */
function lossKey(loss: number): number {
  return Number.isNaN(loss) ? Number.POSITIVE_INFINITY : loss;
}
