/**
 * Split computing against fixed placement on the fleet benchmark (#20): the
 * same 10,000 devices, hour and arrivals as `fleet-10k.yaml` (about 1.1 M
 * requests), placed by `edge` (fixed) and by `split`. Target: split costs at
 * most 2x the wall time per request of fixed placement. Each case reports
 * requests simulated; the harness turns that into requests per second.
 */
import { join } from 'node:path';
import { loadScenario, prepareRun, runInferenceScenario } from '../index.js';
import { NO_PROGRESS, type ProgressReporter } from '../progress.js';
import { PACKAGE_ROOT } from '../version.js';
import type { BenchCase } from './harness.js';

const FILE = join(PACKAGE_ROOT, 'scenarios', 'fleet-10k.yaml');

/** Requests simulated by fleet-10k.yaml under `policy` (the summary's `requests` cell). */
export function fleetRequests(
  policy: 'edge' | 'adaptive' | 'split',
  progress: ProgressReporter = NO_PROGRESS,
): number {
  const { scenario } = loadScenario(FILE);
  if (!('fleet' in scenario) || !('workload' in scenario) || !('inference' in scenario.workload))
    throw new Error('fleet-10k.yaml is not an inference scenario');
  const placed = {
    ...scenario,
    workload: {
      inference: { ...scenario.workload.inference, placement: { policy, objective: 'latency' } },
    },
  } as typeof scenario;
  const prepared = prepareRun(placed, FILE);
  if (prepared.kind !== 'inference') throw new Error('fleet-10k.yaml is not an inference scenario');
  const summary = runInferenceScenario(prepared.resolved, scenario.seed, { progress }).summary!;
  return summary.rows[0]![summary.columns.indexOf('requests')] as number;
}

export const splitCases: BenchCase[] = [
  {
    name: 'split: fleet-10k, fixed placement (edge), ~1.1 M requests',
    run: (progress) => fleetRequests('edge', progress),
    unit: 'requests',
  },
  {
    name: 'split: fleet-10k, adaptive placement, ~1.1 M requests',
    run: (progress) => fleetRequests('adaptive', progress),
    unit: 'requests',
  },
  {
    name: 'split: fleet-10k, split placement, ~1.1 M requests',
    run: (progress) => fleetRequests('split', progress),
    unit: 'requests',
  },
];
