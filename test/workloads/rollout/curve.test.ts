import { describe, expect, it } from 'vitest';
import { reportCharts } from '../../../src/report/choose.js';
import { rolloutCurve } from '../../../src/workloads/rollout/curve.js';
import { IMAGE_BYTES, model, records, runFile, scenarioFile } from './helpers.js';

// Four Pi 4s on one 8 Mbit/s Ethernet cell (1e6 B/s), each downloading the same image at
// once: all four end at 4 x S / C = 0.4113 s, then install in S / 20 MB/s = 5.1 ms.
const DONE_S = (4 * IMAGE_BYTES) / 1e6 + IMAGE_BYTES / 20e6;

function curveOf(seed: number) {
  const file = scenarioFile({
    duration: '1 s',
    fleet: [
      { name: 'pis', profile: 'raspberry-pi-4', count: 4, network: { technology: 'ethernet' } },
    ],
    cells: { pis: { downlink: '8 Mbps', rtt: 0, loss: 0 } },
    rollout: {
      from: { file: model('base') },
      to: { file: model('finetuned-head') },
      waves: ['100%'],
      soak: '1 h',
      sampleEvery: '100 ms',
    },
  });
  return rolloutCurve(runFile(file, seed))!;
}

describe('a rollout curve for sweeps', () => {
  it('is the share of the fleet on the new version on the grid', () => {
    const points = records(curveOf(1));
    const before = points.filter((p) => (p.time_s as number) < DONE_S);
    const after = points.filter((p) => (p.time_s as number) > DONE_S);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const p of before) expect([p.devices, p.coverage]).toEqual([0, 0]);
    for (const p of after) expect([p.devices, p.coverage]).toEqual([4, 1]);
  });

  it('draws as coverage against time in a sweep report, a line per run', () => {
    const curves = [1, 2].flatMap((seed) =>
      records(curveOf(seed)).map((p) => ({ ...p, run: seed - 1, update: 'full' })),
    );
    const table = [0, 1].map((run) => ({
      run,
      replication: run,
      update: 'full',
      bytes_total: 4 * IMAGE_BYTES,
    }));
    const charts = reportCharts(
      table,
      { title: 't', parameters: ['update'], replicationColumn: 'replication' },
      { curves },
    );
    const chart = charts.find((c) => c.name === 'coverage-vs-time')!;
    const values = (chart.spec as { data: { values: { run: string; coverage: number }[] } }).data
      .values;
    expect(new Set(values.map((v) => v.run))).toEqual(new Set(['0', '1']));
    expect(Math.max(...values.map((v) => v.coverage))).toBe(1);
    expect(charts.some((c) => c.name === 'accuracy-vs-time')).toBe(false);
  });
});
