/**
 * The asynchronous modes' results do not depend on the worker threads: the small synthetic
 * scenario in every mode, with 1 and 2 threads, writes the same CSVs byte for byte. Worker
 * threads start from dist/, so this file runs in the `dist` project.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgesim } from '../../helpers/cli.js';

const small = resolve('test/fixtures/federated/small.yaml');

/** The small scenario in `mode` with `workers` threads; FedAsync and FedBuff with 3 clients at once. */
function scenario(mode: string, workers: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-fl-async-threads-'));
  const file = join(dir, 'scenario.yaml');
  const text = readFileSync(small, 'utf8').replace(
    '  rounds: 4',
    `  rounds: 4\n  workers: ${workers}\n  mode: ${mode}\n  async: { concurrency: 3, bufferSize: 2, updates: 8, evaluateEvery: 2 }`,
  );
  writeFileSync(file, text);
  return file;
}

describe('asynchronous modes on 1 and 2 worker threads', () => {
  it.each([
    ['sync', ['rounds.csv', 'clients.csv', 'summary.csv']],
    ['async', ['updates.csv', 'staleness.csv', 'clients.csv', 'summary.csv']],
    ['buffered', ['updates.csv', 'staleness.csv', 'clients.csv', 'summary.csv']],
  ])(
    '%s: the same CSVs, byte for byte',
    (mode, files) => {
      const one = edgesim(['run', scenario(mode as string, 1), '--out', 'one']);
      expect(one.code, one.stderr).toBe(0);
      const two = edgesim(['run', scenario(mode as string, 2), '--out', 'two'], one.cwd);
      expect(two.code, two.stderr).toBe(0);
      for (const name of files as string[]) {
        expect(readFileSync(join(one.cwd, 'two', name), 'utf8'), name).toBe(
          readFileSync(join(one.cwd, 'one', name), 'utf8'),
        );
      }
      if (mode !== 'sync') {
        const updates = readFileSync(join(one.cwd, 'one', 'updates.csv'), 'utf8')
          .trim()
          .split('\n');
        expect(updates.length).toBe(1 + 8);
      }
    },
    120_000,
  );
});
