import type { InputProblem } from '../../../errors.js';
import type { FederatedSection } from '../schema.js';
import type { Strategy } from '../strategies/strategy.js';

/**
 * What the schema cannot check about the asynchronous modes: `concurrency`
 * and the buffer size K are at most the clients, the selection is uniform
 * (a dispatch picks one idle client at random), the strategy keeps no
 * per-round client state (SCAFFOLD's control variates assume rounds), and
 * no attack is given (attackers are applied in sync rounds only so far;
 * async/server.ts's `receive` is where they will plug in).
 */
export function asyncProblems(
  section: FederatedSection,
  clients: number,
  strategy: Strategy | undefined,
): InputProblem[] {
  if (section.mode === undefined || section.mode === 'sync') return [];
  const problems: InputProblem[] = [];
  const spec = section.async;
  const tooMany = (key: 'concurrency' | 'bufferSize', what: string) => {
    const value = spec?.[key];
    if (value !== undefined && value > clients)
      problems.push({
        path: `federated.async.${key}`,
        message: `${what} cannot exceed the clients (${clients} devices)`,
        value,
      });
  };
  tooMany('concurrency', 'clients training at once');
  if (section.mode === 'buffered') tooMany('bufferSize', 'the buffer size K');
  if (section.selection !== 'random')
    problems.push({
      path: 'federated.selection',
      message: `mode ${section.mode} dispatches a random idle client when a slot frees; selection ${section.selection} needs rounds`,
      value: section.selection,
    });
  if (section.attack !== undefined)
    problems.push({
      path: 'federated.attack',
      message: `attacks do not reach the updates of mode ${section.mode} yet (sync mode only)`,
    });
  if (strategy?.name.includes('scaffold'))
    problems.push({
      path: 'federated.strategy',
      message: `mode ${section.mode} cannot run ${strategy.name}: its control variates assume synchronous rounds`,
    });
  return problems;
}
