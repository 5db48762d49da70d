import { describe, expect, it } from 'vitest';
import { TECHNOLOGIES } from '../../../src/index.js';
import { SplitRouter, type SplitView } from '../../../src/workloads/inference/placement/split.js';
import { column } from '../../helpers/tables.js';
import { handCardFile, handScenario, resolved, run } from './split-harness.js';

/*
 * The hand-built card: layers a, b, c of 10 ms each on the device (1 GFLOP/s)
 * and 1 ms each on the server (10 GFLOP/s); bytes crossing split k at fp16:
 * k = 0 the scenario's input, 100,000 B (800,000 bits); k = 1 after a,
 * 10,000 B (80,000 bits); k = 2 after b, 1,000 B (8,000 bits); k = 3 none.
 * One Ethernet cell (no loss, no radio promotion) with a 1 ms RTT, the server
 * RTT 0, and a 100 B response over the 940 Mbit/s downlink. A lone request
 * split at k < 3 takes
 *   10 ms x k + bits_k / uplink + 1 ms + 1 ms x (3 - k) + 800 / 940e6 s,
 * and at k = 3, 30 ms.
 */
const card = handCardFile();
const BITS = [800_000, 80_000, 8_000, 0];
const DOWN_S = 800 / TECHNOLOGIES.ethernet.downlinkBps;

function handLatencyS(k: number, uplinkBps: number): number {
  if (k === 3) return 0.03;
  return 0.01 * k + BITS[k]! / uplinkBps + 0.001 + 0.001 * (3 - k) + DOWN_S;
}

function splitsOf(uplink: string, extra: Parameters<typeof handScenario>[1] = { uplink }) {
  const tables = run(handScenario(card, { ...extra, uplink }));
  return {
    k: column(tables.requests, 'split_k') as number[],
    latency: column(tables.requests, 'latency_s') as number[],
    tables,
  };
}

describe('split placement on a hand-built three-layer card', () => {
  // Hand-worked costs (ms, less the common 1 ms RTT and download):
  // at 800 Mbit/s: k0 1 + 3 = 4, k1 10 + 0.1 + 2 = 12.1, k2 20.01 + 1, k3 30;
  // at 20 Mbit/s:  k0 40 + 3 = 43, k1 10 + 4 + 2 = 16, k2 20 + 0.4 + 1 = 21.4, k3 30;
  // at 2 Mbit/s:   k0 403, k1 10 + 40 + 2 = 52, k2 20 + 4 + 1 = 25, k3 30.
  it.each([
    ['800 Mbps', 800e6, 0],
    ['20 Mbps', 20e6, 1],
    ['2 Mbps', 2e6, 2],
  ])('at %s it splits where the hand-worked sum is least, and takes that sum', (uplink, bps, k) => {
    const { k: chosen, latency } = splitsOf(uplink);
    expect(chosen).toEqual([k, k, k]);
    for (const l of latency) expect(l).toBeCloseTo(handLatencyS(k, bps), 12);
    // The chosen point is the minimum of the four hand-worked sums.
    const sums = [0, 1, 2, 3].map((j) => handLatencyS(j, bps));
    expect(Math.min(...sums)).toBe(sums[k]);
  });

  it('splits.csv holds each chosen point with its mean latency and upload bytes', () => {
    const { tables } = splitsOf('20 Mbps');
    expect(tables.splits?.columns.slice(0, 6)).toEqual([
      'group',
      'split_k',
      'split_after',
      'runs',
      'upload_bytes',
      'requests',
    ]);
    expect(tables.splits?.rows).toHaveLength(1);
    const row = tables.splits!.rows[0]!;
    expect(row.slice(0, 6)).toEqual(['cams', 1, 'a', 'split', 10_000, 3]);
    expect(row[7]).toBeCloseTo(handLatencyS(1, 20e6), 12);
  });

  it('with a 10 Tbit/s uplink it sends everything to the faster server', () => {
    const { k, latency } = splitsOf('10 Tbps');
    expect(k).toEqual([0, 0, 0]);
    for (const l of latency) expect(l).toBeCloseTo(handLatencyS(0, 1e13), 12);
  });

  it('with a 10 Tbit/s uplink it keeps everything on the device when the server is slower', () => {
    const { k, latency } = splitsOf('10 Tbps', {
      uplink: '',
      serverRate: '0.5 GFLOP/s',
    });
    expect(k).toEqual([3, 3, 3]);
    for (const l of latency) expect(l).toBeCloseTo(0.03, 12);
  });

  it('with a 1 bit/s uplink it keeps everything on the device', () => {
    const { k, latency } = splitsOf('1 bps');
    expect(k).toEqual([3, 3, 3]);
    for (const l of latency) expect(l).toBeCloseTo(0.03, 12);
  });

  it('with no uplink capacity at all the router keeps everything on the device', () => {
    const r = resolved(handScenario(card, { uplink: '20 Mbps' }));
    const link = (capacity: number) => ({ capacity, activeFlows: 0 });
    const view = {
      resolved: r,
      fleet: { groupOf: Uint16Array.of(0), throughputFactor: Float64Array.of(1) },
      cells: [
        {
          technology: 'ethernet',
          uplink: link(0),
          downlink: link(940e6),
          rttS: 0.001,
          airBitsPerBit: 1,
        },
      ],
      cellOf: Uint32Array.of(0),
      servers: [{ queueLength: 0, busyWorkers: 0, workers: 1 }],
      localTimeS: () => 0.03,
      localBacklog: () => 0,
      localWorkS: () => 0,
      uploadBits: 800_000,
      downloadBits: 800,
    } as unknown as SplitView;
    const router = new SplitRouter(view, 'latency', r.split!);
    router.choose(0);
    expect(router.k).toBe(3);
    expect(router.target).toBe(-1);
  });

  it('minimising device energy at 2 Mbit/s it splits after a, where latency splits after b', () => {
    // Raspberry Pi 4: 5.0 - 1.6 = 3.4 W above idle computing; Ethernet's radio 0.4 W while moving data.
    // k0 0.4 x 0.4 s = 160 mJ; k1 3.4 x 0.01 + 0.4 x 0.04 = 50 mJ; k2 68 + 1.6 = 69.6 mJ; k3 102 mJ.
    const { k, tables } = splitsOf('2 Mbps', { uplink: '', objective: 'energy' });
    expect(k).toEqual([1, 1, 1]);
    const energyJ = tables.splits!.rows[0]![8] as number;
    expect(energyJ).toBeCloseTo(3.4 * 0.01 + 0.4 * (0.04 + DOWN_S), 12);
  });

  it('split.points limits the choice: without a, 20 Mbit/s takes the next best (b, 21.4 ms)', () => {
    const { k, latency } = splitsOf('20 Mbps', {
      uplink: '',
      split: { points: ['input', 'b', 'output'] },
    });
    expect(k).toEqual([2, 2, 2]);
    for (const l of latency) expect(l).toBeCloseTo(handLatencyS(2, 20e6), 12);
  });

  it('activations at int8 halve the bytes that cross (fp16 model)', () => {
    const { tables } = splitsOf('20 Mbps', { uplink: '', split: { activations: 'int8' } });
    expect(tables.splits!.rows[0]!.slice(1, 5)).toEqual([1, 'a', 'split', 5_000]);
  });
});

