import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySources } from '../../src/calibration/copies.js';
import {
  fidelityRepeatTable,
  fidelityRowTable,
  fidelitySummaryTable,
  markdownTable,
} from '../../src/calibration/fidelity-tables.js';
import {
  calibrate,
  type FidelityRow,
  fidelity,
  profileNames,
  repeatsOf,
} from '../../src/calibration/index.js';
import { measurementFile } from '../../src/calibration/measurements.js';
import { PRIORS, priorsOf } from '../../src/calibration/priors.js';
import { ProfileLibrary } from '../../src/fleet/profiles.js';
import { inferenceTime, operatorClass } from '../../src/fleet/roofline.js';
import {
  avgPool,
  conv2d,
  dense,
  depthwiseConv2d,
  MODEL_ZOO,
  parallel,
  sequential,
} from '../../src/ml/cost/index.js';
import { PACKAGE_ROOT } from '../../src/version.js';

const library = new ProfileLibrary();

/** `calibrate(name)`, run once per profile for the whole file (a fit takes seconds). */
const calibrated = (() => {
  const fits = new Map<string, ReturnType<typeof calibrate>>();
  return (name: string) => {
    if (!fits.has(name)) fits.set(name, calibrate(name));
    return fits.get(name) as ReturnType<typeof calibrate>;
  };
})();

/**
 * A device for hand-worked times: fp32 at 1e9 FLOP/s, every class but conv
 * at the rate, 2 us a kernel and 10 us a call.
 */
function handDevice(o: {
  conv: number;
  halfOutputs: number;
  bandwidthBps: number;
  halfDepth?: number;
}) {
  return {
    throughput: {
      fp32: {
        achievableFlops: 1e9,
        peakFlops: 1e9,
        sparseSpeedup: 1,
        calibration: {
          efficiency: { conv: o.conv, depthwise: 1, pointwise: 1, dense: 1, elementwise: 1 },
          halfOutputs: o.halfOutputs,
          ...(o.halfDepth !== undefined && { halfDepth: o.halfDepth }),
          bandwidthFactor: 1,
          layerOverheadS: 2e-6,
          callOverheadS: 10e-6,
        },
      },
    },
    fallback: {},
    memoryBandwidthBps: o.bandwidthBps,
  };
}
const resnet50 = MODEL_ZOO['resnet-50']!();

describe('the calibrated latency model', () => {
  it('tells standard, depthwise and pointwise convolutions and dense layers apart', () => {
    const card = sequential(
      'classes',
      [8, 8, 4],
      [
        conv2d({ filters: 4, kernel: 3 }),
        conv2d({ filters: 4, kernel: 1 }),
        depthwiseConv2d({ kernel: 3 }),
      ],
    );
    expect(card.layers.map(operatorClass)).toEqual(['conv', 'pointwise', 'depthwise']);
    const flat = sequential('flat', [16], [dense({ units: 2 })]);
    expect(operatorClass(flat.layers[0]!)).toBe('dense');
  });

  it('adds the fill, dispatch and call terms to a compute-bound layer, as worked by hand', () => {
    // One 3x3 conv, 8x8x4 -> 8x8x4: 2 x 8 x 8 x 4 x 3 x 3 x 4 = 18,432 FLOPs.
    const card = sequential('one', [8, 8, 4], [conv2d({ filters: 4, kernel: 3 })]);
    const device = handDevice({ conv: 0.5, halfOutputs: 1000, bandwidthBps: 1e15 });
    const time = inferenceTime(card, device, 'fp32', { batch: 2 });
    if (!time.ok) throw new Error(time.reason);
    // 2 x 8 x 8 x 4 = 512 outputs fill the lanes a fraction 512 / 1,512, so
    // (2 x 18,432 / 0.5) x (1 + 1,000 / 512) / 1e9 = 73,728 x 2.953125 ns
    // = 217.728 us, + 2 us per layer + 10 us per call.
    expect(time.timeS).toBeCloseTo(217.728e-6 + 2e-6 + 10e-6, 12);
    expect(time.overheadS).toBeCloseTo(12e-6, 12);
  });
  it('charges each output a fixed work, so shallow reductions run slower, as worked by hand', () => {
    // A 3x3 depthwise conv (9 MACs an output) then a 1x1 conv from 36 channels
    // (36 MACs an output), with halfDepth 9 and the fill off: the first takes
    // its FLOPs x (1 + 9 / 9), the second x (1 + 9 / 36).
    const card = sequential(
      'depths',
      [4, 4, 36],
      [depthwiseConv2d({ kernel: 3 }), conv2d({ filters: 4, kernel: 1 })],
    );
    expect(card.layers.map((l) => [l.flops, l.outputElements])).toEqual([
      [10_368, 576],
      [4_608, 64],
    ]);
    const shallow = handDevice({ conv: 1, halfOutputs: 0, bandwidthBps: 1e18, halfDepth: 9 });
    const time = inferenceTime(card, shallow, 'fp32');
    if (!time.ok) throw new Error(time.reason);
    // (10,368 x 2 + 4,608 x 1.25) / 1e9 = 26.496 us, + 2 x 2 us per layer + 10 us.
    expect(time.timeS).toBeCloseTo(26.496e-6 + 4e-6 + 10e-6, 12);
    const none = inferenceTime(
      card,
      handDevice({ conv: 1, halfOutputs: 0, bandwidthBps: 1e18 }),
      'fp32',
    );
    if (!none.ok) throw new Error(none.reason);
    expect(none.timeS).toBeCloseTo(14.976e-6 + 4e-6 + 10e-6, 12);
  });
});

