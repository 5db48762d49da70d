/**
 * The shape of a rollout in time and over the fleet: which devices fall in
 * which wave (a seeded permutation), and when downloads may start (windows
 * in the simulated day).
 */
import type { RandomStream } from '../../engine/random.js';
import type { NetworkInterface } from '../../vocabulary/network-interface.js';

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
