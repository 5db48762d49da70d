/**
 * The asynchronous modes on the small synthetic scenario (logistic regression, in this
 * process): FedAsync with alpha = 1 and one client at a time is sequential training;
 * FedBuff with K = concurrency = the clients and no staleness is the synchronous rounds
 * through the same server optimiser; the staleness recorded is the version difference
 * (bad settings: async-checks.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { subset } from '../../../src/ml/data/split.js';
import { lossAndAccuracy } from '../../../src/ml/evaluate.js';
import { trainModel } from '../../../src/ml/train.js';
import type { Table, TableValue } from '../../../src/results/table.js';
import { prepareScenario, type RunTables } from '../../../src/run.js';
import type { AsyncTablesInput } from '../../../src/workloads/federated/async/tables.js';
import { asyncTables, UPDATE_COLUMNS } from '../../../src/workloads/federated/async/tables.js';
import type {
  Contribution,
  ServerUpdate,
} from '../../../src/workloads/federated/async/timeline.js';
import {
  type AttackSpec,
  chooseAttackers,
} from '../../../src/workloads/federated/attacks/index.js';
import { partition } from '../../../src/workloads/federated/partitioners/registry.js';
import type { ResolvedFederated } from '../../../src/workloads/federated/resolve.js';
import { clientSeed } from '../../../src/workloads/federated/round-training.js';
import { runFederated } from '../../../src/workloads/federated/run.js';
import { prepareTraining, trainingSetup } from '../../../src/workloads/federated/training.js';
import { pisOnly, small } from '../../helpers/fl-scenarios.js';

async function run(file: string, seed = 3): Promise<RunTables> {
  const { prepared } = prepareScenario(file);
  return (await runFederated(prepared.resolved as ResolvedFederated, seed, undefined, () => {}))
    .tables;
}

function records(table: Table | undefined): Record<string, TableValue>[] {
  if (table === undefined) throw new Error('missing table');
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]!])));
}

describe('FedAsync with alpha = 1 and concurrency 1', () => {
  it('is sequential training: each client in turn from the previous client’s model', async () => {
    // Prepare: 6 server updates, one client at a time, each update replacing the global model.
    const file = pisOnly(
      '  mode: async\n  async: { alpha: 1, concurrency: 1, updates: 6, evaluateEvery: 6 }\n',
    );
    // Execute
    const tables = await run(file);
    const trips = records(tables.clients);
    const last = records(tables.updates).at(-1)!;
    // Assert: by hand, train the dispatched clients one after another from the initial model,
    // each with its data (the scenario's partition) and the seed of round version + 1.
    expect(trips.map((t) => t.version)).toEqual([0, 1, 2, 3, 4, 5]); // none after the last update
    const { prepared } = prepareScenario(file);
    const resolved = prepared.resolved as ResolvedFederated;
    const context = await prepareTraining(trainingSetup(resolved, 3));
    const train = context.split.train;
    const section = resolved.scenario.federated;
    const indices = partition(
      section.partition,
      train.labels,
      8,
      train.numClasses,
      new RandomStreams(3).stream('partition'),
    );
    for (const trip of trips.slice(0, 6)) {
      const client = trip.client as number;
      trainModel(context.handle, subset(train, indices[client]!), {
        ...section.local,
        seed: clientSeed(3, (trip.version as number) + 1, client),
      });
    }
    const expected = lossAndAccuracy(context.handle, context.split.test);
    expect(last.accuracy as number).toBeCloseTo(expected.accuracy, 6);
    expect(last.loss as number).toBeCloseTo(expected.loss, 6);
  }, 120_000);
});

describe('FedBuff with K = concurrency = the clients and no staleness', () => {
  it.each([
    ['fedavg', '{ name: fedavg }'],
    ['fedadam', '{ name: fedadam }'],
  ])(
    'gives the synchronous rounds of %s, bit for bit',
    async (_name, strategy) => {
      // Prepare: every one of the 8 clients each round; FedBuff buffers all 8.
      const replacements: [string, string][] = [
        ['clientsPerRound: 4', 'clientsPerRound: 8'],
        ['overCommit: 1.5', 'overCommit: 1'],
        ['strategy: { name: fedavg }', `strategy: ${strategy}`],
      ];
      const sync = await run(pisOnly('', replacements));
      const buffered = await run(
        pisOnly('  mode: buffered\n  async: { bufferSize: 8, concurrency: 8 }\n', replacements),
      );
      // Assert: the same held-out loss and accuracy after every round, to the last bit.
      const rounds = records(sync.rounds);
      const updates = records(buffered.updates);
      expect(updates.length).toBe(4);
      expect(updates.every((u) => u.staleness_max === 0)).toBe(true);
      expect(updates.map((u) => [u.loss, u.accuracy, u.train_loss])).toEqual(
        rounds.map((r) => [r.loss, r.accuracy, r.train_loss]),
      );
    },
    120_000,
  );
});

describe('staleness', () => {
  it('is the number of versions made between a trip’s download and its arrival', async () => {
    // Prepare: 3 clients at once on the whole small fleet (Pis, slower phones, a battery), each
    // device's speed spread so that no two updates arrive at the same instant.
    const file = resolve(mkdtempSync(join(tmpdir(), 'edgesim-fl-async-')), 'scenario.yaml');
    writeFileSync(
      file,
      readFileSync(small, 'utf8')
        .replace(
          /network: \{ technology: (\w+)(.*)\}/g,
          'network: { technology: $1$2}\n    spread: { throughputCv: 0.5 }',
        )
        .replace(
          '  rounds: 4',
          '  rounds: 4\n  tier: cost-only\n  mode: async\n  async: { concurrency: 3, updates: 40 }',
        ),
    );
    // Execute
    const tables = await run(file);
    const trips = records(tables.clients);
    const updates = records(tables.updates);
    // Assert: a trip's version is the count of server updates at or before its start; each
    // contribution's staleness is (its update's version − 1) − that count.
    const updatesBy = (timeS: number) =>
      updates.filter((u) => (u.time_s as number) <= timeS).length;
    for (const trip of trips) expect(trip.version).toBe(updatesBy(trip.start_s as number));
    for (const u of updates) {
      const clients = String(u.clients).split(';').map(Number);
      const staleness = String(u.staleness).split(';').map(Number);
      clients.forEach((client, i) => {
        // A client makes one trip at a time: its update is from its latest trip started before then
        const trip = trips
          .filter((t) => t.client === client && (t.start_s as number) < (u.time_s as number))
          .at(-1)!;
        expect(trip.outcome).toBe('aggregated');
        expect(staleness[i]).toBe((u.version as number) - 1 - (trip.version as number));
      });
    }
    expect(Math.max(...updates.map((u) => u.staleness_max as number))).toBeGreaterThan(0);
  });
});

describe('the asynchronous timeline', () => {
  /** The whole small fleet, cost-only, in `mode` with `block`; each device's speed spread. */
  function costOnly(mode: string, block: string, availability = ''): string {
    const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-async-')), 'scenario.yaml');
    writeFileSync(
      file,
      readFileSync(small, 'utf8')
        .replace(
          /network: \{ technology: (\w+)(.*)\}/g,
          `network: { technology: $1$2}\n    spread: { throughputCv: 0.5 }${availability}`,
        )
        .replace(
          '  rounds: 4',
          `  rounds: 4\n  tier: cost-only\n  mode: ${mode}\n  async: ${block}`,
        ),
    );
    return file;
  }

  it('drops updates older than maxStaleness on arrival, as stale, and uses none of them', async () => {
    const tables = await run(costOnly('async', '{ concurrency: 6, updates: 60, maxStaleness: 2 }'));
    const trips = records(tables.clients);
    const updates = records(tables.updates);
    expect(trips.some((t) => t.outcome === 'stale')).toBe(true);
    expect(Math.max(...updates.map((u) => u.staleness_max as number))).toBeLessThanOrEqual(2);
    const summary = records(tables.summary)[0]!;
    expect(summary.dropped_stale).toBe(trips.filter((t) => t.outcome === 'stale').length);
  });

  it('loses clients that go offline mid-trip, as sync rounds do, and keeps going', async () => {
    const tables = await run(
      costOnly(
        'buffered',
        '{ concurrency: 6, bufferSize: 3, updates: 200 }',
        '\n    availability: { kind: markov, meanOn: 2 s, meanOff: 1 s }',
      ),
    );
    const trips = records(tables.clients);
    expect(trips.some((t) => t.outcome === 'offline')).toBe(true);
    expect(records(tables.updates).length).toBe(200);
  });
});

