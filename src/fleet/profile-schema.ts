/**
 * The schema of a hardware profile file (see profiles.ts): every figure is
 * `{ value, source, note? }`, or a bare value in a scenario's override.
 */
import { z } from 'zod';
import { InputError, type InputProblem } from '../errors.js';
import { type QuantityKind, quantity } from '../scenario/units.js';
import { PRECISIONS } from '../vocabulary/cost-card.js';
import { INTERFACES } from '../vocabulary/network-interface.js';

export const TIERS = ['device', 'gateway', 'edge', 'cloud'] as const;
export type Tier = (typeof TIERS)[number];

/** Figures the schema made from bare values: checkSourced refuses them in a profile file. */
const BARE = new WeakSet<object>();

/** Marks a figure made from a bare value. */
function bare<T extends object>(figure: T): T {
  BARE.add(figure);
  return figure;
}

/** A value with its `source` and `note`, or bare (from a scenario override). */
function sourced<T extends z.ZodType<number>>(value: T) {
  return z.union([
    value.transform((v) =>
      bare({ value: v, source: 'scenario', note: undefined as string | undefined }),
    ),
    z.strictObject({ value, source: z.string(), note: z.string().optional() }),
  ]);
}

/** A sourced figure of a quantity (or a factor of at least 1). */
function figure(kind: QuantityKind | 'factor') {
  return sourced(kind === 'factor' ? z.number().min(1) : quantity(kind, { min: 0 }));
}

/**
 * A profile's `price`: what one unit costs to buy and, optionally, `perHour`
 * to rent one (a cloud accelerator-hour; the cost model charges cloud-tier
 * servers that have it by the hour instead of their purchase price).
 */
const priceField = z.union([
  quantity('money', { min: 0 }).transform((v) =>
    bare({
      value: v,
      source: 'scenario',
      note: undefined as string | undefined,
      perHour: undefined as { value: number } | undefined,
    }),
  ),
  z.strictObject({
    value: quantity('money', { min: 0 }),
    source: z.string(),
    note: z.string().optional(),
    perHour: figure('pricePerTime').optional(),
  }),
]);

const efficiency = z.number().positive().max(4);

/** A precision's fitted latency parameters (`edgesim calibrate` writes them; see roofline.ts). */
const calibrationEntry = z.strictObject({
  efficiency: z.strictObject({
    depthwise: efficiency,
    pointwise: efficiency,
    dense: efficiency,
    elementwise: efficiency,
  }),
  halfOutputs: z.number().min(0),
  halfDepth: z.number().min(0).optional(),
  bandwidthFactor: z.number().positive().max(100),
  layerOverhead: quantity('duration', { min: 0 }),
  callOverhead: quantity('duration', { min: 0 }),
  framework: z.string(),
  /** Per stack: its time factor alone (no added time), or the factor and a per-call added time. */
  otherFrameworks: z.record(
    z.string(),
    z.union([
      z.number().positive(),
      z.strictObject({
        factor: z.number().positive(),
        addedTime: quantity('duration', { min: 0 }),
      }),
    ]),
  ),
  /** A fitted profile this block (and the precision's achievable rate) copies: calibrate re-copies it. */
  copiedFrom: z.string().optional(),
  source: z.string(),
  note: z.string().optional(),
});

const precisionEntry = z.strictObject({
  peak: figure('flopRate'),
  achievable: figure('flopRate'),
  sparseSpeedup: figure('factor'),
  calibration: calibrationEntry.optional(),
});

/** A share in (0, 1], sourced like a figure. */
const share = sourced(z.number().gt(0).max(1));

/** A positive count (an array's side, a GPU's threads), sourced like a figure. */
const count = sourced(z.number().int().positive());

/**
 * Language-model serving on the class (src/fleet/llm-timing.ts): the memory a
 * model may use and the bandwidth its weights stream at when they differ from
 * the profile's (a GPU's own VRAM), the fitted shares of the roofline that
 * prefill (compute) and decode (bandwidth) reach, the fixed time every
 * serving iteration pays besides (`decodeOverhead`: launches, sampling,
 * framework; absent = 0), and the stack they describe.
 */
const llmBlock = z.strictObject({
  memory: figure('bytes').optional(),
  bandwidth: figure('byteRate').optional(),
  prefillEfficiency: share,
  decodeEfficiency: share,
  decodeOverhead: figure('duration').optional(),
  framework: z.string(),
  note: z.string().optional(),
});

/** What executes the model: picks the calibration's priors (src/calibration/priors.ts). */
export const PROCESSORS = ['cpu', 'gpu', 'npu', 'mcu'] as const;
export type Processor = (typeof PROCESSORS)[number];

