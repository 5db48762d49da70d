import { z } from 'zod';
import { distributionSpec } from './distribution-spec.js';
import { quantity } from './units.js';

/**
 * The scenario file format. Every object is strict (an unknown field is an
 * error, so a typo never silently falls back to a default), and every
 * quantity may be written with units; each field's description (also in the
 * exported JSON Schema) names the base unit a bare number is read in.
 */

const name = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    'must start with a letter and use only letters, digits, _ . -',
  );

const positive = { min: 0, exclusiveMin: true } as const;

const arrivals = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('poisson'),
    rate: quantity('rate', positive, 'Requests per second per device'),
  }),
]);

const deviceGroup = z.strictObject({
  name: name.describe('Identifies the group in results'),
  count: z.number().int().min(0).describe('Devices in the group'),
  network: name.describe(
    'Name of the network (in `networks`) the devices reach the servers through',
  ),
  arrivals: arrivals.describe('When each device sends an inference request'),
});

const network = z.strictObject({
  uplink: quantity('bitrate', positive, 'Capacity shared by all uploads on this network'),
  downlink: quantity('bitrate', positive, 'Capacity shared by all downloads on this network'),
  latency: quantity('duration', { min: 0 }, 'One-way propagation delay').default(0),
});

const server = z.strictObject({
  workers: z.number().int().min(1).describe('Requests served at once'),
  queueCapacity: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'Requests that may wait; one that finds the queue full is dropped. Unlimited if absent',
    ),
  serviceTime: distributionSpec('duration').describe(
    'Time to serve one request (s): a duration or a distribution',
  ),
});

const inference = z.strictObject({
  server: name.describe('Name of the server (in `servers`) that serves the requests'),
  requestSize: quantity('bytes', positive, 'Bytes uploaded per request (the model input)'),
  responseSize: quantity('bytes', positive, 'Bytes downloaded per response (the model output)'),
  slo: quantity('duration', positive, 'Latency objective: a slower request violates the SLO'),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .describe('JSON Schema reference for editors; ignored by edgesim'),
    name: z.string().min(1).describe('Name of the scenario, shown in results'),
    description: z.string().optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('Base seed of every random stream; --seed overrides it'),
    duration: quantity('duration', positive, 'Simulated time during which devices send requests'),
    fleet: z.array(deviceGroup).min(1).describe('Groups of devices'),
    networks: z.record(name, network).describe('Shared networks, by name'),
    servers: z.record(name, server).describe('Servers, by name'),
    workload: z.strictObject({ inference }),
  })
  .superRefine((scenario, ctx) => {
    const groups = new Set<string>();
    scenario.fleet.forEach((group, i) => {
      if (groups.has(group.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fleet', i, 'name'],
          input: group.name,
          message: `duplicate group name "${group.name}"`,
        });
      }
      groups.add(group.name);
      requireKey(ctx, scenario.networks, group.network, ['fleet', i, 'network'], 'networks');
    });
    requireKey(
      ctx,
      scenario.servers,
      scenario.workload.inference.server,
      ['workload', 'inference', 'server'],
      'servers',
    );
  });

function requireKey(
  ctx: z.RefinementCtx,
  table: Record<string, unknown>,
  key: string,
  path: (string | number)[],
  tableName: string,
): void {
  if (key in table) return;
  const known = Object.keys(table);
  const list =
    known.length > 0 ? `one of: ${known.join(', ')}` : `none is defined in \`${tableName}\``;
  ctx.addIssue({
    code: 'custom',
    path,
    input: key,
    message: `"${key}" is not defined in \`${tableName}\`; expected ${list}`,
  });
}

/** A scenario as written (before validation). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A scenario after validation: quantities in base units, defaults filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario that passed validation, and where it came from. */
export type ValidatedScenario = Scenario & { readonly __validated: true };
