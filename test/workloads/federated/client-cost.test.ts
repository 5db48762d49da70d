/**
 * What each strategy charges a selected client per round: the bytes each way (SCAFFOLD's
 * control variates double them) and the FLOPs each local step adds (FedProx's proximal
 * gradient, SCAFFOLD's correction), checked on the strategies and through a whole run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { prepareScenario, type RunTables, runPrepared } from '../../../src/run.js';
import { createStrategy, strategyFromSpec } from '../../../src/workloads/federated/index.js';
import { localTrainingFlops } from '../../../src/workloads/federated/run.js';

/** Streams for wrappers that draw (none of these tests' wrappers draws when built). */
const STREAMS = new RandomStreams(1);

/** A model of 610 float32 parameters: logistic regression on 60 features and 10 classes. */
const P = 610;

describe('clientCost', () => {
  it.each(['fedavg', 'fedavgm', 'fedadam', 'fedyogi', 'fedadagrad'])(
    '%s sends the model down and the trained model up, 4 bytes a parameter',
    (name) => {
      expect(createStrategy(name).clientCost(P)).toEqual({
        bytesDown: 4 * P,
        bytesUp: 4 * P,
        flopsPerStep: 0,
      });
    },
  );

  it('FedProx adds 3 FLOPs a parameter to each local step: mu·(w − w_global) added to the gradient', () => {
    expect(createStrategy('fedprox', { proximalMu: 0.1 }).clientCost(P)).toEqual({
      bytesDown: 4 * P,
      bytesUp: 4 * P,
      flopsPerStep: 3 * P,
    });
  });

  it('FedProx with mu = 0 trains plainly and adds nothing', () => {
    expect(createStrategy('fedprox', { proximalMu: 0 }).clientCost(P).flopsPerStep).toBe(0);
  });

  it('SCAFFOLD moves the model and a control variate each way, and adds c − c_i to each gradient', () => {
    expect(createStrategy('scaffold', { totalClients: 10 }).clientCost(P)).toEqual({
      bytesDown: 8 * P,
      bytesUp: 8 * P,
      flopsPerStep: P,
    });
  });

  it('a wrapper charges what its inner strategy does', () => {
    const spec = { name: 'scaffold', wrap: [{ name: 'clip' as const, clipNorm: 1 }] };
    expect(strategyFromSpec(spec, STREAMS, { totalClients: 10 }).clientCost(P)).toEqual({
      bytesDown: 8 * P,
      bytesUp: 8 * P,
      flopsPerStep: P,
    });
  });
});

describe('localTrainingFlops', () => {
  it('adds the per-step FLOPs once per optimizer step: ceil(samples / batch) steps an epoch', () => {
    // 100 samples in batches of 16: 7 steps an epoch (the last holds 4), 2 epochs: 14 steps.
    // Forward and backward: 3 x 1,000 FLOPs x 100 samples x 2 epochs = 600,000.
    expect(localTrainingFlops(1000, 100, { epochs: 2, batchSize: 16 }, { flopsPerStep: 30 })).toBe(
      600_000 + 14 * 30,
    );
  });
});

const small = resolve('test/fixtures/federated/small.yaml');
const STRATEGY = 'strategy: { name: fedavg }';

/** The small scenario on the cost-only tier (100 samples a client) with `strategy`. */
function costOnly(strategy: string): Promise<RunTables> {
  const text = readFileSync(small, 'utf8');
  if (!text.includes(STRATEGY)) throw new Error(`${small} no longer has "${STRATEGY}"`);
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-cost-')), 'scenario.yaml');
  writeFileSync(
    file,
    text
      .replace(STRATEGY, strategy)
      .replace('federated:\n', 'federated:\n  tier: cost-only\n  samplesPerClient: 100\n'),
  );
  return runPrepared(prepareScenario(file).prepared, 3).then((r) => r.tables);
}

/** Each client row as a record keyed by column. */
function clientRows(tables: RunTables): Record<string, number | string>[] {
  const table = tables.clients!;
  return table.rows.map(
    (row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])) as never,
  );
}

describe('a run charges the strategy’s cost', () => {
  it('every aggregated SCAFFOLD client downloads and uploads twice the model (610 x 4 x 2 bytes)', async () => {
    const rows = clientRows(await costOnly('strategy: { name: scaffold }'));
    const aggregated = rows.filter((c) => c.outcome === 'aggregated');
    expect(aggregated.length).toBeGreaterThan(0);
    for (const c of aggregated) {
      expect(c.bytes_down).toBe(2 * 4 * P);
      expect(c.bytes_up).toBe(2 * 4 * P);
    }
  });

  it('a FedProx client computes longer than the same FedAvg client by 7 steps x 3P FLOPs', async () => {
    // 100 samples in batches of 16: 7 steps. FedAvg's compute time is 3·F·100 FLOPs at the
    // client's rate, so FedProx's is that times 1 + 7·3·610 / (3·F·100).
    const fedavg = await costOnly(STRATEGY);
    const fedprox = await costOnly('strategy: { name: fedprox, proximalMu: 0.01 }');
    const flopsPerSample = Number(
      fedavg.summary!.rows[0]![fedavg.summary!.columns.indexOf('model_flops_per_sample')],
    );
    const ratio = 1 + (7 * 3 * P) / (3 * flopsPerSample * 100);
    const avg = new Map(
      clientRows(fedavg)
        .filter((c) => c.outcome === 'aggregated')
        .map((c) => [`${c.round}/${c.client}`, Number(c.compute_s)]),
    );
    let compared = 0;
    for (const c of clientRows(fedprox).filter((r) => r.outcome === 'aggregated')) {
      const base = avg.get(`${c.round}/${c.client}`);
      if (base === undefined) continue;
      expect(Number(c.compute_s) / base).toBeCloseTo(ratio, 9);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