describe('horizontal fusion', () => {
  const device = handDevice({ conv: 1, halfOutputs: 128, bandwidthBps: 1e18 });
  /** Two 1x1 convs (2 and 6 filters) on one 4x4x8 input, concatenated. */
  const siblings = () =>
    sequential(
      'siblings',
      [4, 4, 8],
      [
        parallel(
          [[conv2d({ filters: 2, kernel: 1 })], [conv2d({ filters: 6, kernel: 1 })]],
          'concat',
        ),
      ],
    );

  it('fills the device with the outputs of sibling pointwise convolutions together, as worked by hand', () => {
    // Two 1x1 convs on one 4x4x8 input, 2 and 6 filters, concatenated:
    // 512 and 1,536 FLOPs, 32 + 96 = 128 outputs as one kernel, so both run
    // at half the rate: (512 + 1,536) x (1 + 128 / 128) / 1e9 = 4.096 us;
    // one dispatch for the pair, one for the concat (2 us each), 10 us per call.
    const card = siblings();
    expect(card.layers.map((l) => l.flops)).toEqual([512, 1536, 0]);
    const time = inferenceTime(card, device, 'fp32');
    if (!time.ok) throw new Error(time.reason);
    expect(time.timeS).toBeCloseTo(4.096e-6 + 4e-6 + 10e-6, 12);
  });

  it('joins the branches for free on an engine that concatenates in place', () => {
    // The same card: the concat moves (32 + 96) x 2 x 4 B = 1,024 B and dispatches
    // once (2 us) when it copies; with concatInPlace it is gone, 2 us and its bytes.
    const card = siblings();
    const copying = inferenceTime(card, device, 'fp32');
    const inPlace = inferenceTime(card, { ...device, concatInPlace: true }, 'fp32');
    if (!copying.ok || !inPlace.ok) throw new Error('no estimate');
    expect(copying.timeS - inPlace.timeS).toBeCloseTo(2e-6 + 1024 / 1e18, 15);
    expect(inPlace.timeS).toBeCloseTo(4.096e-6 + 2e-6 + 10e-6, 12);
  });

  it('reads the shared input once for the fused kernel, as worked by hand', () => {
    // The same card, memory bound at 1 MB/s: conv A moves its 18 weights, the
    // 4x4x8 input and 32 outputs, (18 + 128 + 32) x 4 = 712 B; conv B, fused
    // into A's kernel, only its 54 weights and 96 outputs, 600 B (not 1,112);
    // the concat reads and writes 128 elements, 1,024 B: 2,336 B, 2.336 ms.
    const card = siblings();
    expect(card.layers.map((l) => l.params)).toEqual([18, 54, 0]);
    const slow = handDevice({ conv: 1, halfOutputs: 0, bandwidthBps: 1e6 });
    const time = inferenceTime(card, slow, 'fp32');
    if (!time.ok) throw new Error(time.reason);
    expect(time.timeS).toBeCloseTo(2.336e-3 + 4e-6 + 10e-6, 12);
    // A slice that starts at conv B leaves conv A out: B then dispatches and reads the
    // input itself, (54 + 128 + 96) x 4 = 1,112 B, + the concat's 1,024 B: 2.136 ms.
    const sliced = inferenceTime(card, slow, 'fp32', { layers: [1, 3] });
    if (!sliced.ok) throw new Error(sliced.reason);
    expect(sliced.timeS).toBeCloseTo(2.136e-3 + 4e-6 + 10e-6, 12);
  });

  it('fills the device separately when the convolutions read different tensors', () => {
    // The same two convs in a chain (8 -> 2 -> 6 channels): 512 x (1 + 128 / 32)
    // + 384 x (1 + 128 / 96) = 2,560 + 896 FLOP-times, 3.456 us; two dispatches.
    const card = sequential(
      'chain',
      [4, 4, 8],
      [conv2d({ filters: 2, kernel: 1 }), conv2d({ filters: 6, kernel: 1 })],
    );
    const time = inferenceTime(card, device, 'fp32');
    if (!time.ok) throw new Error(time.reason);
    expect(time.timeS).toBeCloseTo(3.456e-6 + 4e-6 + 10e-6, 12);
  });
});

