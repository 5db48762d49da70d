import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { readDataFile } from '../scenario/data-file.js';
import { deepMerge } from '../scenario/merge.js';
import { toProblems } from '../scenario/problems.js';
import { PRECISIONS, type Precision } from '../vocabulary/cost-card.js';
import type { NetworkInterface } from '../vocabulary/network-interface.js';
import { profileDirs, profileFiles } from './profile-dirs.js';
import {
  CONCAT_IN_PLACE,
  checkSourced,
  type ParsedProfile,
  type Processor,
  profileSchema,
  type Tier,
} from './profile-schema.js';
import type { DeviceCompute, PrecisionThroughput } from './roofline.js';

// The interface names moved to vocabulary/ (network/ needs them without fleet/); re-exported.
export { INTERFACES, type NetworkInterface } from '../vocabulary/network-interface.js';
export { BUILTIN_PROFILE_DIR, PROFILES_ENV, profileDirs } from './profile-dirs.js';
export { PROCESSORS, type Processor, profileSchema, TIERS, type Tier } from './profile-schema.js';

/**
 * Hardware profiles: one JSON file per device class in `hardware-profiles/`.
 * Every figure is `{ value, source, note? }` where `source` keys the file's
 * `sources` map ("E" marks an estimate, "D" a derived figure). A scenario may
 * override any field; an overriding figure may be a bare value (in a profile
 * file, one is an error: checkSourced).
 */

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
  /** A GPU's resident threads (SMs x threads per SM); calibration's fill prior scales with it. */
  residentThreads?: number;
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
    ...(p.residentThreads && { residentThreads: p.residentThreads.value }),
    ...(p.host && {
      host: { scoreS: p.host.detectionScore.value, overlapS: p.host.detectionOverlap.value },
    }),
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
    checkSourced(entry.file, result.data, entry.data, override);
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
