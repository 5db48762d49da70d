/**
 * A scenario's `radio:` block: which published parameter set each link
 * technology's radio model uses (radio-models.ts has the sets and their
 * sources). Absent, or a technology left out: that technology's default.
 *
 * ```yaml
 * radio:
 *   lte: { model: att-aro }       # default huang2012
 *   wifi5: { model: huang2012 }   # default huang2012-aro-tail
 * ```
 *
 * Strict: an unknown technology or set name is an error naming the path, the
 * value and the names allowed.
 */
import { z } from 'zod';
import {
  DEFAULT_RADIO_MODELS,
  RADIO_MODEL_SETS,
  type RadioModelName,
  type RadioTechnology,
} from './radio-models.js';

/** One technology's choice: `{ model: <set name> }`. */
function technologyChoice<T extends RadioTechnology>(technology: T) {
  const names = Object.keys(RADIO_MODEL_SETS[technology]) as [
    RadioModelName<T>,
    ...RadioModelName<T>[],
  ];
  return z
    .strictObject({
      model: z
        .enum(names)
        .describe(
          `Parameter set of the ${technology} radio model: ${names.join(', ')} (default ${DEFAULT_RADIO_MODELS[technology]})`,
        ),
    })
    .optional();
}

/** The `radio:` field: a parameter set per technology, each optional. */
export const radioField = z
  .strictObject({
    ethernet: technologyChoice('ethernet'),
    wifi5: technologyChoice('wifi5'),
    wifi6: technologyChoice('wifi6'),
    lte: technologyChoice('lte'),
    '5g': technologyChoice('5g'),
    lorawan: technologyChoice('lorawan'),
    nbiot: technologyChoice('nbiot'),
  } satisfies Record<RadioTechnology, unknown>)
  .optional()
  .describe(
    'Radio power model of each link technology, by published parameter set; LTE defaults to huang2012 (Huang et al., MobiSys 2012)',
  );

/** A validated `radio:` block (undefined when the scenario has none). */
export type RadioSpec = z.output<typeof radioField>;
