import { z } from 'zod';
import { availabilitySpec, failureSpec } from '../fleet/availability.js';
import { INTERFACES } from '../fleet/profiles.js';
import { PRECISIONS } from '../ml/cost/card.js';
import { reportField } from '../report/options.js';
import { compressSection } from '../workloads/compress/schema.js';
import { federatedSection } from '../workloads/federated/schema.js';
import { arrivalSpec } from '../workloads/inference/arrivals.js';
import {
  PLACEMENT_POLICY_NAMES,
  placementPoliciesText,
} from '../workloads/inference/placement/registry.js';
import {
  MAX_BATCH,
  MAX_BITRATE_BPS,
  MAX_CELLS,
  MAX_DEVICES,
  MAX_DURATION_S,
  MAX_GROUPS,
  MAX_MESSAGE_BYTES,
  MAX_NAME_LENGTH,
  MAX_QUEUE,
  MAX_SERVER_WORKERS,
  MAX_SERVERS,
  MAX_TEXT_LENGTH,
} from './limits.js';
import { quantity } from './units.js';

/**
 * The scenario file format. Every object is strict (an unknown field is an
 * error, so a typo never silently falls back to a default), and every
 * quantity may be written with units; each field's description (also in the
 * exported JSON Schema) names the base unit a bare number is read in.
 */

const name = z
  .string()
  .max(MAX_NAME_LENGTH)
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    'must start with a letter and use only letters, digits, _ . -',
  );

const positive = { min: 0, exclusiveMin: true } as const;
/** A duration that allocates nothing but must stay finite in simulated time (see limits.ts). */
const duration = { min: 0, max: MAX_DURATION_S } as const;
const positiveDuration = { ...positive, max: MAX_DURATION_S } as const;
const bitrate = { ...positive, max: MAX_BITRATE_BPS } as const;
const fraction = (text: string) => quantity('fraction', { min: 0, max: 1 }, text);

const profileOverride = z
  .record(z.string(), z.unknown())
  .describe('Fields of the hardware profile to override, in the profile file format');

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

export const deviceGroup = z.strictObject({
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
  arrivals: arrivalSpec.describe('When each device asks for an inference'),
  overrides: profileOverride.optional(),
});

export const cell = z.strictObject({
  uplink: quantity('bitrate', bitrate, 'Uplink capacity shared by the cell').optional(),
  downlink: quantity('bitrate', bitrate, 'Downlink capacity shared by the cell').optional(),
  rtt: quantity('duration', duration, 'Round-trip time to the first server').optional(),
  // A loss of 1 would make every bit cost infinitely many on the air.
  loss: quantity(
    'fraction',
    { min: 0, max: 1, exclusiveMax: true },
    'Packet loss probability',
  ).optional(),
  uplinkTrace: z
    .string()
    .min(1)
    .optional()
    .describe('Mahimahi trace file for the uplink capacity (replaces uplink)'),
  downlinkTrace: z
    .string()
    .min(1)
    .optional()
    .describe('Mahimahi trace file for the downlink capacity (replaces downlink)'),
});

const server = z.strictObject({
  name: name.describe('Identifies the server in results and placement'),
  profile: z.string().max(MAX_NAME_LENGTH).describe('Hardware profile name'),
  tier: z
    .enum(['edge', 'cloud'])
    .optional()
    .describe("Tier for placement; default from the profile's tier"),
  workers: z
    .number()
    .int()
    .min(1)
    .max(MAX_SERVER_WORKERS) // each worker holds a batch of maxBatch requests
    .default(1)
    .describe('Batches served at once'),
  queueCapacity: z
    .number()
    .int()
    .min(0)
    .max(MAX_QUEUE)
    .optional()
    .describe('Requests that may wait; unlimited if absent'),
  batching: z
    .strictObject({
      maxBatch: z
        .number()
        .int()
        .min(1)
        .max(MAX_BATCH) // the roofline is tabulated for every size 1..maxBatch
        .describe('Largest batch'),
      maxWait: quantity('duration', duration, 'Longest a partial batch waits for more requests'),
    })
    .optional(),
  rtt: quantity(
    'duration',
    duration,
    "Round-trip time beyond the device's cell (the WAN for cloud)",
  ).default(0),
  ingress: quantity(
    'bitrate',
    bitrate,
    'Ingress capacity shared by all uploads to this server',
  ).optional(),
  precision: z
    .enum(PRECISIONS)
    .optional()
    .describe("Precision the server runs the model at; default the model's"),
  overrides: profileOverride.optional(),
});

