/**
 * Strategy wrappers by name, for the `wrap` list of `federated.strategy`:
 * `strategy: { name: fedadam, wrap: [{ name: clip, clipNorm: 1 }] }`. The
 * first wraps the strategy, each next one wraps the one before. Adding a
 * wrapper is a file (a {@link WrappedStrategy} and its strict options) and a
 * line here.
 */
import { z } from 'zod';
import type { RandomStreams } from '../../../../engine/random.js';
import { type InputProblem, UsageError } from '../../../../errors.js';
import { checkStrictOptions } from '../options.js';
import type { Strategy } from '../strategy.js';
import {
  type BulyanOptions,
  BulyanStrategy,
  bulyanClientProblems,
  bulyanOptions,
} from './bulyan.js';
import { type ClipOptions, ClippedStrategy, clipOptions } from './clip.js';
import { CompressedStrategy, type CompressOptions, compressOptions } from './compress.js';
import {
  COUNT_STDDEV_PER_CLIENT,
  type DpAdaptiveOptions,
  DpAdaptiveStrategy,
  dpAdaptiveClientProblems,
  dpAdaptiveOptions,
} from './dp-adaptive.js';
import { type DpCentralOptions, DpCentralStrategy, dpCentralOptions } from './dp-central.js';
import { type DpLocalOptions, DpLocalStrategy, dpLocalOptions } from './dp-local.js';
import {
  type KrumOptions,
  KrumStrategy,
  krumClientProblems,
  krumOptions,
  type MultiKrumOptions,
  MultiKrumStrategy,
  multiKrumOptions,
} from './krum.js';
import { MedianStrategy, medianOptions } from './median.js';
import type { ClientCountProblem } from './robust.js';
import {
  type TrimmedMeanOptions,
  TrimmedMeanStrategy,
  trimmedMeanOptions,
} from './trimmed-mean.js';

/** Every option any registered wrapper reads. */
export type WrapperOptions = Partial<
  ClipOptions &
    TrimmedMeanOptions &
    MultiKrumOptions &
    BulyanOptions &
    DpCentralOptions &
    DpAdaptiveOptions &
    DpLocalOptions &
    CompressOptions
>;

/** What a wrapper may draw on besides its options: the run's random streams (noise, masks). */
export interface WrapContext {
  readonly streams: RandomStreams;
  /** The scenario's clients per round (K), for defaults that scale with it. */
  readonly clientsPerRound?: number;
}

/** How a registered wrapper is built and checked. */
interface WrapperEntry {
  /** Its options as a scenario writes them (strict). */
  readonly options: z.ZodObject;
  /** Wraps `inner`, throwing a RangeError naming a bad option. */
  readonly wrap: (inner: Strategy, options: WrapperOptions, context: WrapContext) => Strategy;
  /** Its options' problems against the scenario's clients per round (robust rules' bounds on f). */
  readonly clientProblems?: (
    options: WrapperOptions,
    clientsPerRound: number,
  ) => ClientCountProblem[];
}

