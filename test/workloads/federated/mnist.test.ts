/**
 * Federated learning on the real MNIST digits, on the real tier (clients train for real on
 * the WebAssembly backend): the two effects of label skew the literature reports. Runs go
 * through the library call the CLI makes (`prepareScenario` then `runPrepared`), in this
 * process, so the digits and TF.js load once for the whole file.
 *
 * The scenario (test/fixtures/federated/mnist-logistic.yaml): logistic regression, 10
 * clients, 5 per round, one epoch of plain SGD (learning rate 0.1, batches of 50), 10
 * rounds, evaluated every round on the 2,000 held-out digits, target 80%. The variants
 * replace one line of it, so everything else is equal.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Table, TableValue } from '../../../src/results/table.js';
import { prepareScenario, type RunTables, runPrepared } from '../../../src/run.js';

const fixture = resolve('test/fixtures/federated/mnist-logistic.yaml');
/** Rounds each run takes (the fixture's `rounds`): a run that never reaches the target counts as CAP + 1. */
const CAP = 10;
const SEEDS = [1, 2, 3];
const IID = 'partition: { kind: iid }';
const SKEWED = 'partition: { kind: dirichlet, alpha: 0.1 }';
const FEDAVG = 'strategy: { name: fedavg }';
const FEDPROX = 'strategy: { name: fedprox, proximalMu: 1 }';

/** The fixture with its partition and strategy lines replaced, written to a temporary file. */
function scenarioFile(partition: string, strategy: string): string {
  const text = readFileSync(fixture, 'utf8');
  if (!(text.includes(IID) && text.includes(FEDAVG)))
    throw new Error(`${fixture} no longer has the lines "${IID}" and "${FEDAVG}"`);
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-mnist-')), 'scenario.yaml');
  writeFileSync(file, text.replace(IID, partition).replace(FEDAVG, strategy));
  return file;
}

const runs = new Map<string, Promise<RunTables>>();

/** The tables of the fixture's variant with `seed`; each variant and seed runs once per file. */
function run(partition: string, strategy: string, seed: number): Promise<RunTables> {
  const key = `${partition} ${strategy} ${seed}`;
  let tables = runs.get(key);
  if (tables === undefined) {
    tables = runPrepared(prepareScenario(scenarioFile(partition, strategy)).prepared, seed).then(
      (result) => result.tables,
    );
    runs.set(key, tables);
  }
  return tables;
}

/** Each row of a table as a record keyed by column. */
function records(table: Table | undefined): Record<string, TableValue>[] {
  if (table === undefined) throw new Error('missing table');
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
}

/** The round in which the target was first met, or CAP + 1 if it never was. */
function roundsToTarget(tables: RunTables): number {
  const summary = records(tables.summary)[0]!;
  expect(summary.status, String(summary.failure)).toBe('ok');
  return summary.rounds_to_target === null ? CAP + 1 : Number(summary.rounds_to_target);
}

/** The aggregated clients' update norms (L2 distance from the round's global model), with round and client. */
function updateNorms(tables: RunTables): { round: number; client: number; norm: number }[] {
  return records(tables.clients)
    .filter((c) => c.outcome === 'aggregated')
    .map((c) => ({
      round: Number(c.round),
      client: Number(c.client),
      norm: Number(c.update_norm),
    }));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('MNIST, IID against Dirichlet(0.1) label skew', () => {
  it('IID reaches 80% held-out accuracy in fewer rounds than Dirichlet(0.1), seed by seed', async () => {
    // IID: each client's 800 digits cover all ten classes, so the average of five local models
    // moves like centralised SGD; logistic regression passes 80% within 2-3 rounds (measured:
    // rounds 2, 3, 2 for seeds 1-3). Dirichlet(0.1): most clients hold one or two digits, each
    // local model is pulled toward predicting its own classes, and the average of five such
    // models swings from round to round (Hsu et al. 2019; Li et al., ICDE 2022); measured: round 8
    // for seed 1, not within the 10 rounds (counted as 11) for seeds 2 and 3.
    for (const seed of SEEDS) {
      const iid = roundsToTarget(await run(IID, FEDAVG, seed));
      const skewed = roundsToTarget(await run(SKEWED, FEDAVG, seed));
      expect(iid, `seed ${seed}: IID must reach the target within the cap`).toBeLessThanOrEqual(
        CAP,
      );
      expect(iid, `seed ${seed}: IID ${iid} rounds, Dirichlet(0.1) ${skewed}`).toBeLessThan(skewed);
    }
  }, 600_000);
});

describe('MNIST, FedProx (mu = 1) against FedAvg on Dirichlet(0.1)', () => {
  it("in round 1, from the same global model, shortens every client's update", async () => {
    // Both strategies start from the same initial model and select the same clients (selection
    // does not depend on the strategy), who take the same batches. Each FedProx step adds
    // mu·(w - w_global) to the gradient, multiplying the distance already travelled by
    // 1 - eta·mu = 0.9 before the loss step, so each client ends nearer the global model
    // (measured with seed 1: the five updates are 6% to 47% shorter).
    const fedavg = updateNorms(await run(SKEWED, FEDAVG, 1)).filter((u) => u.round === 1);
    const fedprox = updateNorms(await run(SKEWED, FEDPROX, 1)).filter((u) => u.round === 1);
    expect(fedprox.map((u) => u.client)).toEqual(fedavg.map((u) => u.client));
    fedprox.forEach((u, i) => {
      expect(u.norm, `client ${u.client}`).toBeLessThan(fedavg[i]!.norm);
    });
  }, 600_000);

  it('lowers the mean update norm of the aggregated clients by a fifth or more, seed by seed', async () => {
    // With a constant gradient g, K plain SGD steps travel K·eta·g; with the proximal pull they
    // travel g·(1 - 0.9^K)/mu, a ratio of (1 - 0.9^K)/(0.1·K): 0.51 for 16 steps (800 digits),
    // less for the skewed clients with more digits, nearer 1 for those with few. The loss
    // gradient also stays larger when the client is held near the global model, so the measured
    // ratio is higher:
    // 0.69, 0.66 and 0.68 for seeds 1-3 (mean norms 0.844 -> 0.585, 0.924 -> 0.613,
    // 0.886 -> 0.598). The bound leaves room for that while still failing if FedProx did not
    // pull the clients in.
    for (const seed of SEEDS) {
      const fedavg = mean(updateNorms(await run(SKEWED, FEDAVG, seed)).map((u) => u.norm));
      const fedprox = mean(updateNorms(await run(SKEWED, FEDPROX, seed)).map((u) => u.norm));
      expect(fedprox, `seed ${seed}: FedAvg ${fedavg}, FedProx ${fedprox}`).toBeLessThan(
        0.8 * fedavg,
      );
    }
  }, 600_000);
});
