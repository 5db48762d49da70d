import { describe, expect, it } from 'vitest';
import { IMAGE_BYTES, model, records, runFile, scenarioFile, summaryOf } from './helpers.js';

// One Ethernet cell of 8 Mbit/s = 1e6 B/s shared by every download (no loss, no round trip,
// no radio promotion on Ethernet); a Pi 4 writes 20 MB/s (its profile's storage.write).
const CAPACITY_BPS = 1e6;
const INSTALL_S = IMAGE_BYTES / 20e6;

function lan(waves: number[], soak: string, count = 10) {
  return scenarioFile({
    duration: '10 s',
    fleet: [
      {
        name: 'pis',
        profile: 'raspberry-pi-4',
        count,
        network: { technology: 'ethernet', cell: 'lan' },
      },
    ],
    cells: { lan: { downlink: '8 Mbps', rtt: 0, loss: 0 } },
    rollout: {
      from: { file: model('base') },
      to: { file: model('finetuned-head') },
      waves,
      soak,
      sampleEvery: '100 ms',
    },
  });
}

describe('rollout coverage on one shared cell', () => {
  it('n equal downloads at once all finish at n x S / C, then install', () => {
    const tables = runFile(lan([1], '1 h'));
    const doneS = (10 * IMAGE_BYTES) / CAPACITY_BPS + INSTALL_S; // 1.0283 + 0.0051 s
    const summary = summaryOf(tables);
    expect(summary.updated).toBe(10);
    expect(summary.time_to_50pct_s).toBeCloseTo(doneS, 9);
    expect(summary.time_to_100pct_s).toBeCloseTo(doneS, 9);
    expect(summary.bytes_total).toBe(10 * IMAGE_BYTES);
    const wave = records(tables.rollout!)[0]!;
    expect(wave.end_s).toBeCloseTo(doneS, 9);
    // versions.csv: nobody on the new version at 1.0 s, everybody at 1.1 s.
    const to = records(tables.versions!).filter((r) => r.version === 'to');
    expect(to.find((r) => Math.abs((r.time_s as number) - 1.0) < 1e-9)!.fraction).toBe(0);
    expect(to.find((r) => Math.abs((r.time_s as number) - 1.1) < 1e-9)!.fraction).toBe(1);
  });

  it('a second wave joining the cell mid-download shares it: processor-sharing finish times', () => {
    // Waves 40% then 100% of 10 devices, 0.2 s apart. Alone, the first 4 devices each move
    // 0.2 x C / 4 = 50,000 B by 0.2 s; then 10 share C: the first 4 finish their last
    // S - 50,000 = 52,829 B at 0.2 + 52,829 x 10 / C = 0.72829 s; the other 6 then have
    // 50,000 B left each, shared by 6: 0.72829 + 50,000 x 6 / C = 1.02829 s.
    const tables = runFile(lan([0.4, 1], '200 ms'));
    const [first, second] = records(tables.rollout!);
    const firstS = 0.2 + ((IMAGE_BYTES - 50_000) * 10) / CAPACITY_BPS;
    const secondS = firstS + (50_000 * 6) / CAPACITY_BPS;
    expect(first!.devices).toBe(4);
    expect(first!.end_s).toBeCloseTo(firstS + INSTALL_S, 9);
    expect(second!.start_s).toBeCloseTo(0.2, 12);
    expect(second!.end_s).toBeCloseTo(secondS + INSTALL_S, 9);
    expect(summaryOf(tables).time_to_100pct_s).toBeCloseTo(secondS + INSTALL_S, 9);
    // At 0.8 s the first wave (40%) is on the new version, the second is not.
    const at = records(tables.versions!).find(
      (r) => r.version === 'to' && Math.abs((r.time_s as number) - 0.8) < 1e-9,
    );
    expect(at!.fraction).toBe(0.4);
  });

  it('the same seed gives byte-identical tables', () => {
    const file = lan([0.3, 1], '200 ms');
    expect(JSON.stringify(runFile(file, 7))).toBe(JSON.stringify(runFile(file, 7)));
  });
});