/** Name → its strict options, how it wraps a strategy, and its checks against the clients per round. */
export const WRAPPERS = {
  clip: {
    options: clipOptions,
    wrap: (inner, options) => new ClippedStrategy(inner, options as ClipOptions),
  },
  median: {
    options: medianOptions,
    wrap: (inner) => new MedianStrategy(inner),
  },
  'trimmed-mean': {
    options: trimmedMeanOptions,
    wrap: (inner, options) => new TrimmedMeanStrategy(inner, options as TrimmedMeanOptions),
  },
  krum: {
    options: krumOptions,
    wrap: (inner, options) => new KrumStrategy(inner, options as KrumOptions),
    clientProblems: krumClientProblems,
  },
  'multi-krum': {
    options: multiKrumOptions,
    wrap: (inner, options) => new MultiKrumStrategy(inner, options as MultiKrumOptions),
    clientProblems: krumClientProblems,
  },
  bulyan: {
    options: bulyanOptions,
    wrap: (inner, options) => new BulyanStrategy(inner, options as BulyanOptions),
    clientProblems: bulyanClientProblems,
  },
  'dp-central': {
    options: dpCentralOptions,
    wrap: (inner, options, { streams }) =>
      new DpCentralStrategy(inner, options as DpCentralOptions, streams),
  },
  'dp-adaptive': {
    options: dpAdaptiveOptions,
    wrap: (inner, options, { streams, clientsPerRound }) => {
      const given = options as DpAdaptiveOptions;
      // σ_b's default, K/20, from the scenario's K when the options give no expected K.
      const countStddev =
        given.clippedCountStddev ??
        (given.expectedClientsPerRound === undefined && clientsPerRound !== undefined
          ? COUNT_STDDEV_PER_CLIENT * clientsPerRound
          : undefined);
      return new DpAdaptiveStrategy(
        inner,
        countStddev === undefined ? given : { ...given, clippedCountStddev: countStddev },
        streams,
      );
    },
    clientProblems: dpAdaptiveClientProblems,
  },
  'dp-local': {
    options: dpLocalOptions,
    wrap: (inner, options, { streams }) =>
      new DpLocalStrategy(inner, options as DpLocalOptions, streams),
  },
  compress: {
    options: compressOptions,
    wrap: (inner, options, { streams }) =>
      new CompressedStrategy(inner, options as CompressOptions, streams),
  },
} as const satisfies Record<string, WrapperEntry>;

/** A registered wrapper's name. */
export type WrapperName = keyof typeof WRAPPERS;

/** One entry of a `wrap` list after validation. */
export type WrapperSpec = { name: WrapperName } & WrapperOptions;

const names = Object.keys(WRAPPERS) as [WrapperName, ...WrapperName[]];

/** One entry of `wrap`: a registered name and that wrapper's options, checked strictly. */
export const wrapperSpec = z
  .looseObject({ name: z.enum(names) })
  .describe(
    `A strategy wrapper: ${Object.entries(WRAPPERS)
      .map(([name, w]) => {
        const options = Object.keys(w.options.shape);
        return options.length === 0 ? name : `${name} (${options.join(', ')})`;
      })
      .join('; ')}`,
  )
  .transform((spec, ctx): WrapperSpec => {
    const { name, ...options } = spec;
    const checked = checkStrictOptions(`wrapper ${name}`, WRAPPERS[name].options, options, ctx);
    return checked === undefined ? z.NEVER : { name, ...checked };
  });

/**
 * `strategy` wrapped by each of `wrappers` in turn (the first innermost).
 * Throws a UsageError for an unknown name or an invalid option.
 */
export function wrapStrategy(
  strategy: Strategy,
  wrappers: readonly WrapperSpec[],
  context: WrapContext,
): Strategy {
  return wrappers.reduce((inner, { name, ...options }) => {
    if (!Object.hasOwn(WRAPPERS, name))
      throw new UsageError(
        `unknown strategy wrapper "${name}"; known wrappers: ${names.join(', ')}`,
      );
    try {
      return WRAPPERS[name].wrap(inner, options, context);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`wrapper ${name}: ${error.message}`);
      throw error;
    }
  }, strategy);
}

/**
 * The problems of a validated `wrap` list against the scenario's clients per
 * round (Krum needs n > 2f + 2, Bulyan n >= 4f + 3, Multi-Krum m <= n − f),
 * each at its option's path, such as `federated.strategy.wrap[0].f`.
 */
export function wrapperClientProblems(
  wrappers: readonly WrapperSpec[],
  clientsPerRound: number,
): InputProblem[] {
  return wrappers.flatMap((spec, i) => {
    const entry: WrapperEntry | undefined = Object.hasOwn(WRAPPERS, spec.name)
      ? WRAPPERS[spec.name]
      : undefined;
    return (entry?.clientProblems?.(spec, clientsPerRound) ?? []).map((p) => ({
      path: `federated.strategy.wrap[${i}].${p.option}`,
      message: p.message,
      value: p.value,
    }));
  });
}
