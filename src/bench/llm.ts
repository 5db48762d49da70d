/**
 * The llm workload at fleet scale (#22): `scenarios/llm-10k.yaml`, 10,000
 * phones on LTE asking every 10 minutes for one simulated hour, served by
 * eight continuous-batching L4 edge servers (about 60,000 requests, 12.7 M
 * tokens). Target: at least 2,000,000 simulated tokens per second of wall
 * time. The case reports output tokens generated, so the harness's
 * throughput is tokens per second.
 */
import { join } from 'node:path';
import { loadScenario, prepareRun } from '../index.js';
import type { ProgressReporter } from '../progress.js';
import { PACKAGE_ROOT } from '../version.js';
import { simulateLlm } from '../workloads/llm/run.js';
import type { BenchCase } from './harness.js';

const FILE = join(PACKAGE_ROOT, 'scenarios', 'llm-10k.yaml');

/** Output tokens llm-10k.yaml generates (the summary's `tokens`). */
function fleetTokens(progress: ProgressReporter): number {
  const { scenario } = loadScenario(FILE);
  const prepared = prepareRun(scenario, FILE);
  if (prepared.kind !== 'llm') throw new Error('llm-10k.yaml is not an llm scenario');
  const { tables } = simulateLlm(prepared.resolved, scenario.seed, progress);
  const summary = tables.summary!;
  return summary.rows[0]![summary.columns.indexOf('tokens')] as number;
}

export const llmCases: BenchCase[] = [
  {
    name: 'llm: llm-10k, 10,000 phones, 1 h, 8 continuous-batching L4s, ~12.7 M tokens',
    run: fleetTokens,
    unit: 'tokens',
  },
];
