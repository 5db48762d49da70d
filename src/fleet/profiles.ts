import { basename, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readDataFile } from '../scenario/data-file.js';
import { deepMerge } from '../scenario/merge.js';
import { toProblems } from '../scenario/problems.js';
import { type QuantityKind, quantity } from '../scenario/units.js';
import { PRECISIONS, type Precision } from '../vocabulary/cost-card.js';
import { INTERFACES, type NetworkInterface } from '../vocabulary/network-interface.js';
import { profileDirs, profileFiles } from './profile-dirs.js';
import type { DeviceCompute, PrecisionThroughput } from './roofline.js';

export { BUILTIN_PROFILE_DIR, PROFILES_ENV, profileDirs } from './profile-dirs.js';

/**
 * Hardware profiles: one JSON file per device class in `hardware-profiles/`.
 * Every figure is `{ value, source, note? }` where `source` keys the file's
 * `sources` map ("E" marks an estimate, "D" a derived figure). A scenario may
 * override any field; an overriding figure may be a bare value.
 */

export const TIERS = ['device', 'gateway', 'edge', 'cloud'] as const;
export type Tier = (typeof TIERS)[number];

// The interface names moved to vocabulary/ (network/ needs them without fleet/); re-exported.
export { INTERFACES, type NetworkInterface } from '../vocabulary/network-interface.js';

/** A value with its `source` and `note`, or bare (from a scenario override). */
function sourced<T extends z.ZodType<number>>(value: T) {
  return z.union([
    value.transform((v) => ({
      value: v,
      source: 'scenario',
      note: undefined as string | undefined,
    })),
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
  quantity('money', { min: 0 }).transform((v) => ({
    value: v,
    source: 'scenario',
    note: undefined as string | undefined,
    perHour: undefined as { value: number } | undefined,
  })),
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

/** A count of array rows, sourced like a figure. */
const side = sourced(z.number().int().positive());

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
const CONCAT_IN_PLACE: readonly Processor[] = ['gpu', 'npu'];

export const profileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and -'),
    label: z.string(),
    tier: z.enum(TIERS),
    processor: z.enum(PROCESSORS).default('cpu'),
    systolicArray: side
      .optional()
      .describe(
        'Side of a weight-stationary systolic array (an Edge TPU): layers fill it by output positions',
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
    if (Object.keys(profile.compute).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['compute'],
        message: 'must support at least one precision',
      });
    }
  });

type ParsedProfile = z.output<typeof profileSchema>;

/** A device class, numbers in base units (sources stay in the file). */
export interface HardwareProfile extends DeviceCompute {
  name: string;
  label: string;
  tier: Tier;
  processor: Processor;
  memoryBytes: number;
  /** Sustained sequential write speed of the device's storage, B/s (installs); undefined when the profile gives none. */
  storageWriteBps?: number;
  idleW: number;
  activeW: number;
  /** Battery capacity, J; undefined for mains-powered classes. */
  batteryJ: number | undefined;
  priceUsd: number;
  /** Rental price of one unit, USD per hour; undefined when the profile gives none. */
  rentalUsdPerHour: number | undefined;
  interfaces: NetworkInterface[];
  /** Language-model serving figures; undefined when the profile gives none. */
  llm?: LlmServing;
}

/** A profile's `llm` block in base units (see src/fleet/llm-timing.ts). */
export interface LlmServing {
  /** Bytes a model may occupy (e.g. a GPU's VRAM); undefined = a share of `memoryBytes`. */
  memoryBytes?: number;
  /** Bandwidth the weights stream at, B/s; undefined = `memoryBandwidthBps`. */
  bandwidthBps?: number;
  /** Share of the achievable arithmetic rate that prefill reaches, in (0, 1]. */
  prefillEfficiency: number;
  /** Share of the bandwidth that decode's weight and KV reads reach, in (0, 1]. */
  decodeEfficiency: number;
  /**
   * Fixed seconds every serving iteration (prefill, decode or a batched mix)
   * pays on top of its roofline time; parsed profiles set 0 when the block
   * gives no `decodeOverhead`, and undefined means 0.
   */
  decodeOverheadS?: number;
  /** The serving stack the efficiencies describe. */
  framework: string;
}

