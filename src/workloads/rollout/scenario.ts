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
import { MAX_DURATION_S, MAX_TEXT_LENGTH } from '../../scenario/limits.js';
import { quantity } from '../../scenario/units.js';
import { PRECISIONS } from '../../vocabulary/cost-card.js';
import { failureSpec, rolloutPlanFields } from '../rollout-plan.js';

const positiveDuration = { min: 0, exclusiveMin: true, max: MAX_DURATION_S } as const;

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
