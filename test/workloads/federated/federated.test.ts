import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RADIO_MODELS } from '../../../src/energy/radio.js';
import { ProfileLibrary } from '../../../src/fleet/profiles.js';
import { subset } from '../../../src/ml/data/split.js';
import { lossAndAccuracy } from '../../../src/ml/evaluate.js';
import { trainModel } from '../../../src/ml/train.js';
import { runScenarioFile } from '../../../src/run.js';
import { clientSeed } from '../../../src/workloads/federated/round-training.js';
import { prepareTraining } from '../../../src/workloads/federated/training.js';
import { loadScenario } from '../../../src/workloads/scenario.js';
import { edgesim } from '../../helpers/cli.js';
import { readCsv } from '../../helpers/tables.js';

const small = resolve('test/fixtures/federated/small.yaml');

/** The small scenario with `replace` applied to its text, written to a temporary directory. */
function variant(
  replace: (text: string) => string,
  name = 'scenario.yaml',
): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-fl-'));
  const file = join(dir, name);
  writeFileSync(file, replace(readFileSync(small, 'utf8')));
  return { file, dir };
}

/**
 * Runs `file` into `<dir>/<out>` in this process, through the library call `edgesim run`
 * makes: the tests below are about what a run writes, not about the CLI, whose start (TF.js
 * included) costs more than these runs. The CLI itself runs in the tests above and below.
 */
async function runHere(file: string, dir: string, out: string): Promise<void> {
  await runScenarioFile(file, { out: join(dir, out), warn: () => {} });
}

describe('federated rounds', () => {
  let run: ReturnType<typeof edgesim>;
  beforeAll(() => {
    run = edgesim(['run', small, '--out', 'a']);
  }, 120_000);

  it('writes rounds.csv, clients.csv and a summary naming the tier', () => {
    expect(run.code, run.stderr).toBe(0);
    const rounds = readCsv(join(run.cwd, 'a', 'rounds.csv'));
    expect(rounds.map((r) => r.round)).toEqual(['1', '2', '3', '4']);
    expect(rounds.every((r) => r.tier === 'real')).toBe(true);
    expect(readCsv(join(run.cwd, 'a', 'summary.csv'))[0]!.tier).toBe('real');
  });

  it('aggregates the first K of the ceil(K x overCommit) selected; the rest are stragglers', () => {
    for (const round of readCsv(join(run.cwd, 'a', 'rounds.csv'))) {
      expect(Number(round.selected)).toBe(6);
      expect(Number(round.aggregated)).toBe(4);
      expect(Number(round.stragglers)).toBe(2);
    }
  });

  it("splits an aggregated client's round into download, compute, upload and waiting that add up to the round", () => {
    const rounds = readCsv(join(run.cwd, 'a', 'rounds.csv'));
    const clients = readCsv(join(run.cwd, 'a', 'clients.csv')).filter(
      (c) => c.outcome === 'aggregated',
    );
    for (const c of clients) {
      const round = rounds[Number(c.round) - 1]!;
      const phases =
        Number(c.download_s) + Number(c.compute_s) + Number(c.upload_s) + Number(c.waiting_s);
      expect(phases).toBeCloseTo(Number(round.duration_s), 9);
      // The model (logistic regression on 60 features, 10 classes: 610 float32 parameters) moves each way.
      expect(Number(c.bytes_down)).toBe(610 * 4);
      expect(Number(c.bytes_up)).toBe(610 * 4);
    }
  });

  it('gives identical rounds.csv and clients.csv with one or two worker threads', () => {
    const two = variant((t) => t.replace('rounds: 4', 'rounds: 4\n  workers: 2'));
    const result = edgesim(['run', two.file, '--out', 'b'], run.cwd);
    expect(result.code, result.stderr).toBe(0);
    for (const file of ['rounds.csv', 'clients.csv', 'summary.csv']) {
      expect(readFileSync(join(run.cwd, 'b', file), 'utf8'), file).toBe(
        readFileSync(join(run.cwd, 'a', file), 'utf8'),
      );
    }
  }, 120_000);
});