describe('a systolic array', () => {
  it('fills by output positions, whatever the channels, as worked by hand', () => {
    // The 3x3 conv of the first test (8x8x4 -> 8x8x4, 18,432 FLOPs) on a device
    // with halfOutputs 64: by its 256 outputs it runs x (1 + 64 / 256) = 1.25,
    // 23.04 us; on a systolic array by its 64 positions, x (1 + 64 / 64) = 2,
    // 36.864 us. 2 us a layer and 10 us a call either way.
    const card = sequential('one', [8, 8, 4], [conv2d({ filters: 4, kernel: 3 })]);
    const device = handDevice({ conv: 1, halfOutputs: 64, bandwidthBps: 1e18 });
    const lanes = inferenceTime(card, device, 'fp32');
    const array = inferenceTime(card, { ...device, systolicArray: 32 }, 'fp32');
    if (!lanes.ok || !array.ok) throw new Error('no estimate');
    expect(lanes.timeS).toBeCloseTo(23.04e-6 + 12e-6, 12);
    expect(array.timeS).toBeCloseTo(36.864e-6 + 12e-6, 12);
    // A pool runs beside the array, not on it: it fills by its elements on either device.
    const pool = sequential('pool', [8, 8, 4], [avgPool({ pool: 2 })]);
    const pooled = [device, { ...device, systolicArray: 32 }].map((d) => {
      const time = inferenceTime(pool, d, 'fp32');
      if (!time.ok) throw new Error(time.reason);
      return time.timeS;
    });
    expect(pooled[1]).toBe(pooled[0]);
  });

  it('sets the fill prior at twice the array side, in positions', () => {
    const coral = library.resolve('coral-dev-board');
    expect(coral.systolicArray).toBe(64);
    expect(priorsOf(coral).halfOutputs.value).toBe(128);
    expect(priorsOf(library.resolve('phone-flagship'))).toBe(PRIORS.npu);
    expect(calibrated('coral-dev-board').fillsBy).toBe('positions');
  });

  it('keeps pointwise layers no faster than conv on a systolic array only', () => {
    // The bound's argument is the array's (priors.ts); the Hexagon NPUs are
    // not known to be one, so their calibration rows set pointwise freely.
    expect(priorsOf(library.resolve('coral-dev-board')).maxEfficiency.pointwise).toBe(1);
    expect(PRIORS.npu.maxEfficiency.pointwise).toBe(1.5);
    const flagship = calibrated('phone-flagship').fits.find((f) => f.precision === 'fp16');
    expect(flagship?.calibration.efficiency.pointwise).toBeGreaterThan(1);
  });

  it('takes a bare side from a scenario override and refuses one that is not a whole number', () => {
    expect(library.resolve('coral-dev-board', { systolicArray: 32 }).systolicArray).toBe(32);
    expect(() => library.resolve('phone-flagship', { systolicArray: 0.5 })).toThrow(
      /systolicArray/,
    );
  });
});

