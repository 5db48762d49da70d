/**
 * Secure aggregation in a run (secure-aggregation.ts, secagg-phases.ts,
 * secure-sum.ts): the protocol's message rounds in simulated time with the
 * bytes secagg/ builds, dropouts that the threshold survives or not, the
 * real tier's aggregate through the real cryptography, and bad settings.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgesim } from '../../helpers/cli.js';
import { readCsv } from '../../helpers/tables.js';

const small = readFileSync(resolve('test/fixtures/federated/small.yaml'), 'utf8');

/** The small scenario (12 clients, 4 per round, logistic regression: 610 parameters) with edits. */
function run(edit: (text: string) => string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-secagg-'));
  writeFileSync(join(dir, 'scenario.yaml'), edit(small));
  const result = edgesim(['run', 'scenario.yaml', '--out', 'r', ...args], dir);
  return { ...result, out: join(dir, 'r') };
}

const secure =
  (block: string, extra = '') =>
  (text: string) =>
    text.replace('  rounds: 4', `  rounds: 4${extra}\n  secureAggregation: ${block}`);

/** Pis that come and go every second or so: some leave mid-protocol. */
const flaky = (text: string) =>
  text.replace(
    '    network: { technology: wifi5, cell: ap }',
    '    network: { technology: wifi5, cell: ap }\n    availability: { kind: markov, meanOn: 1 s, meanOff: 0.2 s }',
  );

describe('secure aggregation in simulated time', () => {
  it("charges each client its phases' bytes as secagg/ builds them (4 clients, complete graph)", () => {
    const { code, stderr, out } = run(secure('{}'));
    expect(code, stderr).toBe(0);
    const aggregated = readCsv(join(out, 'clients.csv')).filter((c) => c.outcome === 'aggregated');
    expect(aggregated).toHaveLength(16);
    // Up: its public keys (64), its 3 neighbours' encrypted shares (136 each), the masked
    // input (610 x 32 bits), its shares for the unmasking (52 x (3 + 1)).
    // Down: the model (610 x 4), 3 neighbours' keys (68 each), 3 shares (136 each), 3 ids (4 each).
    for (const c of aggregated) {
      expect(Number(c.bytes_up)).toBe(64 + 136 * 3 + (610 * 32) / 8 + 52 * 4);
      expect(Number(c.bytes_down)).toBe(610 * 4 + 68 * 3 + 136 * 3 + 4 * 3);
    }
    for (const round of readCsv(join(out, 'rounds.csv'))) {
      expect(round.status).toBe('aggregated');
      const phases = ['secagg_share_keys_s', 'secagg_masked_input_s', 'secagg_unmasking_s'];
      for (const phase of phases) expect(Number(round[phase])).toBeGreaterThan(0);
    }
  }, 60_000);

  it('fails a round whose dropouts leave fewer than the threshold, naming the phase', () => {
    // t = K = 4: any client that leaves mid-protocol fails its round.
    const { code, stderr, out } = run((t) =>
      secure(
        '{ threshold: 4 }',
        '\n  tier: cost-only',
      )(flaky(t)).replace('rounds: 4', 'rounds: 30'),
    );
    expect(code, stderr).toBe(0);
    const rounds = readCsv(join(out, 'rounds.csv'));
    for (const r of rounds) {
      if (Number(r.secagg_dropped) > 0) {
        expect(r.status).toBe('secagg-failed');
        expect(['share-keys', 'masked-input', 'unmasking']).toContain(r.secagg_failed_phase);
        expect(Number(r.aggregated)).toBe(0);
      } else {
        expect(r.status).toBe('aggregated');
        expect(Number(r.aggregated)).toBe(4);
      }
    }
    const failed = rounds.filter((r) => r.status === 'secagg-failed').length;
    expect(failed).toBeGreaterThan(0);
    expect(rounds.some((r) => r.status === 'aggregated')).toBe(true);
    const summary = readCsv(join(out, 'summary.csv'))[0]!;
    expect(Number(summary.secagg_failed_rounds)).toBe(failed);
    const phases = (r: Record<string, string>) =>
      Number(r.secagg_share_keys_s) +
      Number(r.secagg_masked_input_s) +
      Number(r.secagg_unmasking_s);
    expect(Number(summary.secagg_time_s)).toBeCloseTo(
      rounds.reduce((total, r) => total + phases(r), 0),
      9,
    );
  }, 60_000);

  it('with t = 3 the real protocol recovers from one dropout; the same CSVs on 1 or 2 threads', () => {
    const edit = (workers: number) => (t: string) =>
      secure('{}', `\n  workers: ${workers}`)(flaky(t)).replace('rounds: 4', 'rounds: 12');
    const one = run(edit(1));
    const two = run(edit(2));
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    for (const csv of ['rounds.csv', 'clients.csv', 'summary.csv'])
      expect(readFileSync(join(two.out, csv), 'utf8'), csv).toBe(
        readFileSync(join(one.out, csv), 'utf8'),
      );
    const rounds = readCsv(join(one.out, 'rounds.csv'));
    // One client lost before its masked input: the other three are summed and unmasked.
    const recovered = rounds.filter((r) => r.secagg_dropped === '1' && r.aggregated === '3');
    expect(recovered.length).toBeGreaterThan(0);
    for (const r of recovered) {
      expect(r.status).toBe('aggregated');
      expect(Number(r.accuracy)).toBeGreaterThan(0.5);
    }
  }, 120_000);
});

describe('bad secure-aggregation settings', () => {
  it.each([
    [
      '{ threshold: 5 }',
      '',
      'federated.secureAggregation.threshold',
      'expected an integer in 1..4',
    ],
    ['{ bits: 20, levels: 262144 }', '', 'federated.secureAggregation.bits', 'needs 21 bits'],
    [
      '{}',
      'wrap: [{ name: compress, codec: top-k, ratio: 0.1 }]',
      'federated.strategy.wrap[0].codec',
      'shared indices',
    ],
    [
      '{}',
      'wrap: [{ name: dp-central, noiseMultiplier: 1, clipNorm: 1 }]',
      'federated.strategy.wrap[0].name',
      "needs each client's update",
    ],
  ])('%s with %s: an error at %s', (block, wrap, path, message) => {
    const { code, stderr } = run((t) =>
      secure(block)(t).replace(
        'strategy: { name: fedavg }',
        `strategy: { name: fedavg${wrap ? `, ${wrap}` : ''} }`,
      ),
    );
    expect(code).toBe(2);
    expect(stderr).toContain(path);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
