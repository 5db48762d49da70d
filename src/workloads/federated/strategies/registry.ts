/**
 * Strategies by name, for scenario files and the command line.
 */
import { UsageError } from '../../../errors.js';
import { FedAdagrad, type FedAdagradOptions } from './fedadagrad.js';
import { FedAdam, type FedAdamOptions } from './fedadam.js';
import { FedAvg } from './fedavg.js';
import { FedAvgM, type FedAvgMOptions } from './fedavgm.js';
import { FedProx, type FedProxOptions } from './fedprox.js';
import { FedYogi, type FedYogiOptions } from './fedyogi.js';
import type { FedAvgOptions } from './options.js';
import { Scaffold, type ScaffoldOptions } from './scaffold.js';
import type { Strategy } from './strategy.js';

/** Every option any registered strategy reads; each strategy ignores the others. */
export type StrategyOptions = Partial<
  FedAvgOptions &
    FedAvgMOptions &
    FedProxOptions &
    FedAdamOptions &
    FedYogiOptions &
    FedAdagradOptions &
    ScaffoldOptions
>;

/** Name → factory. Each factory validates its options and throws a RangeError naming a bad one. */
export const STRATEGIES = {
  fedavg: (options: StrategyOptions) => new FedAvg(options),
  fedavgm: (options: StrategyOptions) => new FedAvgM(options),
  fedprox: (options: StrategyOptions) => new FedProx(options as FedProxOptions),
  fedadam: (options: StrategyOptions) => new FedAdam(options),
  fedyogi: (options: StrategyOptions) => new FedYogi(options),
  fedadagrad: (options: StrategyOptions) => new FedAdagrad(options),
  scaffold: (options: StrategyOptions) => new Scaffold(options as ScaffoldOptions),
} as const satisfies Record<string, (options: StrategyOptions) => Strategy>;

/** A registered strategy's name. */
export type StrategyName = keyof typeof STRATEGIES;

/** Whether `name` is a registered strategy. */
export function isStrategyName(name: string): name is StrategyName {
  return Object.hasOwn(STRATEGIES, name);
}

/**
 * The strategy registered as `name`, built from `options`. Throws a UsageError
 * for an unknown name (listing the known ones) or an invalid option (naming
 * it and its value).
 */
export function createStrategy(name: string, options: StrategyOptions = {}): Strategy {
  if (!isStrategyName(name))
    throw new UsageError(
      `unknown strategy "${name}"; known strategies: ${Object.keys(STRATEGIES).join(', ')}`,
    );
  try {
    return STRATEGIES[name](options);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`strategy ${name}: ${error.message}`);
    throw error;
  }
}
