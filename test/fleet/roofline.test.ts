import { describe, expect, it } from 'vitest';
import {
  type ComputeEstimate,
  type DeviceCompute,
  type InferenceTimeResult,
  inferenceTime,
  resolvePrecision,
} from '../../src/fleet/roofline.js';
import { splitPoints } from '../../src/fleet/split-points.js';
import {
  type CostCard,
  conv2d,
  fedAvgCnn,
  makeCard,
  residual,
  resNet50,
  sequential,
} from '../../src/ml/cost/index.js';

/** One layer: 8 GFLOP, 1 M weights, 1,000 elements in and out. */
const oneLayer: CostCard = makeCard(
  'one-layer',
  [1000],
  [
    {
      name: 'mm',
      kind: 'dense',
      flops: 8e9,
      params: 1e6,
      inputElements: 1000,
      outputElements: 1000,
      outputShape: [1000],
    },
  ],
);

/** A made-up device: fp32 at 1 TFLOP/s, int8 at 4 TOP/s, memory at `bandwidth` bytes/s. */
function device(bandwidth: number, sparseSpeedup = 1): DeviceCompute {
  return {
    throughput: {
      fp32: { achievableFlops: 1e12, peakFlops: 2e12, sparseSpeedup: 1 },
      int8: { achievableFlops: 4e12, peakFlops: 8e12, sparseSpeedup },
    },
    fallback: { int4: 'int8' },
    memoryBandwidthBps: bandwidth,
  };
}

function ok(result: InferenceTimeResult): ComputeEstimate {
  if (!result.ok) throw new Error(`expected an estimate, got: ${result.reason}`);
  return result;
}

describe('inferenceTime on one layer', () => {
  it('is compute bound when the bytes are cheap', () => {
    // compute 8e9 / 1e12 = 8 ms; memory (1e6 + 2e3) x 4 B / 1e10 B/s = 0.4008 ms
    const estimate = ok(inferenceTime(oneLayer, device(1e10), 'fp32'));
    expect(estimate.timeS).toBeCloseTo(8e-3, 12);
    expect(estimate.computeBoundS).toBeCloseTo(8e-3, 12);
    expect(estimate.memoryBoundS).toBeCloseTo(4.008e-4, 12);
    expect(estimate.boundBy).toBe('compute');
  });

  it('is memory bound when the bandwidth is low', () => {
    // memory 4.008e6 B / 1e8 B/s = 40.08 ms > compute 8 ms
    const estimate = ok(inferenceTime(oneLayer, device(1e8), 'fp32'));
    expect(estimate.timeS).toBeCloseTo(4.008e-2, 12);
    expect(estimate.boundBy).toBe('memory');
  });

  it('sums max(compute, memory) per layer, not max of the sums', () => {
    // Layer a: compute 1 s, memory 0; layer b: compute 0, memory 1 s. Sum of maxima 2 s; maxima of sums would be 1 s.
    const card = makeCard(
      'two',
      [1],
      [
        {
          name: 'a',
          kind: 'dense',
          flops: 1e12,
          params: 0,
          inputElements: 0,
          outputElements: 0,
          outputShape: [1],
        },
        {
          name: 'b',
          kind: 'add',
          flops: 0,
          params: 0,
          inputElements: 1e9,
          outputElements: 0,
          outputShape: [1],
        },
      ],
    );
    expect(ok(inferenceTime(card, device(4e9), 'fp32')).timeS).toBeCloseTo(2, 12);
  });
});