describe('evaluation every T simulated seconds', () => {
  it('scores the first server update at or past each multiple of T', async () => {
    const tables = await run(
      pisOnly(
        '  mode: async\n  async: { concurrency: 3, updates: 30, evaluateEvery: 1000, evaluateEveryS: 0.05 }\n',
      ),
    );
    const updates = records(tables.updates);
    const evaluated = updates.filter((u) => u.accuracy !== null).map((u) => u.version);
    // By hand from the update times: the first update of each 0.05 s interval, and the last.
    let next = 0.05;
    const expected: (TableValue | undefined)[] = [];
    for (const u of updates) {
      const time = u.time_s as number;
      if (time >= next) {
        expected.push(u.version);
        next = (Math.floor(time / 0.05) + 1) * 0.05;
      } else if (u.version === 30) expected.push(u.version);
    }
    expect(evaluated).toEqual(expected);
    expect(evaluated.length).toBeGreaterThan(2);
  }, 120_000);
});

describe('attackers in an asynchronous mode', () => {
  it('change the global model from the first update an attacker sends, not before', async () => {
    // One client at a time, each update replacing the model (alpha = 1), evaluated after each:
    // with sign-flipping attackers, the losses are the clean run's until the first trip by an
    // attacker (who is an attacker is chooseAttackers' draw on the run's streams).
    const async =
      '  mode: async\n  async: { alpha: 1, concurrency: 1, updates: 6, evaluateEvery: 1 }\n';
    const attack = '  attack: { kind: sign-flip, fraction: 0.25, scale: 4 }\n';
    const clean = await run(pisOnly(async));
    const attacked = await run(pisOnly(`${async}${attack}`));
    const attackers = chooseAttackers(
      { kind: 'sign-flip', fraction: 0.25, scale: 4 } as AttackSpec,
      8,
      new RandomStreams(3),
    )!;
    const trips = records(attacked.clients).slice(0, 6);
    const first = trips.findIndex((t) => attackers.marks[t.client as number] === 1);
    expect(first).toBeGreaterThanOrEqual(0); // 2 of 8 attackers among 6 trips
    const loss = (tables: RunTables) => records(tables.updates).map((u) => u.loss);
    expect(loss(attacked).slice(0, first)).toEqual(loss(clean).slice(0, first));
    expect(loss(attacked)[first]).not.toEqual(loss(clean)[first]);
  });
});