function toProfile(p: ParsedProfile): HardwareProfile {
  const throughput: Partial<Record<Precision, PrecisionThroughput>> = {};
  for (const precision of PRECISIONS) {
    const entry = p.compute[precision];
    if (entry === undefined) continue;
    const fit = entry.calibration;
    throughput[precision] = {
      achievableFlops: entry.achievable.value,
      peakFlops: entry.peak.value,
      sparseSpeedup: entry.sparseSpeedup.value,
      ...(fit && {
        calibration: {
          efficiency: { conv: 1, ...fit.efficiency },
          halfOutputs: fit.halfOutputs,
          ...(fit.halfDepth !== undefined && { halfDepth: fit.halfDepth }),
          bandwidthFactor: fit.bandwidthFactor,
          layerOverheadS: fit.layerOverhead,
          callOverheadS: fit.callOverhead,
          framework: fit.framework,
          otherFrameworks: Object.fromEntries(
            Object.entries(fit.otherFrameworks).map(([name, t]) => [
              name,
              typeof t === 'number'
                ? { factor: t, addedS: 0 }
                : { factor: t.factor, addedS: t.addedTime },
            ]),
          ),
        },
      }),
    };
  }
  return {
    name: p.name,
    label: p.label,
    tier: p.tier,
    processor: p.processor,
    throughput,
    fallback: p.fallback,
    memoryBytes: p.memory.capacity.value,
    memoryBandwidthBps: p.memory.bandwidth.value,
    ...(CONCAT_IN_PLACE.includes(p.processor) && { concatInPlace: true }),
    ...(p.systolicArray && { systolicArray: p.systolicArray.value }),
    ...(p.memory.weightCache &&
      p.memory.weightStream && {
        weightCache: {
          bytes: p.memory.weightCache.value,
          streamBps: p.memory.weightStream.value,
        },
      }),
    ...(p.storage && { storageWriteBps: p.storage.write.value }),
    idleW: p.power.idle.value,
    activeW: p.power.active.value,
    batteryJ: p.battery?.capacity.value,
    priceUsd: p.price.value,
    rentalUsdPerHour: p.price.perHour?.value,
    interfaces: p.network.interfaces,
    ...(p.llm && {
      llm: {
        ...(p.llm.memory && { memoryBytes: p.llm.memory.value }),
        ...(p.llm.bandwidth && { bandwidthBps: p.llm.bandwidth.value }),
        prefillEfficiency: p.llm.prefillEfficiency.value,
        decodeEfficiency: p.llm.decodeEfficiency.value,
        decodeOverheadS: p.llm.decodeOverhead?.value ?? 0,
        framework: p.llm.framework,
      },
    }),
  };
}

/**
 * Raw profile documents by name, from the built-in directory and any extra ones
 * (later wins). A file is read when its profile is first asked for: a scenario
 * names a few of the profiles, and reading every one cost validation 0.3 s.
 */
export class ProfileLibrary {
  private readonly raw = new Map<string, { file: string; data?: unknown }>();
  /** Profiles resolved without an override, by name (a sweep resolves the same ones for every run). */
  private readonly plain = new Map<string, HardwareProfile>();

  constructor(dirs: readonly string[] = profileDirs()) {
    for (const dir of dirs) {
      for (const file of profileFiles(dir)) {
        this.raw.set(basename(file, '.json'), { file: join(dir, file) });
      }
    }
  }

  /** The file profile `name` is read from; undefined for an unknown name. */
  fileOf(name: string): string | undefined {
    return this.raw.get(name)?.file;
  }

  /** Names of the available profiles, sorted. */
  get names(): string[] {
    return [...this.raw.keys()].sort();
  }

  /**
   * The profile `name`, with `override` deep-merged over its file before
   * validation. Throws an InputError naming the file (or `where`) on an unknown
   * name (listing the available ones) or an invalid profile.
   */
  resolve(
    name: string,
    override: unknown = undefined,
    where = { file: '<scenario>', path: 'profile' },
  ): HardwareProfile {
    const entry = this.raw.get(name);
    if (entry === undefined) {
      throw new InputError(where.file, [
        {
          path: where.path,
          message: `unknown hardware profile "${name}"; available: ${this.names.join(', ')}`,
        },
      ]);
    }
    if (override === undefined) {
      const known = this.plain.get(name);
      if (known !== undefined) return known;
    }
    entry.data ??= readDataFile(entry.file, 'profile');
    const merged = override === undefined ? entry.data : deepMerge(entry.data, override);
    const result = profileSchema.safeParse(merged, { reportInput: true });
    if (!result.success) {
      const file =
        override === undefined
          ? entry.file
          : `${entry.file} (with the override at ${where.file}: ${where.path})`;
      throw new InputError(file, toProblems(result.error.issues, profileSchema));
    }
    if (result.data.name !== name) {
      throw new InputError(entry.file, [
        { path: 'name', message: `must match the file name "${name}"`, value: result.data.name },
      ]);
    }
    const profile = toProfile(result.data);
    if (override === undefined) this.plain.set(name, profile);
    return profile;
  }
}