describe('precision', () => {
  it('runs int4 as int8 on a device whose profile falls back, moving int8 bytes', () => {
    // int8: compute 8e9 / 4e12 = 2 ms; memory 1.002e6 B / 1e8 = 10.02 ms
    const estimate = ok(inferenceTime(oneLayer, device(1e8), 'int4'));
    expect(estimate).toMatchObject({ precision: 'int8', fellBack: true });
    expect(estimate.timeS).toBeCloseTo(1.002e-2, 12);
  });

  it('follows a chain int4 -> int8 -> fp16', () => {
    const chained: DeviceCompute = {
      throughput: { fp16: { achievableFlops: 1e12, peakFlops: 1e12, sparseSpeedup: 1 } },
      fallback: { int4: 'int8', int8: 'fp16' },
      memoryBandwidthBps: 1e9,
    };
    expect(resolvePrecision(chained, 'int4')).toEqual({
      ok: true,
      precision: 'fp16',
      fellBack: true,
    });
  });

  it('rejects an unsupported precision without fallback, naming it and what the device supports', () => {
    const result = inferenceTime(oneLayer, device(1e9), 'fp16');
    expect(result).toEqual({
      ok: false,
      reason: 'device does not support fp16 and has no fallback for it; it supports fp32, int8',
      cause: 'precision',
    });
  });

  it('rejects a fallback chain that loops', () => {
    const looping: DeviceCompute = {
      throughput: {},
      fallback: { int4: 'int8', int8: 'int4' },
      memoryBandwidthBps: 1e9,
    };
    const result = resolvePrecision(looping, 'int4');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(
      'fallback chain for int4 loops (int4 -> int8 -> int4); the device supports no precision',
    );
  });

  it('does not fall back when the precision is supported', () => {
    expect(resolvePrecision(device(1e9), 'int8')).toEqual({
      ok: true,
      precision: 'int8',
      fellBack: false,
    });
  });
});

describe('sparsity', () => {
  it('speeds the arithmetic by 1 / (1 - sparsity) on a device with sparse support', () => {
    // 30% zeros: 2 ms x 0.7 = 1.4 ms (memory 1.002e6 / 1e12 ~ 1 us)
    expect(
      ok(inferenceTime(oneLayer, device(1e12, 2), 'int8', { sparsity: 0.3 })).computeBoundS,
    ).toBeCloseTo(1.4e-3, 12);
  });

  it('caps the speed-up at the device’s sparseSpeedup (2:4 gives at most 2x)', () => {
    // 75% zeros would be 4x; capped at 2x: 2 ms / 2 = 1 ms
    expect(
      ok(inferenceTime(oneLayer, device(1e12, 2), 'int8', { sparsity: 0.75 })).computeBoundS,
    ).toBeCloseTo(1e-3, 12);
  });

  it('gives nothing on a device without sparse support', () => {
    expect(
      ok(inferenceTime(oneLayer, device(1e12, 1), 'int8', { sparsity: 0.75 })).computeBoundS,
    ).toBeCloseTo(2e-3, 12);
  });

  it('leaves layers without weights alone', () => {
    const addOnly = makeCard(
      'add',
      [1],
      [
        {
          name: 'add',
          kind: 'add',
          flops: 4e9,
          params: 0,
          inputElements: 0,
          outputElements: 0,
          outputShape: [1],
        },
      ],
    );
    expect(
      ok(inferenceTime(addOnly, device(1e12, 2), 'int8', { sparsity: 0.5 })).computeBoundS,
    ).toBeCloseTo(1e-3, 12);
  });
});

describe('batching', () => {
  it('multiplies FLOPs and activation bytes by the batch but reads the weights once', () => {
    // batch 4 at fp32: compute 4 x 8 ms = 32 ms; memory (1e6 + 4 x 2e3) x 4 B / 1e8 = 40.32 ms
    const estimate = ok(inferenceTime(oneLayer, device(1e8), 'fp32', { batch: 4 }));
    expect(estimate.computeBoundS).toBeCloseTo(3.2e-2, 12);
    expect(estimate.memoryBoundS).toBeCloseTo(4.032e-2, 12);
    expect(estimate.timeS).toBeCloseTo(4.032e-2, 12);
  });
});