describe('a weight cache', () => {
  // Two dense layers of 100 -> 100 units: 10,100 parameters, 40,400 B at fp32
  // each, and (100 + 100) x 4 = 800 B of activations per sample. Arithmetic
  // at 1e18 FLOP/s takes no time worth counting (2e-14 s a layer).
  const card = sequential('two', [100], [dense({ units: 100 }), dense({ units: 100 })]);
  const device = (weightCache?: { bytes: number; streamBps: number }) => ({
    throughput: { fp32: { achievableFlops: 1e18, peakFlops: 1e18, sparseSpeedup: 1 } },
    fallback: {},
    memoryBandwidthBps: 1e9,
    ...(weightCache && { weightCache }),
  });
  const seconds = (d: ReturnType<typeof device>, batch = 1) => {
    const time = inferenceTime(card, d, 'fp32', { batch });
    if (!time.ok) throw new Error(time.reason);
    return time.timeS;
  };

  it('keeps the first weights on chip and streams the rest on every call, as worked by hand', () => {
    // A 50,000 B cache holds layer 1's 40,400 B and 9,600 B of layer 2's; the
    // other 30,800 B stream at 1 MB/s: 30.8 ms, beside 2 x 0.8 us of activations.
    const cached = device({ bytes: 50_000, streamBps: 1e6 });
    expect(seconds(cached)).toBeCloseTo(30.8e-3 + 1.6e-6, 9);
    // A batch of 4 streams the weights once and moves 4x the activations.
    expect(seconds(cached, 4)).toBeCloseTo(30.8e-3 + 6.4e-6, 9);
    // Without a cache every weight is read at the memory bandwidth: 2 x 41,200 B / 1 GB/s.
    expect(seconds(device())).toBeCloseTo(82.4e-6, 9);
  });

  it('predicts VGG-16 on the Coral Dev Board, a model the fit never saw, within 20% of Coral’s table', () => {
    // coral.ai/docs/edgetpu/benchmarks: VGG16 343 ms on the Dev Board (validation row of
    // hardware-profiles/measurements/coral-dev-board.csv); 138 MB of int8 weights, 130 of
    // them streamed through the 500 MB/s link, so streaming alone is 260 ms. The model
    // says 290 ms (0.85x).
    const time = inferenceTime(MODEL_ZOO['vgg-16']!(), library.resolve('coral-dev-board'), 'int8');
    if (!time.ok) throw new Error(time.reason);
    expect(time.memoryBoundS).toBeGreaterThan(0.26);
    expect(Math.abs(time.timeS / 0.343 - 1)).toBeLessThan(0.2);
  });
});

describe('edgesim calibrate', () => {
  it('fits all 14 profiles to their own measurements; none copies another', () => {
    expect(profileNames()).toHaveLength(14);
    for (const name of profileNames()) {
      const file = join(PACKAGE_ROOT, 'hardware-profiles', `${name}.json`);
      expect(copySources(JSON.parse(readFileSync(file, 'utf8'))).size, name).toBe(0);
      expect(existsSync(measurementFile(name)), name).toBe(true);
    }
    const elite = calibrated('phone-snapdragon-8-elite');
    expect(elite.copies.size).toBe(0);
    // hardware-profiles/measurements/phone-snapdragon-8-elite.csv: 6 fp16 and 5 int8
    // calibration rows; fp32 and int4 take the nearest fitted precision's parameters.
    expect(elite.fits.map((f) => [f.precision, f.rows])).toEqual([
      ['fp32', 0],
      ['fp16', 6],
      ['int8', 5],
      ['int4', 0],
    ]);
  });

  it.each(profileNames())('reproduces %s from its measurements exactly', (name) => {
    const result = calibrated(name);
    expect(result.fits.length + result.copies.size, name).toBeGreaterThan(0);
    expect(result.changed, `${name}: run edgesim calibrate --write`).toBe(false);
  });
});

