import type { InputProblem } from '../../../errors.js';
import type { FederatedSection } from '../schema.js';
import type { Strategy } from '../strategies/strategy.js';

/**
 * What the schema cannot check about the asynchronous modes: `concurrency`
 * and the buffer size K are at most the clients, the selection is uniform
 * (a dispatch picks one idle client at random), the strategy keeps no
 * per-round client state (SCAFFOLD's control variates assume rounds),
 * FedAsync gets no strategy it would ignore, and no ALIE attack (which needs
 * the other updates of an aggregation).
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
  if (section.mode === 'async') {
    problems.push(...fedAsyncStrategyProblems(section.strategy, strategy !== undefined));
    if (section.attack?.kind === 'alie')
      problems.push({
        path: 'federated.attack.kind',
        message:
          'mode async cannot run the alie attack: it shifts an attacker by the spread of the other updates aggregated with it, and FedAsync aggregates each update alone; use mode: buffered (ALIE over the buffer) or another attack',
        value: 'alie',
      });
  } else if (strategy?.name.includes('scaffold'))
    problems.push({
      path: 'federated.strategy',
      message: `mode ${section.mode} cannot run ${strategy.name}: its control variates assume synchronous rounds`,
    });
  return problems;
}

/** Strategies FedAsync runs as written: FedAvg's local training, and FedProx's proximal term (FedAsync's local regulariser). */
const FEDASYNC_STRATEGIES = ['fedavg', 'fedprox'];

/**
 * FedAsync mixes each update into the global model itself
 * (FedAsyncServer), so a server optimiser or a wrapper (robust rule,
 * clipping) would be silently ignored: reject them. An unknown name
 * (`known` false) is already reported by the strategy check.
 */
function fedAsyncStrategyProblems(
  spec: FederatedSection['strategy'],
  known: boolean,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const hint = 'use mode: buffered (FedBuff) for a server optimiser or a robust rule';
  if (known && !FEDASYNC_STRATEGIES.includes(spec.name))
    problems.push({
      path: 'federated.strategy',
      message: `mode async cannot run strategy ${spec.name}: FedAsync mixes each update into the global model itself and takes only ${FEDASYNC_STRATEGIES.join(' or ')}; ${hint}`,
      value: spec.name,
    });
  if (spec.wrap !== undefined && spec.wrap.length > 0)
    problems.push({
      path: 'federated.strategy.wrap',
      message: `mode async cannot run strategy wrappers (${spec.wrap.map((w) => w.name).join(', ')}): FedAsync mixes each update into the global model itself; ${hint}`,
    });
  return problems;
}
