/**
 * Poisson sampling, as DP-FedAvg samples users: McMahan, Ramage, Talwar,
 * Zhang, "Learning Differentially Private Recurrent Language Models", ICLR
 * 2018 (arXiv:1710.06963), Algorithm 1 ("C^t ← (sample users with
 * probability q)"). Each online client takes part independently with
 * probability q = K/N (K = clientsPerRound, N = all clients), so a round has
 * K·(online/N) clients on average, and the round waits for all of them (no
 * over-commit). The privacy accountant composes it as Poisson subsampling at
 * q (privacy/budget.ts).
 */
import type { Selector, SelectorInputs } from './selector.js';

/** Each online client (ascending ids) with probability K/N, from stream (`select`, round). */
export function poissonSelector(inputs: SelectorInputs): Selector {
  const q = inputs.clientsPerRound / inputs.samples.length;
  return (round, online) => {
    const rng = inputs.streams.stream('select', round);
    return online.filter(() => rng.next() < q);
  };
}