describe('fidelity against published measurements', () => {
  const { summaries, rows, repeats } = fidelity();

  it('is what docs/fidelity.md shows, table for table', () => {
    // Regenerate with `edgesim fidelity --markdown` after a refit or new rows.
    const doc = readFileSync(join(PACKAGE_ROOT, 'docs', 'fidelity.md'), 'utf8');
    expect(doc).toContain(markdownTable(fidelitySummaryTable(summaries)));
    expect(doc).toContain(markdownTable(fidelityRepeatTable(repeats)));
    expect(doc).toContain(markdownTable(fidelityRowTable(rows)));
  });

  it('lists each configuration measured more than once, with its spread and the prediction', () => {
    // Worked by hand: 1.0 and 1.5 ms of one configuration, predicted 1.2 ms: spread 1.5,
    // ratios 1.2 and 0.8, both within 35%; 1.0 and 2.0 ms predicted 1.2: ratios 1.2 and 0.6,
    // one within. A configuration measured once, and energy rows, are not repeats.
    const row = (model: string, value: number, extra: Partial<FidelityRow> = {}): FidelityRow => ({
      profile: 'p',
      model,
      framework: 'rt',
      precision: 'int8',
      batch: 1,
      metric: 'latency_ms',
      value,
      set: 'validation',
      source: 's',
      note: '',
      line: 2,
      predicted: 1.2,
      ratio: 1.2 / value,
      stack: 'reference',
      ...extra,
    });
    const found = repeatsOf([
      row('a', 1.5),
      row('b', 2.0),
      row('a', 1.0, { set: 'calibration' }),
      row('c', 1.0),
      row('b', 1.0),
      row('a', 1.0, { metric: 'energy_uj' }),
      row('a', 3.0, { batch: 2 }),
    ]);
    expect(found.map((r) => [r.model, r.values, r.spread, r.predicted, r.within35])).toEqual([
      ['a', [1.0, 1.5], 1.5, 1.2, 2],
      ['b', [1.0, 2.0], 2, 1.2, 1],
    ]);
    // The shipped data has some: ShuffleNet V2 int8 on the S23 (0.326 and 0.629 ms).
    const s23 = repeats.find(
      (r) =>
        r.profile === 'phone-flagship' && r.model === 'shufflenet-v2' && r.precision === 'int8',
    );
    expect(s23?.values).toEqual([0.326, 0.629]);
  });

  const all = (set: string) =>
    summaries.find((s) => s.profile === 'all' && s.set === set && s.stacks === 'all')!;

  it('counts the validation pairs within 15% and beyond 35% of their measurements', () => {
    const errors = rows
      .filter((r) => r.set === 'validation' && r.metric !== 'energy_uj' && r.ratio !== undefined)
      .map((r) => Math.abs(r.ratio! - 1));
    const validation = all('validation');
    expect(validation.count).toBe(errors.length);
    expect(validation.within15).toBe(errors.filter((e) => e <= 0.15).length);
    expect(validation.beyond35).toBe(errors.filter((e) => e > 0.35).length);
    const [seen, unseen] = (['seen', 'unseen'] as const).map(
      (stacks) => summaries.find((s) => s.profile === 'all' && s.stacks === stacks)!,
    );
    expect(seen!.beyond35 + unseen!.beyond35).toBe(validation.beyond35);
  });

  it('keeps the calibration set’s median error under 15%', () => {
    expect(all('calibration').count).toBeGreaterThan(80);
    expect(all('calibration').medianErrorPct).toBeLessThan(15);
  });

  it('serves ResNet-50 int8 at batch 1 on a T4 within 30% of MLPerf v0.7 single-stream (1.09 ms p90)', () => {
    // mlcommons/inference_results_v0.7 closed/NVIDIA/results/T4x1_TRT/resnet50/SingleStream:
    // 90th percentile latency 1,086,217 ns (hardware-profiles/measurements/edge-server-t4.csv).
    const time = inferenceTime(resnet50, library.resolve('edge-server-t4'), 'int8');
    if (!time.ok) throw new Error(time.reason);
    expect(Math.abs(time.timeS / 1.086217e-3 - 1)).toBeLessThan(0.3);
  });

  it('serves ResNet-50 int8 at batch 256 on a T4 within 15% of MLPerf v0.7 offline (6,035.57/s)', () => {
    // Same results repository, T4x1_TRT resnet50 Offline: 6,035.57 samples/s at gpu_batch_size 256.
    const time = inferenceTime(resnet50, library.resolve('edge-server-t4'), 'int8', { batch: 256 });
    if (!time.ok) throw new Error(time.reason);
    expect(Math.abs(256 / time.timeS / 6035.57 - 1)).toBeLessThan(0.15);
  });

  it('was 4x too fast at batch 1 before calibration: the plain roofline on the old 50.1 TOPS', () => {
    const plain = library.resolve('edge-server-t4', {
      compute: { int8: { achievable: '50.1 TOPS', calibration: undefined } },
    });
    const int8 = plain.throughput.int8!;
    const time = inferenceTime(
      resnet50,
      { ...plain, throughput: { int8: { ...int8, calibration: undefined } } },
      'int8',
    );
    if (!time.ok) throw new Error(time.reason);
    expect(1.086217e-3 / time.timeS).toBeGreaterThan(4);
  });
});
