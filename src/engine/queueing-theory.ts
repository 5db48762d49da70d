/**
 * Closed-form results for the queues the engine's resources model; the tests
 * check the simulated queues against them, and the capacity planner uses them
 * for first estimates.
 */

/**
 * Erlang C: the probability that an arrival to an M/M/c queue waits, for
 * offered load a = lambda / mu (Erlangs) on c servers, a < c.
 */
export function erlangC(servers: number, offeredLoad: number): number {
  if (!(offeredLoad < servers))
    throw new RangeError(`load(=${offeredLoad}) must be < servers(=${servers})`);
  // Summed with the recurrence term_k = term_{k-1} * a / k, stable for large c.
  let term = 1;
  let sum = 1;
  for (let k = 1; k < servers; k++) {
    term *= offeredLoad / k;
    sum += term;
  }
  const last = ((term * offeredLoad) / servers) * (servers / (servers - offeredLoad));
  return last / (sum + last);
}

/** Mean wait in queue (s) of an M/M/c queue with arrival rate lambda and service rate mu per server. */
export function mmcMeanWaitS(servers: number, arrivalRate: number, serviceRate: number): number {
  const probabilityOfWaiting = erlangC(servers, arrivalRate / serviceRate);
  return probabilityOfWaiting / (servers * serviceRate - arrivalRate);
}

/**
 * Pollaczek-Khinchine: mean wait in queue (s) of an M/G/1 queue with arrival
 * rate lambda and service time of mean E[S] and second moment E[S^2].
 */
export function mg1MeanWaitS(
  arrivalRate: number,
  meanServiceS: number,
  secondMomentS2: number,
): number {
  const rho = arrivalRate * meanServiceS;
  if (!(rho < 1)) throw new RangeError(`utilisation(=${rho}) must be < 1`);
  return (arrivalRate * secondMomentS2) / (2 * (1 - rho));
}

/** M/D/1 mean wait in queue (s): Pollaczek-Khinchine with deterministic service D. */
export function md1MeanWaitS(arrivalRate: number, serviceS: number): number {
  return mg1MeanWaitS(arrivalRate, serviceS, serviceS * serviceS);
}
