import type { InputProblem } from '../../../errors.js';
import type { FederatedSection } from '../schema.js';
import type { Strategy } from '../strategies/strategy.js';

/**
 * What the schema cannot check about the asynchronous modes: `concurrency`
 * and the buffer size K are at most the clients, the selection is uniform
 * (a dispatch picks one idle client at random), the strategy keeps no
 * per-round client state (SCAFFOLD's control variates assume rounds).
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
  if (strategy?.name.includes('scaffold'))
    problems.push({
      path: 'federated.strategy',
      message: `mode ${section.mode} cannot run ${strategy.name}: its control variates assume synchronous rounds`,
    });
  return problems;
}
