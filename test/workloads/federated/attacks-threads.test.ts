/**
 * Label flipping happens inside the attackers' training jobs, which worker threads run: the
 * same scenario and seed give the same tables with one or two threads. The small synthetic
 * scenario (test/fixtures/federated/small.yaml: 12 clients, 4 a round, 4 rounds, 10 classes)
 * with half its clients flipping labels. Worker threads run dist/ (the dist test project).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareScenario, runPrepared } from '../../../src/run.js';

const small = resolve('test/fixtures/federated/small.yaml');
const STRATEGY = 'strategy: { name: fedavg }';
const ROUNDS = 'rounds: 4';

/** The small scenario with `extra` lines under `federated`, in a temporary file. */
function variant(...extra: string[]): string {
  const text = readFileSync(small, 'utf8');
  if (!(text.includes(STRATEGY) && text.includes(ROUNDS)))
    throw new Error(`${small} no longer has "${STRATEGY}" and "${ROUNDS}"`);
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-attack-threads-')), 'scenario.yaml');
  writeFileSync(file, text.replace(ROUNDS, [ROUNDS, ...extra.map((e) => `  ${e}`)].join('\n')));
  return file;
}

/** The run's tables as JSON (seed 3). */
async function tables(file: string): Promise<string> {
  return JSON.stringify((await runPrepared(prepareScenario(file).prepared, 3)).tables);
}

describe('label flipping on worker threads', () => {
  const attack = 'attack: { kind: label-flip, fraction: 0.5 }';

  it('gives the same tables with one or two threads', async () => {
    const one = await tables(variant(attack, 'workers: 1'));
    expect(await tables(variant(attack, 'workers: 2'))).toBe(one);
  }, 120_000);

  it('changes the tables (the attackers did train on flipped labels)', async () => {
    const flipped = await tables(variant(attack, 'workers: 2'));
    expect(await tables(variant('workers: 2'))).not.toBe(flipped);
  }, 120_000);
});
