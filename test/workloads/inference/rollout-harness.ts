import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table, TableValue } from '../../../src/results/table.js';
import { prepareScenario } from '../../../src/run.js';
import type { ResolvedInference } from '../../../src/workloads/inference/resolve.js';
import { runInference } from '../../../src/workloads/inference/run.js';
import type { InferenceTables } from '../../../src/workloads/inference/tables.js';

/** The shipped .edgm fixtures (scripts/make-rollout-fixtures.ts). */
export const model = (name: string) =>
  join(__dirname, '../../../scenarios/models/rollout', `${name}.edgm`);

/**
 * An inference scenario with a rollout block written to a fresh temporary
 * directory (as JSON, which YAML reads), with `files` beside it; its path.
 */
export function scenarioFile(
  scenario: Record<string, unknown>,
  files: Record<string, string> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-inference-rollout-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, JSON.stringify({ name: 'rollout-inference', seed: 1, ...scenario }));
  return file;
}

/** Loads, validates and resolves an inference scenario file. */
export function resolveFile(file: string): ResolvedInference {
  const { prepared } = prepareScenario(file);
  if (prepared.kind !== 'inference') throw new Error(`${file} is a ${prepared.kind} scenario`);
  return prepared.resolved as ResolvedInference;
}

export function runFile(file: string, seed = 1): InferenceTables {
  return runInference(resolveFile(file), seed);
}

/** The table's rows as records by column. */
export function records(table: Table): Record<string, TableValue>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
}

/** One Pi 4 (20 MB/s storage writes) on an 8 Mbit/s Ethernet cell with no loss or round trip. */
export function onePi(
  arrivals: Record<string, unknown>,
  rollout: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    duration: '20 s',
    model: { card: 'mobilenet-v2', precision: 'fp32' },
    fleet: [
      {
        name: 'cams',
        profile: 'raspberry-pi-4',
        count: 1,
        network: { technology: 'ethernet', cell: 'lan' },
        arrivals,
      },
    ],
    cells: { lan: { downlink: '8 Mbps', uplink: '8 Mbps', rtt: 0, loss: 0 } },
    workload: {
      inference: { placement: 'device', input: '10 kB', output: '1 kB', slo: '1 s', rollout },
    },
    outputs: { requests: 'always' },
    ...extra,
  };
}
