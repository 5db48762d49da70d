/**
 * An M/D/c edge tier for plan tests: 100 sensors on Ethernet send Poisson
 * requests (tiny payloads) to one T4 server whose workers each serve one
 * request in a fixed time S (no batching), so the server is an M/D/c queue.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const SENSORS = 100;

/** The scenario, with the arrival rate per sensor (1/s) and a plan: block (or none). */
export function mdcScenario(
  ratePerSensor: number,
  plan?: unknown,
  durationS = 10,
): Record<string, unknown> {
  return {
    name: 'mdc-plan',
    seed: 3,
    duration: durationS,
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: [
      {
        name: 'sensors',
        profile: 'raspberry-pi-4',
        count: SENSORS,
        network: { technology: 'ethernet' },
        arrivals: { kind: 'poisson', rate: ratePerSensor },
      },
    ],
    servers: [{ name: 'edge', profile: 'edge-server-t4', workers: 1 }],
    workload: { inference: { placement: 'edge', input: '100 B', output: '100 B', slo: '100 ms' } },
    ...(plan === undefined ? {} : { plan }),
  };
}

/** Writes a scenario as YAML into `dir`; returns its path. */
export function writeScenario(dir: string, scenario: unknown, name = 'plan.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(scenario));
  return file;
}
