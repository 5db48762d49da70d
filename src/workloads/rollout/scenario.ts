/**
 * The rollout workload's part of a scenario: a fleet (device groups and
 * their cells) and a `rollout:` block that takes it from one model version
 * to another in waves. Every object is strict; quantities may carry units.
 */
import { z } from 'zod';
import { radioField } from '../../energy/radio-spec.js';
import { deviceClassFields, fleetOf, profileOverride } from '../../fleet/spec.js';
import { cellsField } from '../../network/cell-spec.js';
import type { ScenarioInputOf, ScenarioOf } from '../../scenario/header.js';
import { MAX_BITRATE_BPS, MAX_DURATION_S, MAX_TEXT_LENGTH } from '../../scenario/limits.js';
import { quantity } from '../../scenario/units.js';
import { PRECISIONS } from '../../vocabulary/cost-card.js';

const positiveDuration = { min: 0, exclusiveMin: true, max: MAX_DURATION_S } as const;
const probability = (text: string) => quantity('fraction', { min: 0, max: 1 }, text);

/** At most this many waves (a wave is a row, and its index a byte per device). */
export const MAX_WAVES = 100;

/** A device group: a device class, and how often each device runs the model (for per-inference failures). */
export const rolloutGroup = z.strictObject({
  ...deviceClassFields,
  inferenceRate: quantity(
    'rate',
    { min: 0, max: 1e6 },
    'Inferences per second each device runs (a bad build may fail per inference)',
  ).default(0),
  overrides: profileOverride.optional(),
});

/** A version's failure probabilities (a bad build). */
export const failureSpec = z
  .strictObject({
    perHour: probability('Probability that a device running this version fails within an hour'),
    perInference: probability(
      "Probability that one inference on this version fails the device (needs the group's inferenceRate)",
    ),
  })
  .partial();

/** A model version: an `.edgm` file written by `edgesim compress`, or a cost card (no delta). */
const version = z.union([
  z.strictObject({
    file: z.string().max(MAX_TEXT_LENGTH).describe('.edgm model file, relative to the scenario'),
    failure: failureSpec.optional(),
  }),
  z.strictObject({
    card: z
      .string()
      .max(MAX_TEXT_LENGTH)
      .describe('Cost card: a zoo name or a .json card file; its image is its encoded size'),
    precision: z.enum(PRECISIONS).optional(),
    failure: failureSpec.optional(),
  }),
]);

/** `HH:MM` from 00:00 to 24:00. */
export const CLOCK = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const clock = (text: string) =>
  z
    .string()
    .max(5)
    .regex(CLOCK, 'expected a time of day "HH:MM" from 00:00 to 24:00')
    .describe(text);

const window = z
  .strictObject({
    from: clock('Downloads may start from this time of the simulated day'),
    to: clock('... until this one (before from: the window spans midnight)'),
  })
  .refine((w) => w.from !== w.to, { message: 'from and to must differ', path: ['to'] });

const waves = z
  .array(
    quantity('fraction', { min: 0, max: 1, exclusiveMin: true }, 'Cumulative share of the fleet'),
  )
  .min(1)
  .max(MAX_WAVES)
  .superRefine((list, ctx) => {
    list.forEach((f, i) => {
      if (i > 0 && f <= list[i - 1]!)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          input: f,
          message: `waves must increase: ${f * 100}% follows ${list[i - 1]! * 100}%`,
        });
    });
    const last = list[list.length - 1];
    if (last !== undefined && last !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [list.length - 1],
        input: last,
        message: `the last wave must be 100% of the fleet, not ${last * 100}%`,
      });
  })
  .describe('Cumulative shares of the fleet updated by each wave, increasing, ending at 100%');

/**
 * How a rollout moves through the fleet: the `rollout` section's fields
 * beside `from` and `to`, shared with the inference workload's `rollout`
 * block (workloads/inference/rollout-spec.ts).
 */
export const rolloutPlanFields = {
  update: z
    .enum(['full', 'delta'])
    .default('full')
    .describe('full: send the whole image; delta: the measured delta between the two .edgm files'),
  waves: waves.default([1]),
  soak: quantity(
    'duration',
    positiveDuration,
    "Time from a wave's start to its health gate (and the next wave's start)",
  ).default(3600),
  gate: z
    .strictObject({
      maxFailureRate: probability(
        "Largest share of a wave's updated devices that may have failed on the new version",
      ),
      action: z.enum(['pause', 'rollback']).default('pause'),
    })
    .optional(),
  windows: z
    .array(window)
    .max(24)
    .default([])
    .describe('Download windows in the simulated day (00:00 = time 0); none: any time'),
  network: z
    .enum(['any', 'unmetered-only'])
    .default('any')
    .describe('unmetered-only: devices on lte, 5g, nbiot or lorawan never download'),
  cellCap: quantity(
    'bitrate',
    { min: 0, exclusiveMin: true, max: MAX_BITRATE_BPS },
    "Bandwidth cap of update traffic per cell (below the cell's downlink)",
  ).optional(),
  sampleEvery: quantity('duration', positiveDuration, 'Grid step of versions.csv').default(600),
};

const rolloutSection = z.strictObject({
  from: version.describe('The version every device runs at time 0'),
  to: version.describe('The version the rollout installs'),
  ...rolloutPlanFields,
});

/** The rollout workload's top-level fields, beside the scenario header. */
export const rolloutFields = {
  duration: quantity('duration', positiveDuration, 'Simulated time of the rollout'),
  fleet: fleetOf(rolloutGroup).describe('Groups of devices of one class'),
  cells: cellsField,
  radio: radioField,
  rollout: rolloutSection,
};

/** Group names are unique (results name them). */
export function checkRolloutScenario(
  scenario: z.output<z.ZodObject<typeof rolloutFields>>,
  ctx: z.RefinementCtx,
): void {
  const names = new Set<string>();
  scenario.fleet.forEach((group, i) => {
    if (names.has(group.name))
      ctx.addIssue({
        code: 'custom',
        path: ['fleet', i, 'name'],
        input: group.name,
        message: `duplicate name "${group.name}"`,
      });
    names.add(group.name);
  });
}

/** A rollout scenario after validation: quantities in base units, defaults filled in. */
export type RolloutScenario = ScenarioOf<typeof rolloutFields>;
/** A rollout scenario as written. */
export type RolloutScenarioInput = ScenarioInputOf<typeof rolloutFields>;
export type RolloutGroup = RolloutScenario['fleet'][number];
export type VersionSpec = RolloutScenario['rollout']['from'];
export type RolloutSection = RolloutScenario['rollout'];
/** The name a version spec goes by in messages. */
export const versionName = (v: VersionSpec) => ('file' in v ? v.file : v.card);
