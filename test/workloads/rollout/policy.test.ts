import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeDelta } from '../../../src/compression/model-delta.js';
import { IMAGE_BYTES, model, records, runFile, scenarioFile, summaryOf } from './helpers.js';

const fleet = [
  { name: 'cams', profile: 'raspberry-pi-4', count: 20, network: { technology: 'wifi5' } },
  { name: 'phones', profile: 'phone-midrange', count: 30, network: { technology: 'lte' } },
];
const versions = { from: { file: model('base') }, to: { file: model('finetuned-full') } };

describe('rollout network policy, windows and deltas', () => {
  it('unmetered-only: devices on LTE never download, and are counted as metered', () => {
    const tables = runFile(
      scenarioFile({ duration: '1 h', fleet, rollout: { ...versions, network: 'unmetered-only' } }),
    );
    const summary = summaryOf(tables);
    expect(summary.updated).toBe(20);
    expect(summary.never_downloaded_metered).toBe(30);
    expect(summary.bytes_total).toBe(20 * IMAGE_BYTES);
    expect(records(tables.rollout!)[0]!.blocked).toBe(30);
  });

  it('with any network every device downloads', () => {
    const summary = summaryOf(runFile(scenarioFile({ duration: '1 h', fleet, rollout: versions })));
    expect(summary.updated).toBe(50);
    expect(summary.never_downloaded_metered).toBe(0);
  });

  it('downloads start only inside the window', () => {
    const tables = runFile(
      scenarioFile({
        duration: '4 h',
        fleet,
        rollout: { ...versions, windows: [{ from: '02:00', to: '03:00' }] },
      }),
    );
    const wave = records(tables.rollout!)[0]!;
    expect(wave.start_s).toBe(0);
    expect(wave.end_s as number).toBeGreaterThan(7200);
    const to = records(tables.versions!).filter((r) => r.version === 'to');
    expect(to.find((r) => r.time_s === 7200)!.devices).toBe(0);
    expect(summaryOf(tables).updated).toBe(50);
  });

  it('a delta update sends the measured delta, not the image', () => {
    const delta = encodeDelta(
      new Uint8Array(readFileSync(model('base'))),
      new Uint8Array(readFileSync(model('finetuned-full'))),
    ).length;
    const summary = summaryOf(
      runFile(scenarioFile({ duration: '1 h', fleet, rollout: { ...versions, update: 'delta' } })),
    );
    expect(summary.update_bytes).toBe(delta);
    expect(summary.delta_ratio).toBeCloseTo(delta / IMAGE_BYTES, 12);
    expect(summary.bytes_total).toBe(50 * delta);
  });
});