describe('federated sweeps', () => {
  it('compare strategies: one summary row per strategy, on the same fleet and data', () => {
    const sweep = resolve('test/fixtures/federated/sweep.yaml');
    const { code, stderr, cwd } = edgesim(['sweep', sweep, '--workers', '2', '--out', 's']);
    expect(code, stderr).toBe(0);
    const rows = readCsv(join(cwd, 's', 'sweep.csv'));
    expect(rows.map((r) => r.strategy)).toEqual(['fedavg', 'fedprox']);
    // Common random numbers: the same clients are selected and move the same bytes under both strategies.
    expect(rows[0]!.bytes_up).toBe(rows[1]!.bytes_up);
    expect(rows[0]!.final_accuracy).not.toBe(rows[1]!.final_accuracy);

    // curves.csv: each run's accuracy after each evaluated round, with its identity and
    // parameters; the points of run 0 are those of the same scenario run alone with its seed.
    const curves = readCsv(join(cwd, 's', 'curves.csv'));
    const strategyOf = (c: Record<string, string>) => JSON.parse(c['federated.strategy']!).name;
    expect(curves.map((c) => `${c.run}/${strategyOf(c)}`)).toEqual([
      ...Array(4).fill('0/fedavg'),
      ...Array(4).fill('1/fedprox'),
    ]);
    const alone = edgesim(['run', small, '--seed', rows[0]!.seed!, '--out', 'alone'], cwd);
    expect(alone.code, alone.stderr).toBe(0);
    const rounds = readCsv(join(cwd, 'alone', 'rounds.csv'));
    expect(curves.slice(0, 4).map((c) => [c.time_s, c.accuracy])).toEqual(
      rounds.map((r) => [r.end_s, r.accuracy]),
    );
    const chart = JSON.parse(
      readFileSync(join(cwd, 's', 'report', 'accuracy-vs-time.vl.json'), 'utf8'),
    );
    expect(chart.data.values).toHaveLength(8);

    // Two shards merged: the same curves.csv, byte for byte; a rerun from the cache too.
    for (const shard of ['1/2', '2/2'])
      expect(edgesim(['sweep', sweep, '--shard', shard, '--out', 'sharded'], cwd).code).toBe(0);
    expect(edgesim(['merge', 'sharded', '--out', 'merged'], cwd).code).toBe(0);
    const one = readFileSync(join(cwd, 's', 'curves.csv'), 'utf8');
    expect(readFileSync(join(cwd, 'merged', 'curves.csv'), 'utf8')).toBe(one);
    expect(edgesim(['sweep', sweep, '--out', 's'], cwd).code).toBe(0);
    expect(readFileSync(join(cwd, 's', 'curves.csv'), 'utf8')).toBe(one);
  }, 240_000);
});

describe('FedAvg with one client', () => {
  it("equals centralized training on that client's data with the same seed", async () => {
    const one = variant((t) =>
      t
        .replace('count: 8', 'count: 1')
        .replace(/ {2}- name: phones[\s\S]*?initialCharge: 50% }\n/, '')
        .replace('rounds: 4', 'rounds: 1')
        .replace('clientsPerRound: 4', 'clientsPerRound: 1')
        .replace('overCommit: 1.5', 'overCommit: 1')
        .replace('epochs: 1', 'epochs: 3'),
    );
    await runHere(one.file, one.dir, 'one');
    const round = readCsv(join(one.dir, 'one', 'rounds.csv'))[0]!;

    // Centralized: the same model (same seed), trained on the client's data (all of it: one client) with the
    // seed the client trains with in round 1, three epochs, then scored on the same held-out split.
    const scenario = loadScenario(one.file).scenario as never as { federated: never; seed: number };
    const context = await prepareTraining({
      dataset: {
        kind: 'synthetic',
        alpha: 0.5,
        beta: 0.5,
        devices: 10,
        iid: false,
        testFraction: 0.2,
      },
      model: { zoo: 'logistic' },
      baseDir: one.dir,
      file: one.file,
      seed: scenario.seed,
      backend: 'wasm',
    });
    const train = context.split.train;
    const all = subset(
      train,
      Int32Array.from({ length: train.count }, (_, i) => i),
    );
    trainModel(context.handle, all, {
      optimizer: 'sgd',
      learningRate: 0.05,
      epochs: 3,
      batchSize: 16,
      seed: clientSeed(scenario.seed, 1, 0),
    });
    const centralized = lossAndAccuracy(context.handle, context.split.test);
    expect(Number(round.accuracy)).toBeCloseTo(centralized.accuracy, 10);
    expect(Number(round.loss)).toBeCloseTo(centralized.loss, 6);
  }, 120_000);
});

