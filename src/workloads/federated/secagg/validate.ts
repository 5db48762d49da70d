/**
 * Checks of a secure-aggregation setting: as problems (field, value, what was
 * expected) for a scenario, and as a RangeError for a round built in code.
 */
import type { InputProblem } from '../../../errors.js';
import { MAX_RING_BITS } from './fixed-point.js';
import type { SecAggClient, SecAggConfig } from './types.js';

/** Largest client id: x = id + 1 must fit 32 bits. */
const MAX_ID = 2 ** 32 - 2;

/** Shares each secret has: every client in the complete graph, else neighbours + 1 (itself). */
export function shareHolders(clients: number, neighbours: number | undefined): number {
  return neighbours === undefined || neighbours >= clients - 1 ? clients : neighbours + 1;
}

/**
 * Problems with a setting for `clients` clients: bits outside 1..32, a
 * neighbour degree that gives no regular graph, a threshold outside
 * 1..holders. Paths are the config's field names.
 */
export function secAggProblems(
  config: Pick<SecAggConfig, 'threshold' | 'neighbours' | 'bits'>,
  clients: number,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const { threshold, neighbours, bits } = config;
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_RING_BITS)
    problems.push({
      path: 'bits',
      value: bits,
      message: `expected an integer in 1..${MAX_RING_BITS}`,
    });
  if (neighbours !== undefined && neighbours < clients - 1) {
    if (!Number.isInteger(neighbours) || neighbours < 1)
      problems.push({ path: 'neighbours', value: neighbours, message: 'expected an integer >= 1' });
    else if (neighbours % 2 === 1 && clients % 2 === 1)
      problems.push({
        path: 'neighbours',
        value: neighbours,
        message: `expected an even number with ${clients} clients (no odd-degree regular graph on an odd number of nodes)`,
      });
  }
  const holders = shareHolders(clients, neighbours);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > holders)
    problems.push({
      path: 'threshold',
      value: threshold,
      message:
        neighbours === undefined || holders === clients
          ? `expected an integer in 1..${holders} (the number of clients)`
          : `expected an integer in 1..${holders} (neighbours + 1: the holders of each secret)`,
    });
  return problems;
}

/** Throws RangeError naming the first bad field or client of a round. */
export function validateRound(clients: readonly SecAggClient[], config: SecAggConfig): void {
  if (clients.length < 1) throw new RangeError('clients must not be empty');
  const [problem] = secAggProblems(config, clients.length);
  if (problem !== undefined)
    throw new RangeError(`${problem.path}(=${String(problem.value)}): ${problem.message}`);
  if (!Number.isSafeInteger(config.seed))
    throw new RangeError(`seed(=${config.seed}) must be an integer`);
  const round = config.round ?? 0;
  if (!Number.isSafeInteger(round) || round < 0)
    throw new RangeError(`round(=${round}) must be an integer >= 0`);
  const m = clients[0]!.input.length;
  const seen = new Set<number>();
  const limit = 2 ** config.bits;
  clients.forEach((client, i) => {
    const { id, input } = client;
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID)
      throw new RangeError(`clients[${i}].id(=${id}) must be an integer in 0..${MAX_ID}`);
    if (seen.has(id)) throw new RangeError(`clients[${i}].id(=${id}) repeats`);
    seen.add(id);
    if (input.length !== m)
      throw new RangeError(`clients[${i}].input.length(=${input.length}) must equal ${m}`);
    if (config.bits < MAX_RING_BITS)
      for (let j = 0; j < m; j++)
        if (input[j]! >= limit)
          throw new RangeError(
            `clients[${i}].input[${j}](=${input[j]}) must be < 2^${config.bits}`,
          );
  });
}
