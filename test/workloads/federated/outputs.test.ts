/**
 * What a federated run writes about its global model beyond accuracy and loss: the held-out
 * confusion matrix of every evaluated round (confusion.csv), per-class precision, recall and
 * F1 (classes.csv) beside their macro means (rounds.csv), and a warning when the final model
 * ends near chance.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table, TableValue } from '../../../src/results/table.js';
import { prepareScenario, type RunTables } from '../../../src/run.js';
import type { ResolvedFederated } from '../../../src/workloads/federated/resolve.js';
import { runFederated } from '../../../src/workloads/federated/run.js';
import { mergeScores } from '../../../src/workloads/federated/scores.js';
import { nearChanceWarning } from '../../../src/workloads/federated/warnings.js';

const small = resolve('test/fixtures/federated/small.yaml');
const mnist = resolve('test/fixtures/federated/mnist-logistic.yaml');

/** `fixture` with each [from, to] replacement applied (each must be found), in a temporary file. */
function variant(fixture: string, ...replacements: [string, string][]): string {
  let text = readFileSync(fixture, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${fixture} no longer has "${from}"`);
    text = text.replace(from, to);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-out-')), 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

/** Runs a scenario file's federated run in this process, collecting its warnings. */
async function run(file: string): Promise<{ tables: RunTables; warnings: string[] }> {
  const { prepared } = prepareScenario(file);
  const warnings: string[] = [];
  const result = await runFederated(
    prepared.resolved as ResolvedFederated,
    1,
    undefined,
    (message) => warnings.push(message),
  );
  return { tables: result.tables, warnings };
}

function records(table: Table | undefined): Record<string, TableValue>[] {
  if (table === undefined) throw new Error('missing table');
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
}

describe('confusion.csv and classes.csv', () => {
  // The small scenario: 4 rounds evaluated on its synthetic test split (10 classes).
  let tables: RunTables;
  beforeAll(async () => {
    ({ tables } = await run(small));
  }, 120_000);

  it('hold every cell of the confusion matrix for every evaluated round', () => {
    const confusion = records(tables.confusion);
    expect(confusion.length).toBe(4 * 10 * 10);
    const round1 = confusion.filter((r) => r.round === 1);
    expect(round1.map((r) => [r.actual, r.predicted])).toEqual(
      Array.from({ length: 100 }, (_, i) => [Math.floor(i / 10), i % 10]),
    );
  });

  it("count each test sample once a round, the diagonal being the round's accuracy", () => {
    const confusion = records(tables.confusion);
    const testCount = records(tables.classes)
      .filter((r) => r.round === 1)
      .reduce((sum, r) => sum + Number(r.support), 0);
    for (const round of records(tables.rounds)) {
      const cells = confusion.filter((r) => r.round === round.round);
      const total = cells.reduce((sum, r) => sum + Number(r.count), 0);
      const correct = cells
        .filter((r) => r.actual === r.predicted)
        .reduce((sum, r) => sum + Number(r.count), 0);
      expect(total).toBe(testCount);
      expect(correct / total).toBe(round.accuracy);
    }
  });

  it("give each class's precision and recall from its column and row of the matrix", () => {
    const confusion = records(tables.confusion).filter((r) => r.round === 4);
    const cell = (a: number, p: number) =>
      Number(confusion.find((r) => r.actual === a && r.predicted === p)!.count);
    for (const c of records(tables.classes).filter((r) => r.round === 4)) {
      const k = Number(c.class);
      const predicted = Array.from({ length: 10 }, (_, a) => cell(a, k)).reduce((x, y) => x + y);
      const actual = Array.from({ length: 10 }, (_, p) => cell(k, p)).reduce((x, y) => x + y);
      expect(c.support).toBe(actual);
      expect(c.precision).toBe(predicted === 0 ? 0 : cell(k, k) / predicted);
      expect(c.recall).toBe(actual === 0 ? 0 : cell(k, k) / actual);
    }
  });

  it('put the means of the per-class scores over the classes present in rounds.csv', () => {
    const confusion = records(tables.confusion).filter((r) => r.round === 4);
    const present = (k: number) =>
      confusion.some((r) => (r.actual === k || r.predicted === k) && Number(r.count) > 0);
    const classes = records(tables.classes).filter(
      (r) => r.round === 4 && present(Number(r.class)),
    );
    const round = records(tables.rounds)[3]!;
    const mean = (name: string) =>
      classes.reduce((sum, r) => sum + Number(r[name]), 0) / classes.length;
    expect(round.precision).toBeCloseTo(mean('precision'), 12);
    expect(round.recall).toBeCloseTo(mean('recall'), 12);
    expect(round.f1).toBeCloseTo(mean('f1'), 12);
  });
});

describe('mergeScores', () => {
  it('sums the confusion counts of the ranges and keeps their loss and accuracy', () => {
    // Two ranges of a 2-class split: labels (0, 1) predicted (0, 0), then label 1 predicted 1.
    const merged = mergeScores(
      [
        {
          labelProbabilities: Float32Array.of(0.5, 0.25),
          correct: 1,
          confusion: Int32Array.of(1, 0, 1, 0),
        },
        {
          labelProbabilities: Float32Array.of(1),
          correct: 1,
          confusion: Int32Array.of(0, 0, 0, 1),
        },
      ],
      2,
    );
    expect(Array.from(merged.confusion)).toEqual([1, 0, 1, 1]);
    expect(merged.accuracy).toBe(2 / 3);
    // −(ln 0.5 + ln 0.25 + ln 1)/3 = 3·ln 2 / 3 = ln 2.
    expect(merged.loss).toBeCloseTo(Math.LN2, 12);
  });
});

describe('the near-chance warning', () => {
  it('fires up to a quarter of the way from chance to perfect, not above', () => {
    // 10 classes: the line at 0.1 + 0.25 x 0.9 = 0.325; 2 classes: 0.5 + 0.25 x 0.5 = 0.625.
    expect(nearChanceWarning(0.29, 10, 3)).toContain('near chance (1/10 = 0.1)');
    expect(nearChanceWarning(0.02, 10, 3)).toContain('test accuracy 0.02');
    expect(nearChanceWarning(0.33, 10, 3)).toBeNull();
    expect(nearChanceWarning(0.62, 2, 3)).toContain('near chance (1/2 = 0.5)');
    expect(nearChanceWarning(0.63, 2, 3)).toBeNull();
  });

  it('is reported once and kept in summary.csv when MNIST training barely moves the model', async () => {
    // Learning rate 1e-7 for one round: the logistic model stays where it started (10.1% with seed 1).
    const file = variant(
      mnist,
      ['learningRate: 0.1', 'learningRate: 0.0000001'],
      ['rounds: 10', 'rounds: 1'],
    );
    const { tables, warnings } = await run(file);
    const summary = records(tables.summary)[0]!;
    expect(Number(summary.final_accuracy)).toBeLessThanOrEqual(0.15);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('near chance (1/10 = 0.1)');
    expect(summary.warning).toBe(warnings[0]);
  }, 120_000);

  it('stays silent when the model learns (MNIST, two rounds of FedAvg: 80.5% with seed 1)', async () => {
    const { tables, warnings } = await run(variant(mnist, ['rounds: 10', 'rounds: 2']));
    expect(Number(records(tables.summary)[0]!.final_accuracy)).toBeGreaterThan(0.5);
    expect(warnings).toEqual([]);
    expect(records(tables.summary)[0]!.warning).toBe('');
  }, 120_000);
});
