/**
 * What the rollout engine (rollout-engine.ts) runs on, per group and per
 * version, and how either rollout (the `rollout` workload, or a rollout
 * inside an inference run) builds it from its resolved scenario.
 */
import type { NetworkInterface } from '../vocabulary/network-interface.js';
import { type DayWindow, dayWindows, METERED } from './rollout-plan.js';

/** What the rollout runs on; each array is indexed by group, each pair by version (0 = from, 1 = to). */
export interface RolloutOptions {
  /** Cumulative shares of the fleet, increasing, the last 1. */
  readonly waves: readonly number[];
  readonly soakS: number;
  readonly gate: { readonly maxFailureRate: number; readonly action: 'pause' | 'rollback' } | null;
  readonly windows: readonly DayWindow[];
  /** Per group: 1 when its devices never download (metered under unmetered-only). */
  readonly blocked: Uint8Array;
  /** Payload bits a device downloads to move into version v. */
  readonly downloadBits: readonly [number, number];
  /** Install time of version v on each group's class, s. */
  readonly installS: readonly [Float64Array, Float64Array];
  /** Failure hazard of a device of each group running version v, per second. */
  readonly hazardPerS: readonly [Float64Array, Float64Array];
  /** Events after this are not scheduled (the run's end), s. */
  readonly horizonS: number;
  /** Downloads move in the capped class of their cell's downlink (its cap set by the caller); default false. */
  readonly cappedDownloads?: boolean;
}

/** What {@link rolloutOptions} reads: the scenario's plan and the resolved fleet and versions. */
export interface RolloutInputs {
  readonly plan: {
    readonly waves: readonly number[];
    readonly soak: number;
    readonly gate?: RolloutOptions['gate'] | undefined;
    readonly windows: readonly { from: string; to: string }[];
    readonly network: 'any' | 'unmetered-only';
  };
  /** Each group's device class: its storage write speed and its network technology. */
  readonly groups: readonly {
    readonly profile: { readonly storageWriteBps?: number };
    readonly spec: { readonly network: { readonly technology: NetworkInterface } };
  }[];
  /** Image bytes of version v (what an install writes). */
  readonly imageBytes: readonly [number, number];
  /** Bytes a device downloads to move into version v (the image or a delta). */
  readonly downloadBytes: readonly [number, number];
  /** Failure hazard of a device of group g running version v, per second. */
  hazardPerS(version: 0 | 1, group: number): number;
  readonly horizonS: number;
  readonly cappedDownloads?: boolean;
}

/**
 * The engine's options, per group and per version, from what a rollout
 * scenario (either workload's) resolves to. Every group must have a storage
 * write speed (both resolvers refuse a class without one).
 */
export function rolloutOptions(inputs: RolloutInputs): RolloutOptions {
  const { plan, groups } = inputs;
  const perGroup = (f: (g: number) => number) => Float64Array.from(groups, (_, g) => f(g));
  const install = (v: 0 | 1) =>
    perGroup((g) => inputs.imageBytes[v] / groups[g]!.profile.storageWriteBps!);
  const hazard = (v: 0 | 1) => perGroup((g) => inputs.hazardPerS(v, g));
  return {
    waves: plan.waves,
    soakS: plan.soak,
    gate: plan.gate ?? null,
    windows: dayWindows(plan.windows),
    blocked: Uint8Array.from(groups, (group) =>
      plan.network === 'unmetered-only' && METERED.has(group.spec.network.technology) ? 1 : 0,
    ),
    downloadBits: [inputs.downloadBytes[0] * 8, inputs.downloadBytes[1] * 8],
    installS: [install(0), install(1)],
    hazardPerS: [hazard(0), hazard(1)],
    horizonS: inputs.horizonS,
    ...(inputs.cappedDownloads === true ? { cappedDownloads: true } : {}),
  };
}
