/**
 * The rollout benchmark (#20): a delta update to 1,000,000 devices over 24
 * simulated hours, in waves behind a health gate, downloads in a night
 * window; target under 60 s. 700,000 Pi 4 cameras on Wi-Fi access points
 * of 50 and 300,000 phones on LTE cells of 500 that come and go (Markov
 * availability, on 6 h / off 1 h on average), so downloads are cut and
 * resumed.
 */
import { join } from 'node:path';
import { NO_PROGRESS, type ProgressReporter } from '../progress.js';
import { prepareRun } from '../run.js';
import { PACKAGE_ROOT } from '../version.js';
import type { ResolvedRollout } from '../workloads/rollout/index.js';
import { runRollout } from '../workloads/rollout/index.js';
import { validateScenario } from '../workloads/scenario.js';
import type { BenchCase } from './harness.js';

/** The scenario, as if it were a file in scenarios/ (its model paths are relative to that). */
export const ROLLOUT_BENCH_SCENARIO = {
  name: 'rollout-1m',
  seed: 1,
  duration: '24 h',
  fleet: [
    {
      name: 'cameras',
      profile: 'raspberry-pi-4',
      count: 700_000,
      network: { technology: 'wifi5', cell: 'ap', devicesPerCell: 50 },
    },
    {
      name: 'phones',
      profile: 'phone-midrange',
      count: 300_000,
      network: { technology: 'lte', cell: 'macro', devicesPerCell: 500 },
      availability: { kind: 'markov', meanOn: '6 h', meanOff: '1 h' },
    },
  ],
  rollout: {
    from: { file: 'models/rollout/base.edgm' },
    to: { file: 'models/rollout/finetuned-full.edgm', failure: { perHour: '0.1%' } },
    update: 'delta',
    waves: ['1%', '10%', '50%', '100%'],
    soak: '1 h',
    gate: { maxFailureRate: '5%', action: 'pause' },
    windows: [{ from: '00:00', to: '06:00' }],
    cellCap: '20 Mbps',
    sampleEvery: '15 min',
  },
};

/** Runs the benchmark scenario once; returns wall seconds, devices updated and peak RSS in bytes. */
export function millionDeviceRollout(progress: ProgressReporter = NO_PROGRESS): {
  wallS: number;
  updated: number;
  peakRssBytes: number;
} {
  const file = join(PACKAGE_ROOT, 'scenarios', 'rollout-1m.yaml');
  const started = performance.now(); // wall: benchmark only
  const prepared = prepareRun(validateScenario(ROLLOUT_BENCH_SCENARIO, file), file);
  const summary = runRollout(prepared.resolved as ResolvedRollout, 1, progress).summary!;
  return {
    wallS: (performance.now() - started) / 1000, // wall: benchmark only
    updated: summary.rows[0]![summary.columns.indexOf('updated')] as number,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

export const rolloutCases: BenchCase[] = [
  {
    name: 'rollout: 1,000,000 devices, 24 h, delta in waves',
    run: (progress) => millionDeviceRollout(progress).updated,
    unit: 'devices updated',
  },
];
