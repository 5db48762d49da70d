/**
 * The asynchronous modes' settings with their defaults, apart from the run
 * itself (run.ts loads TF.js; resolving a scenario needs only these).
 */
import { type AsyncSpec, asyncSpec } from './schema.js';
import type { StalenessSpec } from './staleness.js';

/** The asynchronous settings with the scenario's defaults filled in. */
export interface AsyncSettings {
  readonly mode: 'async' | 'buffered';
  readonly concurrency: number;
  readonly bufferSize: number;
  readonly updates: number;
  readonly alpha: number;
  readonly staleness: StalenessSpec;
  readonly maxStaleness: number | undefined;
  readonly evaluateEvery: number;
  readonly evaluateEveryS: number | undefined;
}

/**
 * Defaults that make the modes do comparable work to the sync rounds:
 * concurrency and K are clientsPerRound, and the server updates take as
 * many client updates as the rounds aggregate (rounds x clientsPerRound / K,
 * rounded up; K = 1 for FedAsync), evaluated as often per client update.
 */
export function asyncSettings(
  mode: 'async' | 'buffered',
  spec: AsyncSpec | undefined,
  sync: { rounds: number; clientsPerRound: number; evaluateEvery: number },
): AsyncSettings {
  spec ??= asyncSpec.parse({});
  const bufferSize = mode === 'async' ? 1 : (spec.bufferSize ?? sync.clientsPerRound);
  const perRound = sync.clientsPerRound / bufferSize;
  return {
    mode,
    concurrency: spec.concurrency ?? sync.clientsPerRound,
    bufferSize,
    updates: spec.updates ?? Math.ceil(sync.rounds * perRound),
    alpha: spec.alpha,
    staleness:
      spec.staleness ?? (mode === 'async' ? { kind: 'constant' } : { kind: 'polynomial', a: 0.5 }),
    maxStaleness: spec.maxStaleness,
    evaluateEvery: spec.evaluateEvery ?? Math.max(1, Math.round(sync.evaluateEvery * perRound)),
    evaluateEveryS: spec.evaluateEveryS,
  };
}