const cells = z
  .record(name, cell)
  .refine((c) => Object.keys(c).length <= MAX_CELLS, `at most ${MAX_CELLS} cells`)
  .default({})
  .describe('Overrides of the technology defaults, by cell name');

/**
 * The groups of a fleet: at most MAX_GROUPS, and at most MAX_DEVICES devices in
 * all (every device has its own state, so the total is what memory pays for).
 */
function fleetOf<G extends z.ZodType<{ count: number }>>(group: G) {
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

// The policies are the placement registry's; a new one registered there is valid here.
const placementPolicy = z.enum(PLACEMENT_POLICY_NAMES);
const placement = z.union([
  placementPolicy.transform((policy) => ({ policy, objective: 'latency' as const })),
  z.strictObject({
    policy: placementPolicy,
    objective: z.enum(['latency', 'energy']).default('latency'),
  }),
]);

const inference = z.strictObject({
  placement: placement.describe(`Where requests run: ${placementPoliciesText()}`),
  input: quantity(
    'bytes',
    { ...positive, max: MAX_MESSAGE_BYTES },
    'Bytes uploaded per request (the model input)',
  ),
  output: quantity(
    'bytes',
    { ...positive, max: MAX_MESSAGE_BYTES },
    'Bytes downloaded per response (the model output)',
  ),
  slo: quantity(
    'duration',
    positiveDuration,
    'Latency objective: a slower request violates the SLO',
  ),
  deadline: quantity(
    'duration',
    positiveDuration,
    'A request not answered by then has failed',
  ).optional(),
  deviceQueue: z
    .number()
    .int()
    .min(0)
    .max(MAX_QUEUE)
    .default(16)
    .describe('Requests that may wait on a device for its own processor'),
  modelDownload: z
    .boolean()
    .default(false)
    .describe(
      "Devices that may run the model download it over their cell's downlink first (the card's encoded size, else its weights at the precision run); requests for the device wait until it has arrived",
    ),
});

export const cost = z.strictObject({
  electricity: quantity('pricePerEnergy', { min: 0 }, 'Electricity price').default(0.127),
  carbon: quantity('carbonIntensity', { min: 0 }, 'Grid carbon intensity').default(370),
  egress: quantity('pricePerBytes', { min: 0 }, 'Price of bytes leaving the cloud tier').default(
    0.09,
  ),
});

/** The fields every kind of scenario starts with. */
const scenarioHeader = {
  $schema: z.string().optional().describe('JSON Schema reference for editors; ignored by edgesim'),
  name: z.string().min(1).max(MAX_NAME_LENGTH).describe('Name of the scenario, shown in results'),
  description: z.string().max(MAX_TEXT_LENGTH).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe('Base seed of every random stream; --seed overrides it'),
  report: reportField,
};

const fleetScenarioSchema = z
  .strictObject({
    ...scenarioHeader,
    duration: quantity(
      'duration',
      positiveDuration,
      'Simulated time during which devices send requests',
    ),
    model: z.strictObject({
      card: z
        .string()
        .max(MAX_TEXT_LENGTH)
        .describe('Cost card: a zoo name (mobilenet-v2, resnet-50, fedavg-cnn) or a JSON file'),
      precision: z
        .enum(PRECISIONS)
        .optional()
        .describe(
          "Default: the card's deployed precision (cards written by edgesim compress), else fp32",
        ),
    }),
    fleet: fleetOf(deviceGroup).describe('Groups of devices of one class'),
    cells,
    servers: z.array(server).max(MAX_SERVERS).default([]).describe('Edge and cloud servers'),
    workload: z.strictObject({ inference }),
    cost: cost.default({ electricity: 0.127, carbon: 370, egress: 0.09 }),
    outputs: z
      .strictObject({
        requests: z
          .enum(['auto', 'always', 'never'])
          .default('auto')
          .describe('Write requests.csv (one row per request); auto: only up to 200,000 requests'),
        devices: z
          .enum(['auto', 'always', 'never'])
          .default('auto')
          .describe('Write devices.csv (one row per device); auto: only up to 100,000 devices'),
      })
      .default({ requests: 'auto', devices: 'auto' }),
  })
  .superRefine((scenario, ctx) => {
    const names = new Set<string>();
    const unique = (value: string, path: (string | number)[]) => {
      if (names.has(value))
        ctx.addIssue({ code: 'custom', path, input: value, message: `duplicate name "${value}"` });
      names.add(value);
    };
    scenario.fleet.forEach((group, i) => {
      unique(group.name, ['fleet', i, 'name']);
    });
    scenario.servers.forEach((s, i) => {
      unique(s.name, ['servers', i, 'name']);
    });
  });

/**
 * A compression scenario: train a model on a dataset, apply compression
 * pipelines, measure each variant and estimate it on hardware profiles.
 */
const compressScenarioSchema = z.strictObject({
  ...scenarioHeader,
  compress: compressSection,
});

/**
 * A federated-learning scenario: a fleet whose devices are the clients, and
 * how rounds run on it.
 */
const federatedScenarioSchema = z.strictObject({
  ...scenarioHeader,
  fleet: fleetOf(deviceGroup.omit({ arrivals: true })).describe('Client devices'),
  cells,
  cost: cost.default({ electricity: 0.127, carbon: 370, egress: 0.09 }),
  federated: federatedSection,
});

/**
 * Every kind of scenario. A file with a `compress` section is a compression
 * scenario; any other is a fleet scenario. Validation picks the schema by
 * that rule (so errors speak of one kind, not of both).
 */
export const SCENARIO_KINDS = {
  fleet: fleetScenarioSchema,
  compress: compressScenarioSchema,
  federated: federatedScenarioSchema,
} as const;

/** The schema of every scenario kind, for the JSON Schema and sweep path checks. */
export const scenarioSchema = z.union([
  fleetScenarioSchema,
  compressScenarioSchema,
  federatedScenarioSchema,
]);

/** The kind of scenario `raw` (parsed, not yet validated) is meant to be. */
export function scenarioKind(raw: unknown): keyof typeof SCENARIO_KINDS {
  if (raw === null || typeof raw !== 'object') return 'fleet';
  if ('compress' in raw) return 'compress';
  return 'federated' in raw ? 'federated' : 'fleet';
}

/** A scenario as written (before validation). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A fleet scenario after validation: quantities in base units, defaults filled in. */
export type FleetScenario = z.output<typeof fleetScenarioSchema>;
/** A compression scenario after validation. */
export type CompressScenario = z.output<typeof compressScenarioSchema>;
/** A federated-learning scenario after validation. */
export type FederatedScenario = z.output<typeof federatedScenarioSchema>;
/** Any scenario after validation. */
export type Scenario = FleetScenario | CompressScenario | FederatedScenario;
/** A scenario that passed validation. */
export type ValidatedScenario = Scenario & { readonly __validated: true };
export type DeviceGroup = FleetScenario['fleet'][number];
/** What the fleet model needs of a device group (a federated client group has no arrivals). */
export type DeviceClassSpec = Omit<DeviceGroup, 'arrivals'>;
export type ServerSpec = FleetScenario['servers'][number];

/** A fleet scenario as written. */
export type FleetScenarioInput = z.input<typeof fleetScenarioSchema>;

/** The scenario as a fleet scenario; a TypeError (a bug) if it is another kind. */
export function asFleetScenario<S extends Scenario>(scenario: S): Extract<S, FleetScenario> {
  if (!isFleetScenario(scenario))
    throw new TypeError(
      `scenario "${scenario.name}" is a compression scenario, not a fleet scenario`,
    );
  return scenario as Extract<S, FleetScenario>;
}

/** Whether a validated scenario is a fleet (inference) scenario. */
export function isFleetScenario(scenario: Scenario): scenario is FleetScenario {
  return 'workload' in scenario;
}

/** Whether a validated scenario is a federated-learning scenario. */
export function isFederatedScenario(scenario: Scenario): scenario is FederatedScenario {
  return 'federated' in scenario;
}

/** Whether a validated scenario is a compression scenario. */
export function isCompressScenario(scenario: Scenario): scenario is CompressScenario {
  return 'compress' in scenario;
}
