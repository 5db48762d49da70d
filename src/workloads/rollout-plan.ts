/**
 * The shape of a rollout in time and over the fleet, shared by the rollout
 * workload and the inference workload's `rollout` block: its schema (waves,
 * soak, gate, windows, network policy, failures of a version), which
 * devices fall in which wave (a seeded permutation), and when downloads may
 * start (windows in the simulated day).
 */
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import { MAX_BITRATE_BPS, MAX_DURATION_S } from '../scenario/limits.js';
import { quantity } from '../scenario/units.js';
import type { NetworkInterface } from '../vocabulary/network-interface.js';

const positiveDuration = { min: 0, exclusiveMin: true, max: MAX_DURATION_S } as const;
const probability = (text: string) => quantity('fraction', { min: 0, max: 1 }, text);

/** At most this many waves (a wave is a row, and its index a byte per device). */
export const MAX_WAVES = 100;

/** A version's failure probabilities (a bad build). */
export const failureSpec = z
  .strictObject({
    perHour: probability('Probability that a device running this version fails within an hour'),
    perInference: probability(
      "Probability that one inference on this version fails the device (needs the group's inferenceRate)",
    ),
  })
  .partial();

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
 * block (workloads/inference/rollout-spec.ts). The rollout section adds
 * `from` and `to`; each workload words its own.
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

export const DAY_S = 86_400;

/** Technologies whose traffic is metered: `network: unmetered-only` devices on them never download. */
export const METERED: ReadonlySet<NetworkInterface> = new Set(['lte', '5g', 'nbiot', 'lorawan']);

/**
 * A uniformly random order of the devices 0..count-1 (Fisher-Yates, drawing
 * from `stream`): wave k takes the devices at positions
 * [bounds[k-1], bounds[k]) of it.
 */
export function wavePermutation(count: number, stream: RandomStream): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = stream.integer(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** End position of each wave in the permutation: round(fraction x count); the last is count. */
export function waveBounds(fractions: readonly number[], count: number): Uint32Array {
  return Uint32Array.from(fractions, (f, k) =>
    k === fractions.length - 1 ? count : Math.min(count, Math.round(f * count)),
  );
}

/** A download window: seconds after midnight it opens and closes (close < open: over midnight). */
export interface DayWindow {
  readonly openS: number;
  readonly closeS: number;
}

/** `HH:MM` as seconds after midnight (`24:00` = 86,400). */
export function clockSeconds(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return hours! * 3600 + minutes! * 60;
}

/** The windows of a scenario, in seconds of the day. */
export function dayWindows(windows: readonly { from: string; to: string }[]): DayWindow[] {
  return windows.map((w) => ({
    openS: clockSeconds(w.from) % DAY_S,
    closeS: clockSeconds(w.to) % DAY_S,
  }));
}

/** True when a download may start at `timeS`: inside some window, or always without windows. */
export function windowOpen(windows: readonly DayWindow[], timeS: number): boolean {
  if (windows.length === 0) return true;
  const t = timeS % DAY_S;
  for (const w of windows) {
    if (w.openS < w.closeS ? t >= w.openS && t < w.closeS : t >= w.openS || t < w.closeS)
      return true;
  }
  return false;
}

/** Every moment a window opens in [0, horizonS], in time order. */
export function windowOpenings(windows: readonly DayWindow[], horizonS: number): number[] {
  const times: number[] = [];
  for (let day = 0; day * DAY_S <= horizonS; day++)
    for (const w of windows) {
      const t = day * DAY_S + w.openS;
      if (t <= horizonS) times.push(t);
    }
  return times.sort((a, b) => a - b);
}

/** Probability p per hour as a constant hazard: 1 - exp(-lambda 3600 s) = p. */
export function hazardPerS(perHour: number): number {
  return perHour >= 1 ? Number.POSITIVE_INFINITY : -Math.log1p(-perHour) / 3600;
}