describe('the end of an asynchronous run', () => {
  /** The whole small fleet (12 clients), cost-only, buffered with `block`. */
  function buffered(block: string): string {
    const file = join(mkdtempSync(join(tmpdir(), 'edgesim-fl-async-')), 'scenario.yaml');
    writeFileSync(
      file,
      readFileSync(small, 'utf8').replace(
        '  rounds: 4',
        `  rounds: 4\n  tier: cost-only\n  mode: buffered\n  async: ${block}`,
      ),
    );
    return file;
  }

  it('dispatches no trip after the last server update (K = concurrency = the clients)', async () => {
    // With K = concurrency = 12 = the clients, every client not dropped is in the buffer when
    // it is applied, so nothing is in flight at the last update: no stragglers at all.
    const tables = await run(buffered('{ concurrency: 12, bufferSize: 12, updates: 20 }'));
    const summary = records(tables.summary)[0]!;
    const trips = records(tables.clients);
    expect(summary.aggregated).toBe(12 * 20);
    expect(summary.stragglers).toBe(0);
    const dropped =
      (summary.dropped_offline as number) +
      (summary.dropped_battery as number) +
      (summary.dropped_stale as number);
    expect(summary.participations).toBe((summary.aggregated as number) + dropped);
    expect(trips.every((t) => (t.version as number) < 20)).toBe(true);
  });

  it('leaves only trips started before the last update as stragglers', async () => {
    const tables = await run(buffered('{ concurrency: 6, bufferSize: 3, updates: 30 }'));
    const trips = records(tables.clients);
    expect(trips.every((t) => (t.version as number) < 30)).toBe(true);
    const last = records(tables.updates).at(-1)!;
    for (const t of trips.filter((t) => t.outcome === 'straggler'))
      expect(t.start_s as number).toBeLessThan(last.time_s as number);
  });

  it('FedAsync: one trip per server update with one client at a time', async () => {
    const tables = await run(
      pisOnly('  tier: cost-only\n  mode: async\n  async: { concurrency: 1, updates: 6 }\n'),
    );
    expect(records(tables.clients).map((t) => t.outcome)).toEqual(Array(6).fill('aggregated'));
  });
});

describe('the asynchronous tables on long runs', () => {
  it('take the maxima of 500,000 evaluated updates and a 500,000-update buffer without a stack overflow', () => {
    // Prepare: Math.max(...array) throws a RangeError on arrays this long; a minimal fleet and
    // scenario (no devices) around 500,000 evaluated server updates, the first with a buffer of
    // 500,000 contributions of staleness 0..6.
    const n = 500_000;
    const contribution = (s: number) =>
      ({ participation: { record: { client: 0 } }, staleness: s % 7 }) as unknown as Contribution;
    const results = Array.from({ length: n }, (_, i) => ({
      update: {
        version: i + 1,
        timeS: i,
        contributions: i === 0 ? Array.from({ length: n }, (_, s) => contribution(s)) : [],
        evaluate: true,
        energyJ: 0,
        bytesDown: 0,
        bytesUp: 0,
      } satisfies ServerUpdate,
      status: 'aggregated' as const,
      accuracy: i === 1234 ? 0.99 : 0.5,
      loss: 1,
      confusion: null,
      trainLoss: null,
    }));
    const input = {
      resolved: {
        scenario: { name: 'long', federated: { tier: 'cost-only', partition: { kind: 'iid' } } },
        groups: [],
        clientCount: 0,
      },
      fleet: { count: 0, groupOf: [] },
      settings: { mode: 'async', concurrency: 1, bufferSize: 1 },
      timeline: { participations: [], updates: [], endS: n },
      results,
      clients: undefined,
      failure: null,
      model: { modelBytes: 0, flopsPerSample: 0 },
      warning: null,
    } as unknown as AsyncTablesInput;
    // Execute
    const tables = asyncTables(input);
    // Assert
    const summary = records(tables.summary)[0]!;
    expect(summary.best_accuracy).toBe(0.99);
    expect(summary.max_staleness).toBe(6);
    expect(tables.updates!.rows[0]![UPDATE_COLUMNS.indexOf('staleness_max')]).toBe(6);
  }, 60_000);
});
