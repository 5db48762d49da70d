import { describe, expect, it } from 'vitest';
import { onePi, records, resolveFile, runFile, scenarioFile } from './rollout-harness.js';

// MobileNetV2 has 3,487,816 parameters: int8 weights are 3,487,816 bytes, the image `to`
// downloads. On an 8 Mbit/s (1e6 B/s) Ethernet cell with no round trip and no radio
// promotion the download ends at 3.487816 s; a Pi 4 writes 20 MB/s (its profile's
// storage.write), so the install takes 3,487,816 / 20e6 = 0.1743908 s, ending at 3.6622068 s.
const DOWNLOAD_END_S = 3.487816;
const INSTALL_END_S = DOWNLOAD_END_S + 3_487_816 / 20e6;

describe('a rollout inside an inference run', () => {
  it('a device switches version exactly at its install end; requests meanwhile wait', () => {
    const arrivals = '1.0\n2.0\n3.55\n3.6\n5.0\n';
    const file = scenarioFile(
      onePi(
        { kind: 'trace', file: 'arrivals.csv' },
        { to: { precision: 'int8' }, sampleEvery: '10 s' },
      ),
      { 'arrivals.csv': arrivals },
    );
    const resolved = resolveFile(file);
    const [fromS, toS] = resolved.rollout!.versions.map((v) => v.deviceTimeS[0]!.timeS);
    expect(resolved.rollout!.downloadBytes[1]).toBe(3_487_816);
    expect(fromS).not.toBeCloseTo(toS!, 6);
    const tables = runFile(file);
    const wave = records(tables.rollout!)[0]!;
    expect(wave.end_s).toBeCloseTo(INSTALL_END_S, 9);
    const rows = records(tables.requests!);
    expect(rows.map((r) => r.version)).toEqual(['from', 'from', 'to', 'to', 'to']);
    // Before the install (also during the download): the old version's time, no wait.
    for (const r of rows.slice(0, 2)) {
      expect(r.service_s).toBeCloseTo(fromS!, 12);
      expect(r.latency_s).toBeCloseTo(fromS!, 12);
    }
    // Arriving during the install: it waits for the install's end, then runs the new version.
    expect(rows[2]!.queue_s).toBeCloseTo(INSTALL_END_S - 3.55, 9);
    expect(rows[2]!.service_s).toBeCloseTo(toS!, 12);
    expect(rows[2]!.latency_s).toBeCloseTo(INSTALL_END_S + toS! - 3.55, 9);
    // The next one waits behind it.
    expect(rows[3]!.latency_s).toBeCloseTo(INSTALL_END_S + 2 * toS! - 3.6, 9);
    expect(rows[4]!.latency_s).toBeCloseTo(toS!, 12);
    const versions = records(tables.versions!);
    expect(versions.find((r) => r.time_s === 0 && r.version === 'from')!.devices).toBe(1);
    expect(versions.find((r) => r.time_s === 10 && r.version === 'to')!.devices).toBe(1);
  });

  it('a faster new version lowers the p50 after the rollout, by its cost card', () => {
    // ResNet-50 to MobileNetV2 (full image), one request every 2 s: no queueing, so each
    // request's latency is its version's roofline time on the Pi 4.
    const input = onePi(
      { kind: 'periodic', interval: '2 s' },
      { to: { card: 'mobilenet-v2' }, sampleEvery: '100 s' },
      { duration: '600 s', model: { card: 'resnet-50', precision: 'fp32' } },
    );
    const file = scenarioFile(input);
    const [fromS, toS] = resolveFile(file).rollout!.versions.map((v) => v.deviceTimeS[0]!.timeS);
    const summary = records(runFile(file).summary)[0]!;
    expect(toS!).toBeLessThan(fromS! / 2);
    expect(summary.from_latency_p50_s).toBeCloseTo(fromS!, 12);
    expect(summary.to_latency_p50_s).toBeCloseTo(toS!, 12);
    expect(summary.rollout_updated).toBe(1);
    const late = records(runFile(file).versions!).filter((r) => (r.time_s as number) >= 100);
    expect(late.filter((r) => r.version === 'from').every((r) => r.requests === 0)).toBe(true);
    for (const r of late.filter((r) => r.version === 'to'))
      expect(r.latency_p50_s).toBeCloseTo(toS!, 12);
  });

  it('the same seed gives byte-identical tables', () => {
    const file = scenarioFile(
      onePi(
        { kind: 'poisson', rate: '3/s' },
        { to: { precision: 'int8', failure: { perInference: '10%' } }, sampleEvery: '5 s' },
      ),
    );
    expect(JSON.stringify(runFile(file, 7))).toBe(JSON.stringify(runFile(file, 7)));
  });
});
