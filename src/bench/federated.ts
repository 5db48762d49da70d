import { RandomStreams, weightedAverage } from '../index.js';
import type { BenchCase } from './harness.js';

const CLIENTS = 100;
const PARAMETERS = 1_000_000;

interface Round {
  updates: Float32Array[];
  examples: number[];
  out: Float32Array;
}

let round: Round | undefined;

/**
 * 100 client models of 1,000,000 float32 parameters (400 MB), uniform in
 * [−1, 1), with 100–999 examples each. Built on first use, outside the timed
 * work from then on (the harness's warm-up run pays for it), so importing this
 * module costs nothing.
 */
function fedAvgRound(): Round {
  if (round === undefined) {
    const streams = new RandomStreams(1);
    const updates = Array.from({ length: CLIENTS }, (_, k) => {
      const rng = streams.stream('fedavg-bench', k);
      return Float32Array.from({ length: PARAMETERS }, () => rng.uniform(-1, 1));
    });
    const sizes = streams.stream('fedavg-bench-examples');
    const examples = updates.map(() => 100 + sizes.integer(900));
    round = { updates, examples, out: new Float32Array(PARAMETERS) };
  }
  return round;
}

/** FedAvg's aggregation of one round; returns the client parameters read. */
function aggregateRound(): number {
  const { updates, examples, out } = fedAvgRound();
  weightedAverage(updates, examples, out);
  return CLIENTS * PARAMETERS;
}

export const federatedCases: BenchCase[] = [
  {
    name: 'federated: FedAvg of 100 x 1,000,000 float32 updates',
    run: aggregateRound,
    unit: 'client parameters',
  },
];
