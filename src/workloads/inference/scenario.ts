/**
 * The inference workload's part of a scenario: the model devices run, the
 * fleet (device groups with their request arrivals), cells, servers, how
 * requests are placed, cost and which per-row tables to write. Every object
 * is strict, and every quantity may be written with units.
 */
import { z } from 'zod';
import { fleetCostField } from '../../cost/spec.js';
import { radioField } from '../../energy/radio-spec.js';
import { deviceClassFields, fleetOf, profileOverride, stackField } from '../../fleet/spec.js';
import { cellsField } from '../../network/cell-spec.js';
import { name, type ScenarioInputOf, type ScenarioOf } from '../../scenario/header.js';
import {
  MAX_BATCH,
  MAX_BITRATE_BPS,
  MAX_CELLS,
  MAX_DURATION_S,
  MAX_MESSAGE_BYTES,
  MAX_NAME_LENGTH,
  MAX_QUEUE,
  MAX_SERVER_WORKERS,
  MAX_SERVERS,
  MAX_TEXT_LENGTH,
} from '../../scenario/limits.js';
import { quantity } from '../../scenario/units.js';
import { PRECISIONS } from '../../vocabulary/cost-card.js';
import { arrivalSpec } from '../arrivals.js';
import { groupPlacementFields, placementField } from './placement/spec.js';
import { inferenceRolloutField } from './rollout-spec.js';
import { splitField } from './split/spec.js';

const positive = { min: 0, exclusiveMin: true } as const;
const duration = { min: 0, max: MAX_DURATION_S } as const;
const positiveDuration = { ...positive, max: MAX_DURATION_S } as const;
const bitrate = { ...positive, max: MAX_BITRATE_BPS } as const;

/** A device group that sends requests: a device class and when each device asks. */
export const deviceGroup = z.strictObject({
  ...deviceClassFields,
  stack: stackField,
  arrivals: arrivalSpec.describe('When each device asks for an inference'),
  ...groupPlacementFields,
  overrides: profileOverride.optional(),
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
  stack: stackField,
  near: z
    .array(name)
    .max(MAX_CELLS)
    .optional()
    .describe(
      "Cells (a group's `network.cell`, default its name) whose devices count this server as their home (balancer nearest)",
    ),
  overrides: profileOverride.optional(),
});

const inferenceSection = z.strictObject({
  placement: placementField,
  split: splitField.optional(),
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
  rollout: inferenceRolloutField.optional(),
});

/**
 * The inference workload's top-level fields, beside the scenario header
 * (see workloads/scenario.ts, which assembles them).
 */
export const inferenceFields = {
  duration: quantity(
    'duration',
    positiveDuration,
    'Simulated time during which devices send requests',
  ),
  warmup: quantity(
    'duration',
    duration,
    'Requests arriving before this are left out of every statistic (devices, servers and energy still run, and still cost)',
  ).default(0),
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
  cells: cellsField,
  radio: radioField,
  servers: z.array(server).max(MAX_SERVERS).default([]).describe('Edge and cloud servers'),
  workload: z.strictObject({ inference: inferenceSection }),
  cost: fleetCostField,
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
};

/** An inference scenario after validation: quantities in base units, defaults filled in. */
export type InferenceScenario = ScenarioOf<typeof inferenceFields>;
/** An inference scenario as written. */
export type InferenceScenarioInput = ScenarioInputOf<typeof inferenceFields>;
export type DeviceGroup = InferenceScenario['fleet'][number];
export type ServerSpec = InferenceScenario['servers'][number];

/** Group and server names are unique across both lists (results name them); the warm-up ends before the duration. */
export function checkInferenceScenario(
  scenario: z.output<z.ZodObject<typeof inferenceFields>>,
  ctx: z.RefinementCtx,
): void {
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
  if (scenario.warmup >= scenario.duration) {
    ctx.addIssue({
      code: 'custom',
      path: ['warmup'],
      input: scenario.warmup,
      message: `warmup (${scenario.warmup} s) must end before duration (${scenario.duration} s)`,
    });
  }
}
