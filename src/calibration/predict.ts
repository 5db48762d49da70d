import type { HardwareProfile } from '../fleet/profiles.js';
import { inferenceTime, onStack, REFERENCE_TIMING, type StackTiming } from '../fleet/roofline.js';
import type { CostCard } from '../vocabulary/cost-card.js';
import type { Measurement } from './measurements.js';

/**
 * What the latency model predicts for a measurement, in the measurement's own
 * metric: the time of one call of `batch` samples (ms), samples per second
 * (batch / time), or the energy of one call (active power x time, in uJ).
 * On a stack other than the profile's reference, a call of time t takes
 * `stack.factor` x t + `stack.addedS`. Returns undefined when the profile
 * cannot run the model at that precision.
 */
export function predict(
  measurement: Pick<Measurement, 'precision' | 'batch' | 'metric'>,
  card: CostCard,
  profile: HardwareProfile,
  stack: StackTiming = REFERENCE_TIMING,
): number | undefined {
  const time = referenceTime(measurement, card, profile);
  return time === undefined ? undefined : inMetric(measurement, profile, stack, time);
}

/** The reference stack's time of one call of `batch` samples, seconds; undefined when the profile cannot run it. */
export function referenceTime(
  measurement: Pick<Measurement, 'precision' | 'batch'>,
  card: CostCard,
  profile: HardwareProfile,
): number | undefined {
  const time = inferenceTime(card, profile, measurement.precision, { batch: measurement.batch });
  return time.ok ? time.timeS : undefined;
}

/** A call the reference stack takes `timeS` seconds over, on `stack`, in the measurement's metric. */
export function inMetric(
  measurement: Pick<Measurement, 'batch' | 'metric'>,
  profile: HardwareProfile,
  stack: StackTiming,
  timeS: number,
): number {
  const seconds = onStack(stack, timeS);
  switch (measurement.metric) {
    case 'latency_ms':
      return seconds * 1e3;
    case 'throughput_per_s':
      return measurement.batch / seconds;
    case 'energy_uj':
      return profile.activeW * seconds * 1e6;
  }
}
