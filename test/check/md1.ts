/**
 * An M/D/1 edge server for check and compare tests: the M/D/c tier of the
 * plan tests (test/plan/mdc.ts: Poisson requests from 100 sensors to one T4
 * server whose workers serve each request in a fixed time S) with one
 * worker, so its mean wait in queue is Pollaczek-Khinchine's
 * W = lambda S^2 / (2 (1 - rho)).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { prepareRun, runPrepared, validateScenario } from '../../src/index.js';
import { mdcScenario, SENSORS } from '../plan/mdc.js';

export function temp(): string {
  return mkdtempSync(join(tmpdir(), 'edgesim-check-'));
}

/** The service time S (s): every request of a short run with a worker per request is served in S. */
export async function serviceTimeS(): Promise<number> {
  const scenario = validateScenario(
    {
      ...mdcScenario(1, undefined, 2),
      servers: [{ name: 'edge', profile: 'edge-server-t4', workers: 64 }],
    },
    'mdc',
  );
  const { tables } = await runPrepared(prepareRun(scenario, 'mdc'), 1);
  const requests = tables.requests!;
  const col = requests.columns.indexOf('service_s');
  const serviceS = requests.rows[0]![col] as number;
  for (const r of requests.rows) expect(r[col]).toBe(serviceS);
  return serviceS;
}

/** The M/D/1 scenario at utilisation `rho` for service time S, `durationS` long after a 1 s warm-up. */
export function md1Scenario(
  rho: number,
  serviceS: number,
  durationS: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const lambda = rho / serviceS;
  return { ...mdcScenario(lambda / SENSORS, undefined, durationS), warmup: 1, ...extra };
}
