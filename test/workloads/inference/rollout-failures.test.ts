import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { model, onePi, records, resolveFile, runFile, scenarioFile } from './rollout-harness.js';

/** A fleet of `count` Pi 4s on Ethernet, each asking every `interval`, under `rollout`. */
function fleet(count: number, interval: string, rollout: Record<string, unknown>) {
  const input = onePi({ kind: 'periodic', interval }, rollout, { duration: '400 s' });
  input.fleet[0]!.count = count;
  input.cells.lan.downlink = '1 Gbps';
  input.outputs.requests = 'never';
  return input;
}

describe('a bad build inside an inference run', () => {
  it('perInference = p fails about p of the new version requests (binomial bound)', () => {
    const p = 0.2;
    const tables = runFile(
      scenarioFile(fleet(20, '1 s', { to: { precision: 'int8', failure: { perInference: p } } })),
    );
    const summary = records(tables.summary)[0]!;
    const n = summary.to_requests as number;
    const failed = summary.to_failed_model_error as number;
    expect(n).toBeGreaterThan(7000);
    // Four standard deviations of a binomial(n, p) share.
    expect(Math.abs(failed / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect(summary.from_failed_model_error).toBe(0);
    expect(summary.failed_model_error).toBe(failed);
  });

  it('the gate stops at the first wave whose failure rate exceeds its bound', () => {
    // A build failing 30% of requests, at one request a second: a device of wave 1 (5 of
    // 100) fails on it within a 60 s soak with probability 1 - 0.7^60 (about 1), far over a
    // 50% bound: the gate pauses at wave 1 and no later wave starts. One failing 1 request
    // in 1,000 fails a device within the soak with probability 1 - 0.999^60 = 5.8%: every
    // wave passes (the seed is fixed, so this is exact, not a chance).
    const bad = fleet(100, '1 s', {
      to: { precision: 'int8', failure: { perInference: 0.3 } },
      waves: [0.05, 0.5, 1],
      soak: '60 s',
      gate: { maxFailureRate: 0.5, action: 'pause' },
    });
    const waves = records(runFile(scenarioFile(bad)).rollout!);
    const stop = waves.findIndex((w) => w.gate === 'paused');
    expect(stop).toBe(0);
    expect(waves[0]!.failure_rate as number).toBeGreaterThan(0.5);
    expect(waves.slice(1).every((w) => w.gate === 'not started')).toBe(true);
    // A passing build goes through every wave, each gate at or under its bound.
    const fine = fleet(100, '1 s', {
      to: { precision: 'int8', failure: { perInference: 0.001 } },
      waves: [0.05, 0.5, 1],
      soak: '60 s',
      gate: { maxFailureRate: 0.5, action: 'pause' },
    });
    const passed = records(runFile(scenarioFile(fine)).rollout!);
    expect(passed.map((w) => w.gate)).toEqual(['passed', 'passed', 'passed']);
    for (const w of passed) expect(w.failure_rate as number).toBeLessThanOrEqual(0.5);
  });

  it('a device whose model failed (perHour) fails its requests until it changes version', () => {
    // perHour = 100%: the hazard is infinite, so the device's model fails the moment it
    // installs the new version; every later request of it fails with model-error.
    const file = scenarioFile(
      onePi(
        { kind: 'periodic', interval: '1 s' },
        { to: { precision: 'int8', failure: { perHour: 1 } }, sampleEvery: '10 s' },
      ),
    );
    const rows = records(runFile(file).requests!);
    for (const r of rows) expect(r.outcome).toBe(r.version === 'to' ? 'model-error' : 'completed');
    expect(rows.filter((r) => r.version === 'to').length).toBeGreaterThan(10);
  });
});

/** The problems an InputError lists, as `path: message`. */
function problemsOf(input: Record<string, unknown>): string[] {
  try {
    resolveFile(scenarioFile(input));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('rollout input refused', () => {
  const arrivals = { kind: 'periodic', interval: '1 s' };

  it('a delta to a card of another architecture than the model', () => {
    const problems = problemsOf(
      onePi(arrivals, {
        from: { file: model('base') },
        to: { card: 'resnet-50', file: model('finetuned-full') },
        update: 'delta',
      }),
    );
    expect(problems.join('\n')).toMatch(
      /workload\.inference\.rollout\.to\.card: a delta needs one architecture; card "resnet-50"/,
    );
  });

  it('a delta between files of different architectures, or without files', () => {
    const other = problemsOf(
      onePi(arrivals, {
        from: { file: model('base') },
        to: { file: model('other-arch') },
        update: 'delta',
      }),
    );
    expect(other.join('\n')).toMatch(/rollout\.to\.file: no delta between models of different/);
    const none = problemsOf(onePi(arrivals, { to: { precision: 'int8' }, update: 'delta' }));
    expect(none.join('\n')).toMatch(/rollout\.from\.file: a delta is measured between two \.edgm/);
  });

  it('cellCap on LoRaWAN, modelDownload, a missing file and waves not ending at 100%', () => {
    const input = onePi(arrivals, { to: { file: 'missing.edgm' }, cellCap: '1 Mbps' });
    input.workload.inference = { ...input.workload.inference, modelDownload: true } as never;
    input.fleet[0]!.network.technology = 'lorawan';
    const problems = problemsOf(input).join('\n');
    expect(problems).toMatch(/rollout\.cellCap: group cams is on lorawan, whose duty-cycled/);
    expect(problems).toMatch(/modelDownload: a rollout starts from devices/);
    expect(problems).toMatch(/rollout\.to\.file: model file not found/);
    expect(() =>
      resolveFile(scenarioFile(onePi(arrivals, { to: { precision: 'int8' }, waves: [0.5] }))),
    ).toThrow(/the last wave must be 100% of the fleet/);
  });
});
