/**
 * Runs with a DP wrapper and compressed updates through the CLI: rounds.csv
 * carries the ε spent so far (the accountant's, at q = K/N), the summary the
 * final ε and δ, and every CSV is the same bytes on one worker thread or two.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epsilonAfter } from '../../../../src/workloads/federated/privacy/accountant.js';
import { edgesim } from '../../../helpers/cli.js';
import { readCsv } from '../../../helpers/tables.js';

const small = readFileSync(resolve('test/fixtures/federated/small.yaml'), 'utf8');

function scenario(strategy: string, workers: number): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-dp-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(
    file,
    small
      .replace('strategy: { name: fedavg }', `strategy: ${strategy}`)
      .replace('rounds: 4', `rounds: 4\n  workers: ${workers}`),
  );
  return { dir, file };
}

describe('DP and compressed updates in a run', () => {
  it.each([
    [
      'central DP with top-k and error feedback',
      '{ name: fedavg, wrap: [{ name: dp-central, noiseMultiplier: 1, clipNorm: 1 }, { name: compress, codec: top-k, ratio: 0.1, errorFeedback: true }] }',
      4 / 12,
    ],
    [
      'local DP with QSGD',
      '{ name: fedavg, wrap: [{ name: dp-local, noiseMultiplier: 4, clipNorm: 1 }, { name: compress, codec: qsgd, levels: 3 }] }',
      1,
    ],
  ])(
    '%s: ε per round from the accountant; the same CSVs on 1 or 2 threads',
    (_name, strategy, q) => {
      const outputs = [1, 2].map((workers) => {
        const { dir, file } = scenario(strategy, workers);
        const result = edgesim(['run', file, '--out', 'r'], dir);
        expect(result.code, result.stderr).toBe(0);
        return join(dir, 'r');
      });
      for (const csv of ['rounds.csv', 'clients.csv', 'summary.csv'])
        expect(readFileSync(join(outputs[1]!, csv), 'utf8'), csv).toBe(
          readFileSync(join(outputs[0]!, csv), 'utf8'),
        );
      const rounds = readCsv(join(outputs[0]!, 'rounds.csv'));
      const sampling = q < 1 ? 'fixed-size' : 'poisson';
      const z = q < 1 ? 1 : 4;
      rounds.forEach((round, i) => {
        expect(Number(round.epsilon)).toBeCloseTo(epsilonAfter(q, z, i + 1, 1e-5, { sampling }), 9);
      });
      const summary = readCsv(join(outputs[0]!, 'summary.csv'))[0]!;
      expect(summary.epsilon).toBe(rounds[3]!.epsilon);
      expect(Number(summary.delta)).toBe(1e-5);
    },
    120_000,
  );

  it('refuses a target ε the planned rounds pass, at its path, with the noise needed', () => {
    const { dir, file } = scenario(
      '{ name: fedavg, wrap: [{ name: dp-central, noiseMultiplier: 1, clipNorm: 1 }] }',
      1,
    );
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8').trimEnd()}\n  privacy: { targetEpsilon: 5 }\n`,
    );
    const result = edgesim(['run', file, '--out', 'r'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /federated\.privacy\.targetEpsilon: 4 rounds at noise multiplier 1/,
    );
    expect(result.stderr).toMatch(/a noise multiplier of at least 1\.\d+ is needed/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('Poisson sampling: rounds draw K/N of the clients; ε composes Poisson subsampling', () => {
    const { dir, file } = scenario(
      '{ name: fedavg, wrap: [{ name: dp-central, noiseMultiplier: 1, clipNorm: 1, expectedClientsPerRound: 4 }] }',
      1,
    );
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('overCommit: 1.5', 'overCommit: 1\n  selection: poisson'),
    );
    const result = edgesim(['run', file, '--out', 'r'], dir);
    expect(result.code, result.stderr).toBe(0);
    const rounds = readCsv(join(dir, 'r', 'rounds.csv'));
    rounds.forEach((round, i) => {
      expect(Number(round.epsilon)).toBeCloseTo(
        epsilonAfter(4 / 12, 1, i + 1, 1e-5, { sampling: 'poisson' }),
        9,
      );
      // Everyone drawn is waited for: nobody is a straggler.
      expect(Number(round.stragglers)).toBe(0);
    });
    expect(new Set(rounds.map((r) => r.selected)).size).toBeGreaterThan(1);
  });
});
