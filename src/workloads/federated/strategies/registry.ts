/**
 * Strategies by name, for scenario files and the command line, with the
 * strict schema of each one's options.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../engine/random.js';
import { UsageError } from '../../../errors.js';
import { FedAdagrad, type FedAdagradOptions, fedAdagradOptions } from './fedadagrad.js';
import { FedAdam, type FedAdamOptions, fedAdamOptions } from './fedadam.js';
import { FedAvg, fedAvgOptions } from './fedavg.js';
import { FedAvgM, type FedAvgMOptions, fedAvgMOptions } from './fedavgm.js';
import { FedProx, type FedProxOptions, fedProxOptions } from './fedprox.js';
import { FedYogi, type FedYogiOptions, fedYogiOptions } from './fedyogi.js';
import { checkStrictOptions, type FedAvgOptions } from './options.js';
import { Scaffold, type ScaffoldOptions, scaffoldOptions } from './scaffold.js';
import type { Strategy } from './strategy.js';
import { type WrapperSpec, wrapperSpec, wrapStrategy } from './wrappers/registry.js';

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

/** Each strategy's options as a strict schema: what a scenario may write beside `name`. */
export const STRATEGY_OPTIONS = {
  fedavg: fedAvgOptions,
  fedavgm: fedAvgMOptions,
  fedprox: fedProxOptions,
  fedadam: fedAdamOptions,
  fedyogi: fedYogiOptions,
  fedadagrad: fedAdagradOptions,
  scaffold: scaffoldOptions,
} as const satisfies Record<StrategyName, z.ZodObject>;

/** The `federated.strategy` block after validation: a name, that strategy's options, and its wrappers. */
export type StrategySpec = { name: string; wrap?: WrapperSpec[] } & StrategyOptions;

const optionsText = Object.entries(STRATEGY_OPTIONS)
  .map(([name, schema]) => `${name}: ${Object.keys(schema.shape).join(', ')}`)
  .join('; ');

/**
 * The `federated.strategy` block of a scenario: `name` and the options of
 * that strategy, checked against its strict schema ({@link STRATEGY_OPTIONS}),
 * so a misspelt option is an error at its path listing the valid ones; and
 * `wrap`, the wrappers around it (see wrappers/registry.ts). An unknown name
 * passes here: resolving the scenario reports it, with the checks that need
 * the fleet.
 */
export const strategySpec = z
  .looseObject({
    name: z.string().describe(`One of ${Object.keys(STRATEGIES).join(', ')}`),
    wrap: z
      .array(wrapperSpec)
      .optional()
      .describe('Wrappers around the strategy, the first innermost (such as clip: clipNorm)'),
  })
  .describe(`The strategy and its options (${optionsText})`)
  .transform((spec, ctx): StrategySpec => {
    const { name, wrap, ...options } = spec;
    if (!isStrategyName(name)) return spec;
    const checked = checkStrictOptions(`strategy ${name}`, STRATEGY_OPTIONS[name], options, ctx);
    if (checked === undefined) return z.NEVER;
    return { name, ...checked, ...(wrap === undefined ? {} : { wrap }) };
  });

/** How a run's tables name the strategy: its name, then each wrapper's, as in `fedavg+clip`. */
export function strategyLabel(spec: StrategySpec): string {
  return [spec.name, ...(spec.wrap ?? []).map((w) => w.name)].join('+');
}

/**
 * The strategy of a validated `federated.strategy` block: the registered
 * strategy with its options (over `defaults`), inside its wrappers, which
 * draw their noise and masks from `streams` (the run's). Throws a
 * UsageError as {@link createStrategy} and {@link wrapStrategy} do.
 */
export function strategyFromSpec(
  spec: StrategySpec,
  streams: RandomStreams,
  defaults: StrategyOptions = {},
  clientsPerRound?: number,
): Strategy {
  const { name, wrap = [], ...options } = spec;
  return wrapStrategy(createStrategy(name, { ...defaults, ...options }), wrap, {
    streams,
    ...(clientsPerRound !== undefined ? { clientsPerRound } : {}),
  });
}

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
