import type { HardwareProfile } from '../fleet/profiles.js';
import { inferenceTime } from '../fleet/roofline.js';
import type { CostCard } from '../vocabulary/cost-card.js';
import type { Measurement } from './measurements.js';

/**
 * What the latency model predicts for a measurement, in the measurement's own
 * metric: the time of one call of `batch` samples (ms), samples per second
 * (batch / time), or the energy of one call (active power x time, in uJ).
 * Returns undefined when the profile cannot run the model at that precision.
 */
export function predict(
  measurement: Pick<Measurement, 'precision' | 'batch' | 'metric'>,
  card: CostCard,
  profile: HardwareProfile,
): number | undefined {
  const time = inferenceTime(card, profile, measurement.precision, { batch: measurement.batch });
  if (!time.ok) return undefined;
  switch (measurement.metric) {
    case 'latency_ms':
      return time.timeS * 1e3;
    case 'throughput_per_s':
      return measurement.batch / time.timeS;
    case 'energy_uj':
      return profile.activeW * time.timeS * 1e6;
  }
}
