/**
 * How big a rollout run is before it runs (src/run-budget.ts's contract):
 *
 *   events = devices x (EVENTS_PER_UPDATE x (2 with a rollback gate, else 1)
 *            + 1 failure draw per version with a failure hazard)
 *            + windows opened + versions.csv samples
 *   memory = BYTES_PER_ROLLOUT_DEVICE x devices
 *
 * EVENTS_PER_UPDATE counts a download's promotion, lead, flow completion and
 * arrival, and the install's end, rounded up; BYTES_PER_ROLLOUT_DEVICE is the
 * fleet's 1,500 bytes (run-budget.ts's BYTES_PER_DEVICE) plus the engine's
 * ~60 bytes of per-device arrays and a radio meter (~200 bytes).
 */
import type { ResolvedRollout } from './resolve.js';

export const EVENTS_PER_UPDATE = 8;
export const BYTES_PER_ROLLOUT_DEVICE = 1800;

/** The estimate of a rollout run: the same fields as run-budget.ts's RunEstimate. */
export function estimateRollout(resolved: ResolvedRollout): {
  events: number;
  memoryBytes: number;
  explanation: string;
  path: string;
} {
  const { scenario, versions } = resolved;
  const devices = scenario.fleet.reduce((n, g) => n + g.count, 0);
  const rounds = scenario.rollout.gate?.action === 'rollback' ? 2 : 1;
  const failureDraws = versions.filter((v) => v.hazardPerS > 0 || v.perInference > 0).length;
  const days = Math.ceil(scenario.duration / 86_400);
  const events =
    devices * (EVENTS_PER_UPDATE * rounds + failureDraws) +
    days * scenario.rollout.windows.length +
    scenario.duration / scenario.rollout.sampleEvery;
  return {
    events,
    memoryBytes: BYTES_PER_ROLLOUT_DEVICE * devices,
    explanation: `${devices.toLocaleString('en-US')} devices updated over ${scenario.duration} s`,
    path: 'fleet',
  };
}
