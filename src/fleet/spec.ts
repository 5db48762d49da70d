/**
 * A scenario's device groups as the fleet model needs them: hardware
 * profile, count, network, spread, availability, failures, battery. Shared by
 * every workload that runs on a fleet (inference adds each group's arrivals).
 */
import { z } from 'zod';
import { name } from '../scenario/header.js';
import { MAX_DEVICES, MAX_GROUPS, MAX_NAME_LENGTH } from '../scenario/limits.js';
import { quantity } from '../scenario/units.js';
import { INTERFACES } from '../vocabulary/network-interface.js';
import { availabilitySpec, failureSpec } from './availability.js';

const positive = { min: 0, exclusiveMin: true } as const;
const fraction = (text: string) => quantity('fraction', { min: 0, max: 1 }, text);

/** Fields of a hardware profile to override, in the profile file format. */
export const profileOverride = z
  .record(z.string(), z.unknown())
  .describe('Fields of the hardware profile to override, in the profile file format');

/** The software stack a device runs a model with (stack.ts); inference groups and servers take it. */
export const stackField = z
  .string()
  .max(MAX_NAME_LENGTH)
  .optional()
  .describe(
    "Software stack the device runs the model with: one its profile's calibration measured (its calibration.framework or one of its otherFrameworks); default the reference, calibration.framework",
  );

const battery = z.strictObject({
  initialCharge: fraction('State of charge at time 0').default(1),
  charging: z
    .strictObject({
      startHour: z
        .number()
        .min(0)
        .max(24)
        .describe('Hour of day (0-24) the daily charging window opens'),
      hours: z.number().positive().max(24).describe('Length of the daily charging window, hours'),
      power: quantity(
        'power',
        { ...positive, max: 1e6 }, // 1 MW: no charger comes close

        'Charging power; the device runs from the charger meanwhile',
      ),
    })
    .optional(),
});

/**
 * The fields of a device group before its `overrides`, in file order; a
 * workload adds its own (inference: `arrivals`) between these and
 * `overrides`.
 */
export const deviceClassFields = {
  name: name.describe('Identifies the group (device class) in results'),
  profile: z
    .string()
    .max(MAX_NAME_LENGTH)
    .describe('Hardware profile name (a file in hardware-profiles/)'),
  count: z
    .number()
    .int()
    .min(0)
    .max(MAX_DEVICES) // every device has its own state; see limits.ts
    .describe(`Devices in the group (at most ${MAX_DEVICES.toLocaleString('en-US')} in a fleet)`),
  network: z.strictObject({
    technology: z.enum(INTERFACES).describe('Access technology'),
    cell: name
      .optional()
      .describe('Cell or access point name; devices naming the same cell share it'),
    devicesPerCell: z
      .number()
      .int()
      .min(1)
      .max(MAX_DEVICES)
      .optional()
      .describe('Split the group over cells of this many devices each (cells <cell>#0, #1, ...)'),
  }),
  spread: z
    .strictObject({
      throughputCv: z
        .number()
        .min(0)
        .max(10) // a CV of 10 already puts most devices near zero throughput
        .default(0)
        .describe(
          'Coefficient of variation of the lognormal per-device throughput factor (mean 1)',
        ),
    })
    .default({ throughputCv: 0 }),
  availability: availabilitySpec.default({ kind: 'always' }),
  failures: failureSpec.optional(),
  battery: battery.optional(),
};

/** A device group of any fleet workload: a device class and how many of it. */
export const deviceClassSpec = z.strictObject({
  ...deviceClassFields,
  overrides: profileOverride.optional(),
});

/** What the fleet model needs of a device group. */
export type DeviceClassSpec = z.output<typeof deviceClassSpec>;

/**
 * The groups of a fleet: at most MAX_GROUPS, and at most MAX_DEVICES devices in
 * all (every device has its own state, so the total is what memory pays for).
 */
export function fleetOf<G extends z.ZodType<{ count: number }>>(group: G) {
  return z
    .array(group)
    .min(1)
    .max(MAX_GROUPS)
    .refine((groups) => groups.reduce((n, g) => n + g.count, 0) <= MAX_DEVICES, {
      error: (issue) => {
        const total = (issue.input as { count: number }[]).reduce((n, g) => n + g.count, 0);
        return `has ${total.toLocaleString('en-US')} devices in all; at most ${MAX_DEVICES.toLocaleString('en-US')} are allowed`;
      },
    });
}
