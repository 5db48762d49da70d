/**
 * Strategy wrappers by name, for the `wrap` list of `federated.strategy`:
 * `strategy: { name: fedadam, wrap: [{ name: clip, clipNorm: 1 }] }`. The
 * first wraps the strategy, each next one wraps the one before. Adding a
 * wrapper is a file (a {@link WrappedStrategy} and its strict options) and a
 * line here.
 */
import { z } from 'zod';
import { UsageError } from '../../../../errors.js';
import { checkStrictOptions } from '../options.js';
import type { Strategy } from '../strategy.js';
import { type ClipOptions, ClippedStrategy, clipOptions } from './clip.js';

/** Every option any registered wrapper reads. */
export type WrapperOptions = Partial<ClipOptions>;

/** Name → its strict options and how it wraps a strategy (throwing a RangeError naming a bad option). */
export const WRAPPERS = {
  clip: {
    options: clipOptions,
    wrap: (inner: Strategy, options: WrapperOptions) =>
      new ClippedStrategy(inner, options as ClipOptions),
  },
} as const satisfies Record<
  string,
  { options: z.ZodObject; wrap: (inner: Strategy, options: WrapperOptions) => Strategy }
>;

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
      .map(([name, w]) => `${name} (${Object.keys(w.options.shape).join(', ')})`)
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
export function wrapStrategy(strategy: Strategy, wrappers: readonly WrapperSpec[]): Strategy {
  return wrappers.reduce((inner, { name, ...options }) => {
    if (!Object.hasOwn(WRAPPERS, name))
      throw new UsageError(
        `unknown strategy wrapper "${name}"; known wrappers: ${names.join(', ')}`,
      );
    try {
      return WRAPPERS[name].wrap(inner, options);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`wrapper ${name}: ${error.message}`);
      throw error;
    }
  }, strategy);
}
