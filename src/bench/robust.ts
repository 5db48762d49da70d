/**
 * Robust aggregation on the round (#18): 100 client models of
 * 1,000,000 float32 parameters. Targets: Krum under 2 s; the coordinate-wise
 * median and trimmed mean under 1.5 s (a selection per coordinate, not a
 * full sort).
 */
import {
  coordinateMedian,
  multiKrum,
  pairwiseSquaredDistances,
  RandomStreams,
  trimmedMean,
} from '../index.js';
import type { BenchCase } from './harness.js';

const CLIENTS = 100;
const PARAMETERS = 1_000_000;
/** Krum's assumed attackers: 10% of the round. */
const ATTACKERS = 10;
/** The trimmed mean drops 10% at each end. */
const BETA = 0.1;

interface Round {
  updates: Float32Array[];
  out: Float32Array;
}

let round: Round | undefined;

/**
 * 100 client models of 1,000,000 float32 parameters (400 MB), uniform in
 * [−1, 1). Built on first use, outside the timed work from then on (the
 * harness's warm-up run pays for it), so importing this module costs nothing.
 */
function robustRound(): Round {
  if (round === undefined) {
    const streams = new RandomStreams(1);
    const updates = Array.from({ length: CLIENTS }, (_, k) => {
      const rng = streams.stream('robust-bench', k);
      return Float32Array.from({ length: PARAMETERS }, () => rng.uniform(-1, 1));
    });
    round = { updates, out: new Float32Array(PARAMETERS) };
  }
  return round;
}

export const robustCases: BenchCase[] = [
  {
    name: 'robust: Krum (f = 10) of 100 x 1,000,000 float32 updates',
    run: () => {
      const { updates } = robustRound();
      multiKrum(pairwiseSquaredDistances(updates), CLIENTS, ATTACKERS);
      return CLIENTS * PARAMETERS;
    },
    unit: 'client parameters',
  },
  {
    name: 'robust: coordinate-wise median of 100 x 1,000,000 float32 updates',
    run: () => {
      const { updates, out } = robustRound();
      coordinateMedian(updates, out);
      return CLIENTS * PARAMETERS;
    },
    unit: 'client parameters',
  },
  {
    name: 'robust: trimmed mean (beta = 0.1) of 100 x 1,000,000 float32 updates',
    run: () => {
      const { updates, out } = robustRound();
      trimmedMean(updates, BETA, out);
      return CLIENTS * PARAMETERS;
    },
    unit: 'client parameters',
  },
];