/**
 * Processors whose engines concatenate in place, each producer writing into
 * its slice of the joined buffer: TensorRT removes concatenation layers at
 * build time (its builder log reports "After concat removal"; NVIDIA
 * developer forum topic 168691), and NPU graph compilers plan their buffers
 * the same way (an estimate: no NPU vendor documents it). CPU and MCU
 * runtimes (TFLite's CONCATENATION kernel, XNNPACK, TFLite Micro) copy.
 */
export const CONCAT_IN_PLACE: readonly Processor[] = ['gpu', 'npu'];

export const profileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and -'),
    label: z.string(),
    tier: z.enum(TIERS),
    processor: z.enum(PROCESSORS).default('cpu'),
    systolicArray: count
      .optional()
      .describe(
        'Side of a weight-stationary systolic array (an Edge TPU): layers fill it by output positions',
      ),
    residentThreads: count
      .optional()
      .describe(
        "A GPU's resident threads (SMs x threads per SM): how much parallelism fills it, which sets the prior of its fill curve",
      ),
    compute: z.partialRecord(z.enum(PRECISIONS), precisionEntry),
    fallback: z.partialRecord(z.enum(PRECISIONS), z.enum(PRECISIONS)).default({}),
    memory: z
      .strictObject({
        capacity: figure('bytes'),
        bandwidth: figure('byteRate'),
        weightCache: figure('bytes')
          .optional()
          .describe('On-chip memory that keeps weights between calls (an Edge TPU SRAM)'),
        weightStream: figure('byteRate')
          .optional()
          .describe('Rate at which weights beyond weightCache stream in on every call'),
      })
      .refine((m) => (m.weightCache === undefined) === (m.weightStream === undefined), {
        message: 'weightCache and weightStream go together: give both or neither',
      }),
    host: z
      .strictObject({
        cpu: z.string().describe('The CPU beside the accelerator (or the CPU itself)'),
        detectionScore: figure('duration').describe(
          'Time per anchor-class score a detector’s post-processing reads (TFLite_Detection_PostProcess)',
        ),
        detectionOverlap: figure('duration').describe(
          'Time per overlap test of its non-maximum suppression',
        ),
      })
      .optional()
      .describe('Where a detector’s post-processing runs, and how fast; absent = not timed'),
    storage: z
      .strictObject({ write: figure('byteRate') })
      .optional()
      .describe('Sustained sequential write speed of the boot storage (installing a model image)'),
    power: z.strictObject({ idle: figure('power'), active: figure('power') }),
    battery: z.strictObject({ capacity: figure('energy') }).optional(),
    price: priceField,
    llm: llmBlock.optional(),
    network: z.strictObject({
      interfaces: z.array(z.enum(INTERFACES)).min(1),
      source: z.string(),
      note: z.string().optional(),
    }),
    sources: z.record(z.string(), z.string()),
  })
  .superRefine((profile, ctx) => {
    for (const [precision, entry] of Object.entries(profile.compute)) {
      if (entry.achievable.value > entry.peak.value) {
        ctx.addIssue({
          code: 'custom',
          path: ['compute', precision, 'achievable'],
          message: `achievable (${entry.achievable.value} FLOP/s) exceeds peak (${entry.peak.value} FLOP/s)`,
        });
      }
    }
    if (profile.residentThreads !== undefined && profile.processor !== 'gpu') {
      ctx.addIssue({
        code: 'custom',
        path: ['residentThreads'],
        message: `is a GPU's figure; this profile's processor is ${profile.processor}`,
      });
    }
    if (Object.keys(profile.compute).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['compute'],
        message: 'must support at least one precision',
      });
    }
  });

export type ParsedProfile = z.output<typeof profileSchema>;

/**
 * A profile file gives each figure as `{ value, source }`: a bare value, which
 * the schema accepts for a scenario's override and labels `source:
 * 'scenario'`, would pass an unsourced figure off as one. Walks a parsed
 * profile (`parsed`, from the file's `data` with `override` merged over it)
 * and throws an InputError naming each field whose bare value came from the
 * file, with what the file wrote there.
 */
export function checkSourced(
  file: string,
  parsed: unknown,
  data: unknown,
  override: unknown,
): void {
  const problems: InputProblem[] = [];
  const walk = (node: unknown, raw: unknown, over: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (BARE.has(node)) {
      if (over === undefined)
        problems.push({
          path,
          value: raw,
          message:
            'needs a source: a profile file gives each figure as { value, source, note } (a bare value is for a scenario override)',
        });
      return;
    }
    const child = (parent: unknown, key: string): unknown =>
      parent !== null && typeof parent === 'object'
        ? (parent as Record<string, unknown>)[key]
        : undefined;
    for (const [key, value] of Object.entries(node))
      walk(value, child(raw, key), child(over, key), path ? `${path}.${key}` : key);
  };
  walk(parsed, data, override, '');
  if (problems.length > 0) throw new InputError(file, problems);
}
