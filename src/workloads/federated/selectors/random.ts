/**
 * Uniform random selection, as in FedAvg: McMahan et al.,
 * "Communication-Efficient Learning of Deep Networks from Decentralized
 * Data", AISTATS 2017 (arXiv:1602.05629), Algorithm 1 ("S_t ← random set of
 * m clients").
 */
import { type Selector, type SelectorInputs, sample } from './selector.js';

/** `count` distinct clients uniformly at random (a partial Fisher-Yates shuffle), in draw order. */
export function randomSelector(inputs: SelectorInputs): Selector {
  const { streams } = inputs;
  return (round, online, count) => sample(online, count, streams, round);
}
