/**
 * FedBuff and FedAsync against synchronous FedAvg on MNIST (the 2NN, 400 digits per client, 20 Raspberry
 * Pis; test/fixtures/federated/mnist-async.yaml), in simulated time to 85% held-out
 * accuracy, 3 seeds each. With heavy-tailed device speeds (lognormal, CV 2) a sync round
 * waits for its slowest client and FedBuff (10 clients at once, K = 5) does not: FedBuff gets
 * there first, as FedBuff's paper reports qualitatively (Nguyen et al., AISTATS 2022,
 * arXiv:2106.06639). So does FedAsync (10 clients at once, α = 0.6, polynomial staleness
 * a = 0.5, as Xie et al.'s experiments, arXiv:1903.03934), each arrival a new model: 60
 * updates, the same 60 client trainings as 6 sync rounds of 10 and 12 buffers of 5. With
 * identical devices nobody waits, and sync is not slower.
 * Trains for real: this file is in the `slow` project.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareScenario } from '../../../src/run.js';
import type { ResolvedFederated } from '../../../src/workloads/federated/resolve.js';
import { runFederated } from '../../../src/workloads/federated/run.js';

const fixture = resolve('test/fixtures/federated/mnist-async.yaml');
const SEEDS = [1, 2, 3];

/** Simulated seconds to the target accuracy of the fixture with `cv` and `mode`, per seed. */
async function timesToTarget(cv: number, mode: 'sync' | 'async' | 'buffered'): Promise<number[]> {
  let text = readFileSync(fixture, 'utf8')
    .replace('throughputCv: 2', `throughputCv: ${cv}`)
    .replace('mode: sync', `mode: ${mode}`);
  if (mode === 'async')
    text = text.replace(
      'bufferSize: 5, updates: 12',
      'alpha: 0.6, staleness: { kind: polynomial, a: 0.5 }, updates: 60',
    );
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-async-mnist-')), 'scenario.yaml');
  writeFileSync(file, text);
  const { prepared } = prepareScenario(file);
  const times: number[] = [];
  for (const seed of SEEDS) {
    const { tables } = await runFederated(
      prepared.resolved as ResolvedFederated,
      seed,
      undefined,
      () => {},
    );
    const summary = tables.summary!;
    const time = summary.rows[0]![summary.columns.indexOf('time_to_target_s')];
    if (typeof time !== 'number') throw new Error(`${mode}, CV ${cv}, seed ${seed}: no target`);
    times.push(time);
  }
  return times;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('FedBuff and FedAsync against sync FedAvg on MNIST, 3 seeds', () => {
  let heavy: { sync: number[]; async: number[]; buffered: number[] };
  let even: { sync: number[]; buffered: number[] };
  beforeAll(async () => {
    heavy = {
      sync: await timesToTarget(2, 'sync'),
      async: await timesToTarget(2, 'async'),
      buffered: await timesToTarget(2, 'buffered'),
    };
    even = { sync: await timesToTarget(0, 'sync'), buffered: await timesToTarget(0, 'buffered') };
    // The figures the README reports (vitest prints them with the test's output).
    const seconds = (times: number[]) => times.map((t) => t.toFixed(2)).join(', ');
    console.log(
      `seconds to 85%, seeds ${SEEDS.join(', ')}: sync ${seconds(heavy.sync)}; ` +
        `FedAsync ${seconds(heavy.async)}; FedBuff ${seconds(heavy.buffered)}`,
    );
  }, 300_000);

  it('heavy-tailed device speeds: FedBuff reaches 85% sooner in simulated time, every seed', () => {
    heavy.sync.forEach((sync, i) => {
      expect(heavy.buffered[i]!, `seed ${SEEDS[i]}`).toBeLessThan(sync);
    });
  });

  it('heavy-tailed device speeds: FedAsync reaches 85% sooner in simulated time, every seed', () => {
    heavy.sync.forEach((sync, i) => {
      expect(heavy.async[i]!, `seed ${SEEDS[i]}`).toBeLessThan(sync);
    });
  });

  it('identical devices: sync is not slower than FedBuff by more than the noise (20%)', () => {
    expect(mean(even.sync)).toBeLessThanOrEqual(1.2 * mean(even.buffered));
  });
});
