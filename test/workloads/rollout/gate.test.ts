import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { waveBounds, wavePermutation } from '../../../src/workloads/rollout-plan.js';
import { IMAGE_BYTES, model, records, runFile, scenarioFile, summaryOf } from './helpers.js';

const COUNT = 100;
const WAVES = [0.1, 0.3, 0.6, 1];
const PER_HOUR = 0.2;
const BOUND = 0.2;
const SOAK_S = 3600;
// Each device alone on an 8 Mbit/s Ethernet cell: download S x 8 / 8e6 s, install S / 20 MB/s.
const READY_S = (IMAGE_BYTES * 8) / 8e6 + IMAGE_BYTES / 20e6;

function gated(action: 'pause' | 'rollback', seed: number) {
  return scenarioFile({
    seed,
    duration: '6 h',
    fleet: [
      {
        name: 'pis',
        profile: 'raspberry-pi-4',
        count: COUNT,
        network: { technology: 'ethernet', cell: 'lan', devicesPerCell: 1 },
      },
    ],
    cells: { lan: { downlink: '8 Mbps', rtt: 0, loss: 0 } },
    rollout: {
      from: { file: model('base') },
      to: { file: model('finetuned-head'), failure: { perHour: PER_HOUR } },
      waves: WAVES,
      soak: '1 h',
      gate: { maxFailureRate: BOUND, action },
    },
  });
}

/**
 * The failure rates the gate must see, worked out from the same draws: wave k's devices
 * (the seeded permutation) run the new version from k h + READY_S; device d fails E_d / lambda
 * later, E_d its Exp(1) draw (the d-th of stream `rollout-failure`, `1/pis`),
 * lambda = -ln(1 - 0.2) / 3600 s.
 */
function expectedRates(seed: number): number[] {
  const streams = new RandomStreams(seed);
  const order = wavePermutation(COUNT, streams.stream('rollout-waves'));
  const bounds = waveBounds(WAVES, COUNT);
  const lambda = -Math.log(1 - PER_HOUR) / 3600;
  const clock = streams.stream('rollout-failure', '1/pis');
  const unit = Float64Array.from({ length: COUNT }, () => clock.exponential(1));
  return WAVES.map((_, k) => {
    let failed = 0;
    const first = k === 0 ? 0 : bounds[k - 1]!;
    for (let i = first; i < bounds[k]!; i++) {
      const d = order[i]!;
      const afterS = unit[d]! / lambda;
      if (READY_S + afterS <= SOAK_S) failed++;
    }
    return failed / (bounds[k]! - first);
  });
}

describe('the health gate', () => {
  // Seed 1's rates (expectedRates): 1/10, 1/20, 7/30 = 0.233 (stops), 9/40; so the gate
  // stops at wave 3.
  const SEED = 1;

  it('pauses at the first wave whose observed failure rate exceeds the bound', () => {
    const rates = expectedRates(SEED);
    const stop = rates.findIndex((r) => r > BOUND);
    expect(rates.slice(0, 3)).toEqual([0.1, 0.05, 7 / 30]);
    expect(stop).toBe(2);
    const waves = records(runFile(gated('pause', SEED)).rollout!);
    waves.forEach((wave, k) => {
      if (k <= stop) expect(wave.failure_rate).toBeCloseTo(rates[k]!, 12);
      expect(wave.gate).toBe(k < stop ? 'passed' : k === stop ? 'paused' : 'not started');
    });
    expect(waves[stop + 1]?.start_s ?? null).toBeNull();
  });

  it('rolls the failing wave back to the old version, and only that wave', () => {
    const rates = expectedRates(SEED);
    const stop = rates.findIndex((r) => r > BOUND);
    const tables = runFile(gated('rollback', SEED));
    const waves = records(tables.rollout!);
    expect(waves[stop]!.gate).toBe('rolled back');
    expect(waves[stop]!.updated_at_end).toBe(0);
    for (let k = 0; k < stop; k++) expect(waves[k]!.updated_at_end).toBe(waves[k]!.devices);
    // The rolled-back wave downloaded the new image and then the old one again.
    expect(waves[stop]!.bytes).toBe(2 * IMAGE_BYTES * (waves[stop]!.devices as number));
    const summary = summaryOf(tables);
    expect(summary.stopped_at_wave).toBe(stop + 1);
    expect(summary.gate_action).toBe('rolled back');
  });
});
