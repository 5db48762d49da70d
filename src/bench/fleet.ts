import { join } from 'node:path';
import { prepareScenario, runInferenceScenario } from '../index.js';
import { NO_PROGRESS, type ProgressReporter } from '../progress.js';
import { PACKAGE_ROOT } from '../version.js';
import type { BenchCase } from './harness.js';

/** Requests simulated in a run: the summary's `requests` cell. */
function requestsOf(file: string, progress: ProgressReporter = NO_PROGRESS): number {
  const { loaded, prepared } = prepareScenario(join(PACKAGE_ROOT, 'scenarios', file));
  if (prepared.kind !== 'inference') throw new Error(`${file} is not an inference scenario`);
  const summary = runInferenceScenario(prepared.resolved, loaded.scenario.seed, { progress })
    .summary!;
  return summary.rows[0]![summary.columns.indexOf('requests')] as number;
}

/**
 * The fleet benchmark: 10,000 devices for one simulated hour (about 1.1 M
 * requests) on shared Wi-Fi and LTE cells, batching edge servers and energy
 * accounting; throughput is requests simulated per second of wall time.
 */
export const fleetCases: BenchCase[] = [
  {
    name: 'fleet: 10k devices, 1 h, ~1.1 M requests',
    run: (progress) => requestsOf('fleet-10k.yaml', progress),
    unit: 'requests',
  },
];

/** Runs the 1,000,000-device scenario once; returns wall seconds and peak RSS in bytes. */
export function millionDeviceRun(progress: ProgressReporter = NO_PROGRESS): {
  wallS: number;
  requests: number;
  peakRssBytes: number;
} {
  const started = performance.now(); // wall: benchmark only
  const requests = requestsOf('fleet-1m.yaml', progress);
  return {
    wallS: (performance.now() - started) / 1000, // wall: benchmark only
    requests,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