describe('dropouts', () => {
  it('a client whose device goes offline mid-training contributes nothing, and its energy up to then is counted', async () => {
    // One Raspberry Pi on a LAN with an 8 Mbit/s downlink and no round-trip delays.
    const pi = new ProfileLibrary().resolve('raspberry-pi-4');
    const downloadS = (610 * 4 * 8) / 8e6;
    const { file, dir } = variant((t) =>
      t
        .replace('count: 8', 'count: 1')
        .replace(/ {2}- name: phones[\s\S]*?initialCharge: 50% }\n/, '')
        .replace(
          'network: { technology: wifi5, cell: ap }',
          'network: { technology: ethernet, cell: lan }\n    availability: { kind: trace, file: online.csv }',
        )
        .replace('rounds: 4', 'rounds: 1')
        .replace('clientsPerRound: 4', 'clientsPerRound: 1')
        .replace('overCommit: 1.5', 'overCommit: 1')
        .replace('server: { rtt: 20 ms }', 'server: { rtt: 0 }')
        .replace(
          'federated:',
          'cells: { lan: { downlink: 8 Mbps, uplink: 8 Mbps, rtt: 0 } }\nfederated:',
        ),
    );
    // Go offline 0.1 ms after the download ends: mid-training (the client's local epoch takes
    // about 0.5 ms at the Pi's calibrated 27 GFLOP/s, 1.2 ms at the 11.8 GFLOP/s of HPL before).
    const offlineS = downloadS + 0.0001;
    writeFileSync(join(dir, 'online.csv'), `start_s,end_s\n0,${offlineS}\n`);
    await runHere(file, dir, 'r');
    const client = readCsv(join(dir, 'r', 'clients.csv'))[0]!;
    expect(client.outcome).toBe('offline');
    const round = readCsv(join(dir, 'r', 'rounds.csv'))[0]!;
    expect(Number(round.aggregated)).toBe(0);
    expect(round.status).toBe('skipped');
    expect(Number(client.download_s)).toBeCloseTo(downloadS, 12);
    expect(Number(client.compute_s)).toBeCloseTo(0.0001, 9);
    // Idle draw while downloading, active draw while computing, and the Ethernet PHY's constant 0.4 W throughout.
    const expectedJ =
      pi.idleW * downloadS + pi.activeW * 0.0001 + RADIO_MODELS.ethernet.idleW * offlineS;
    expect(Number(client.energy_j)).toBeCloseTo(expectedJ, 9);
  }, 60_000);
});

describe('transfers (network/transfer.ts)', () => {
  it('a client downloads one round trip after asking, and its LoRaWAN upload is duty-cycled', async () => {
    // One ESP32-S3 on LoRaWAN (no promotion), cost-only: 2,440 model bytes each way,
    // 1% loss, up at the technology's 5,470 bit/s and down at 54,700 (a cell
    // override): the gateway's duty cycle then frees it 10 times sooner than the
    // device's, so round 2's download and training end long before the device may
    // send again. (With equal rates both gates open together, 100 uplink airtimes
    // after round 1, and whether the upload waits is decided by rounding.)
    const { file, dir } = variant((t) =>
      t
        .replace('count: 8', 'count: 1')
        .replace('profile: raspberry-pi-4', 'profile: esp32-s3')
        .replace(/ {2}- name: phones[\s\S]*?initialCharge: 50% }\n/, '')
        .replace(
          'network: { technology: wifi5, cell: ap }',
          'network: { technology: lorawan, cell: lora }',
        )
        .replace('federated:', 'cells:\n  lora: { downlink: 54700 }\nfederated:')
        .replace('rounds: 4', 'rounds: 2\n  tier: cost-only')
        .replace('clientsPerRound: 4', 'clientsPerRound: 1')
        .replace('overCommit: 1.5', 'overCommit: 1'),
    );
    await runHere(file, dir, 'r');
    const [first, second] = readCsv(join(dir, 'r', 'clients.csv'));
    const upAirS = (2440 * 8) / (1 - 0.01) / 5470;
    const downAirS = (2440 * 8) / (1 - 0.01) / 54700;
    const rttS = 1 + 0.02; // LoRaWAN's RX1 window plus the server's 20 ms
    // Download: the round trip of its request, then the gateway's airtime.
    expect(Number(first!.download_s)).toBeCloseTo(rttS + downAirS, 9);
    // Upload: the device's airtime, then one way to the server.
    expect(Number(first!.upload_s)).toBeCloseTo(upAirS + rttS / 2, 9);
    // Round 2 starts when round 1's update has arrived; the device's uplink is free again only
    // 100 airtimes after round 1's upload began, so round 2's upload waits for its slot.
    const round1 = readCsv(join(dir, 'r', 'rounds.csv'));
    const round2StartS = Number(round1[1]!.start_s);
    const uploadSlotS = Number(round1[0]!.end_s) - rttS / 2 - upAirS + upAirS / 0.01;
    const trainedAtS = round2StartS + Number(second!.download_s) + Number(second!.compute_s);
    expect(uploadSlotS - trainedAtS).toBeGreaterThan(100);
    expect(Number(second!.upload_s)).toBeCloseTo(uploadSlotS - trainedAtS + upAirS + rttS / 2, 6);
  }, 60_000);
});