describe('early exit on the hand-built card', () => {
  /*
   * Exit after a with p = 0.9; uplink 100 Mbit/s, cell RTT 2 ms. Without the
   * exit k = 0 wins: 8 + 2 + 3 = 13 ms against k = 1: 10 + 0.8 + 2 + 2 =
   * 14.8 ms (plus the download). With it, k = 0 expects 8 + 2 + (0.1 x 3 +
   * 0.9 x 1) = 11.2 ms and k = 1 expects 0.9 x 10 (exit on the device) +
   * 0.1 x 14.8 = 10.48 ms: the split moves onto the device. A request that
   * exits there takes 10 ms; one that does not, 14.8 ms + the download.
   */
  const options = { uplink: '100 Mbps', rtt: '2 ms', requests: 40 };

  it('without the exit the request goes to the server whole', () => {
    const { k } = splitsOf('100 Mbps', options);
    expect(new Set(k)).toEqual(new Set([0]));
  });

  it('with it the split moves onto the device, and each request takes its hand-worked time', () => {
    const { k, tables } = splitsOf('100 Mbps', {
      ...options,
      split: { earlyExit: { after: 'a', probability: 0.9 } },
    });
    expect(new Set(k)).toEqual(new Set([1]));
    const exits = column(tables.requests, 'early_exit') as boolean[];
    const latency = column(tables.requests, 'latency_s') as number[];
    const placement = column(tables.requests, 'placement') as string[];
    exits.forEach((exited, i) => {
      expect(placement[i]).toBe(exited ? 'device' : 'edge');
      expect(latency[i]).toBeCloseTo(exited ? 0.01 : 0.0148 + DOWN_S, 12);
    });
    const exited = exits.filter(Boolean).length;
    expect(exited).toBeGreaterThan(30); // 40 draws at p = 0.9
    expect(exited).toBeLessThan(40);
    expect(column(tables.summary, 'split_early_exit_fraction')[0]).toBe(exited / 40);
  });

  it('an exit the server reaches ends there, after the exit layer only', () => {
    // 800 Mbit/s: everything goes to the server (k = 0); exit after b with p = 1 runs a and b there.
    const { k, latency } = splitsOf('800 Mbps', {
      uplink: '',
      split: { earlyExit: { after: 'b', probability: 1 } },
    });
    expect(k).toEqual([0, 0, 0]);
    for (const l of latency) expect(l).toBeCloseTo(0.001 + 0.001 + 0.002 + DOWN_S, 12);
  });
});