describe('slices', () => {
  it('sum to the whole model at every split', () => {
    const card = resNet50();
    const whole = ok(inferenceTime(card, device(68e9), 'int8'));
    for (let k = 0; k <= card.layers.length; k += 7) {
      const head = ok(inferenceTime(card, device(68e9), 'int8', { layers: [0, k] }));
      const tail = ok(
        inferenceTime(card, device(68e9), 'int8', { layers: [k, card.layers.length] }),
      );
      expect(head.timeS + tail.timeS).toBeCloseTo(whole.timeS, 12);
    }
  });

  it('rejects a slice out of range', () => {
    expect(() => inferenceTime(oneLayer, device(1e9), 'fp32', { layers: [0, 2] })).toThrow(
      /0 <= from <= to <= 1 \(got \[0, 2\]\)/,
    );
  });

  it('rejects sparsity of 1 and a batch of 0', () => {
    expect(() => inferenceTime(oneLayer, device(1e9), 'fp32', { sparsity: 1 })).toThrow(
      /sparsity must be in \[0, 1\) \(got 1\)/,
    );
    expect(() => inferenceTime(oneLayer, device(1e9), 'fp32', { batch: 0 })).toThrow(
      /batch must be a positive integer \(got 0\)/,
    );
  });
});

describe('splitPoints', () => {
  it('sends the input at k = 0, the output of layer k - 1 in a chain, and the result at k = n', () => {
    const points = splitPoints(fedAvgCnn(), 'int8');
    expect(points).toHaveLength(8);
    expect(points[0]).toMatchObject({ k: 0, lastDeviceLayer: null, bytes: 28 * 28 });
    expect(points[2]).toMatchObject({ lastDeviceLayer: 'pool1', bytes: 14 * 14 * 32 });
    expect(points[7]).toMatchObject({ lastDeviceLayer: 'fc2', bytes: 10 });
  });

  it('sends the shortcut too when the split falls inside a residual block', () => {
    const card = sequential(
      'res',
      [4, 4, 2],
      [
        conv2d({ name: 'stem', filters: 8, kernel: 1 }),
        residual([
          conv2d({ name: 'a', filters: 8, kernel: 1 }),
          conv2d({ name: 'b', filters: 8, kernel: 1 }),
        ]),
      ],
    );
    // After `a`: a's output and stem's output (the shortcut) both cross: 2 x 4*4*8 elements x 2 B
    const afterA = splitPoints(card, 'fp16')[2];
    expect(afterA?.tensors.map((t) => t.producer)).toEqual(['stem', 'a']);
    expect(afterA?.bytes).toBe(2 * 128 * 2);
  });

  it('scales with the batch', () => {
    expect(splitPoints(fedAvgCnn(), 'fp32', { batch: 3 })[0]?.bytes).toBe(3 * 784 * 4);
  });
});

describe('sanity against a measurement', () => {
  /*
   * T4 int8, ResNet-50 v1.5, MLPerf v0.7 offline: 6,112 img/s per GPU. The
   * profile's 50 TOPS "achievable" is itself 6,112 img/s x 8.2 GOP, so the
   * compute term alone reproduces the measurement by construction; what this
   * checks is that our FLOP count matches the 8.2 GOP it was derived with,
   * and how much the memory term (activations streamed at 320 GB/s, no
   * on-chip reuse between layers) then slows it. It can only be slower, and
   * comes out at ~4,420 img/s at batch 64: 0.72x, within the 2x asked.
   */
  const t4: DeviceCompute = {
    throughput: { int8: { achievableFlops: 50e12, peakFlops: 130e12, sparseSpeedup: 1 } },
    fallback: {},
    memoryBandwidthBps: 320e9,
  };

  it('ResNet-50 int8 at batch 64 on a T4-like device is within 2x of 6,112 img/s, and not faster', () => {
    const estimate = ok(inferenceTime(resNet50(), t4, 'int8', { batch: 64 }));
    expect((64 * 8.2e9) / 50e12 / estimate.computeBoundS).toBeCloseTo(1, 2);
    const imagesPerS = 64 / estimate.timeS;
    expect(imagesPerS).toBeGreaterThan(6112 / 2);
    expect(imagesPerS).toBeLessThanOrEqual(6112 * 1.01);
  });
});