describe('an update already sent', () => {
  it('still arrives when its device goes offline on the one-way hop, not before its last byte', async () => {
    // One ESP32-S3 on LoRaWAN, cost-only, one round: its update leaves the device at the end of
    // its upload airtime and reaches the server half a round trip (0.51 s) later.
    const lora = (availability: string) =>
      variant((t) =>
        t
          .replace('count: 8', 'count: 1')
          .replace('profile: raspberry-pi-4', 'profile: esp32-s3')
          .replace(/ {2}- name: phones[\s\S]*?initialCharge: 50% }\n/, '')
          .replace(
            'network: { technology: wifi5, cell: ap }',
            `network: { technology: lorawan, cell: lora }${availability}`,
          )
          .replace('rounds: 4', 'rounds: 1\n  tier: cost-only')
          .replace('clientsPerRound: 4', 'clientsPerRound: 1')
          .replace('overCommit: 1.5', 'overCommit: 1'),
      );
    const always = lora('');
    await runHere(always.file, always.dir, 'r');
    const arrivedS = Number(readCsv(join(always.dir, 'r', 'rounds.csv'))[0]!.end_s);
    const lastByteS = arrivedS - (1 + 0.02) / 2; // RX1 window plus the server's 20 ms, one way

    const offlineAt = async (offlineS: number) => {
      const run = lora('\n    availability: { kind: trace, file: online.csv }');
      writeFileSync(join(run.dir, 'online.csv'), `start_s,end_s\n0,${offlineS}\n`);
      await runHere(run.file, run.dir, 'r');
      return {
        client: readCsv(join(run.dir, 'r', 'clients.csv'))[0]!,
        round: readCsv(join(run.dir, 'r', 'rounds.csv'))[0]!,
      };
    };
    const afterLastByte = await offlineAt(lastByteS + 0.25);
    expect(afterLastByte.client.outcome).toBe('aggregated');
    expect(Number(afterLastByte.round.aggregated)).toBe(1);
    expect(Number(afterLastByte.round.end_s)).toBeCloseTo(arrivedS, 9);
    const beforeLastByte = await offlineAt(lastByteS - 0.25);
    expect(beforeLastByte.client.outcome).toBe('offline');
    expect(Number(beforeLastByte.round.aggregated)).toBe(0);
  }, 60_000);
});

describe('failures are data', () => {
  it('records a run whose loss becomes NaN as failed, with the round', async () => {
    const { file, dir } = variant((t) =>
      t.replace('learningRate: 0.05, epochs: 1', 'learningRate: 1e300, epochs: 3'),
    );
    await runHere(file, dir, 'nan');
    const summary = readCsv(join(dir, 'nan', 'summary.csv'))[0]!;
    expect(summary.status).toBe('failed');
    expect(summary.failure).toMatch(/NaN in round 1/);
  }, 60_000);

  it('rejects more clients per round than the fleet has, a deadline of 0 and an unknown strategy', () => {
    const { file, dir } = variant((t) =>
      t
        .replace('clientsPerRound: 4', 'clientsPerRound: 40\n  deadline: 0 s')
        .replace('name: fedavg', 'name: fedfoo'),
    );
    let result = edgesim(['run', file], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('federated.deadline');
    writeFileSync(file, readFileSync(file, 'utf8').replace('\n  deadline: 0 s', ''));
    result = edgesim(['run', file], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'federated.clientsPerRound: more clients per round than the fleet has (12 devices) (got 40)',
    );
    expect(result.stderr).toContain(
      'unknown strategy "fedfoo"; known strategies: fedavg, fedavgm, fedprox, fedadam, fedyogi, fedadagrad, scaffold',
    );
  }, 60_000);
});
