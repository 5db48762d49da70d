import { describe, expect, it } from 'vitest';
import { layerPlan } from '../../src/fleet/layer-plan.js';
import { type DeviceCompute, inferenceTime } from '../../src/fleet/roofline.js';
import {
  type CostCard,
  conv2d,
  denseNet121,
  inceptionV1,
  join,
  maxPool,
  parallel,
  sequential,
  shuffleNetV2,
} from '../../src/ml/cost/index.js';

/**
 * Integer concatenations: a join's inputs and output share one scale, so an
 * input that another layer also reads is requantized (read and written once
 * more) even on a device that concatenates in place. Times are worked by hand
 * on a made-up device whose memory (1 MB/s) is so slow that every layer is
 * memory bound, with no calibration (every class at the achievable rate).
 */
function device(concatInPlace: boolean, layerOverheadS = 0): DeviceCompute {
  const calibration = {
    efficiency: { conv: 1, depthwise: 1, pointwise: 1, dense: 1, elementwise: 1 },
    halfOutputs: 0,
    bandwidthFactor: 1,
    layerOverheadS,
    callOverheadS: 0,
  };
  return {
    throughput: {
      fp16: { achievableFlops: 1e12, peakFlops: 1e12, sparseSpeedup: 1, calibration },
      int8: { achievableFlops: 1e12, peakFlops: 1e12, sparseSpeedup: 1, calibration },
    },
    fallback: {},
    memoryBandwidthBps: 1e6,
    ...(concatInPlace && { concatInPlace: true }),
  };
}

const pointwise = (name: string) => conv2d({ name, filters: 4, kernel: 1 });

/** a reads the input; b reads a; the join reads a (also read by b) and b (read by it alone). */
const shared: CostCard = sequential(
  'shared',
  [8, 8, 4],
  [pointwise('a'), parallel([[], [pointwise('b')]], 'concat', { name: 'join' })],
);

/** Two branches of the input, each read by the join alone. */
const exclusive: CostCard = sequential(
  'exclusive',
  [8, 8, 4],
  [parallel([[pointwise('a')], [pointwise('b')]], 'concat', { name: 'join' })],
);

/** The join alone: the slice [index of join, end). */
function joinTime(card: CostCard, dev: DeviceCompute, precision: 'fp16' | 'int8'): number {
  const from = card.layers.findIndex((l) => l.name === 'join');
  const result = inferenceTime(card, dev, precision, { layers: [from, from + 1] });
  if (!result.ok) throw new Error(result.reason);
  return result.timeS;
}

describe('integer concatenation on a device that concatenates in place', () => {
  it('requantizes the input another layer also reads: 64 x 4 int8 elements read and written', () => {
    // (256 + 256) B / 1e6 B/s; its 512 FLOPs take 0.5 ns at 1e12/s, so memory bounds it.
    expect(joinTime(shared, device(true), 'int8')).toBeCloseTo(512e-6, 15);
    expect(layerPlan(shared, 0, shared.layers.length).at(-1)).toMatchObject({
      requantizedElements: 256,
      requantizedInputs: 1,
    });
  });

  it('costs nothing in fp16, nor in int8 when every input is read by the join alone', () => {
    expect(joinTime(shared, device(true), 'fp16')).toBe(0);
    expect(joinTime(exclusive, device(true), 'int8')).toBe(0);
  });

  it('copies the whole join on a device that does not concatenate in place, as before', () => {
    // 512 elements read and 512 written, 1 B each at int8.
    expect(joinTime(shared, device(false), 'int8')).toBeCloseTo(1024e-6, 15);
    expect(joinTime(exclusive, device(false), 'int8')).toBeCloseTo(1024e-6, 15);
  });

  it('requantizes the model’s input, which keeps its own scale', () => {
    // a and a2 are read by the join alone; the input is also read by a and a2.
    const three = sequential(
      'three',
      [8, 8, 4],
      [parallel([[], [pointwise('a')], [pointwise('a2')]], 'concat', { name: 'join' })],
    );
    const plan = layerPlan(three, 0, three.layers.length);
    expect(plan.at(-1)).toMatchObject({ requantizedElements: 256, requantizedInputs: 1 });
  });

  it('dispatches one requantize kernel per input that changes scale', () => {
    // The input (read by a) and a (read by b) are also read by the join: two kernels, 512 elements.
    const two = sequential(
      'two',
      [8, 8, 4],
      [
        (input, graph) => {
          const a = pointwise('a')(input, graph);
          const b = pointwise('b')(a, graph);
          return join([input, a, b], 'concat', graph, { name: 'join' });
        },
      ],
    );
    expect(layerPlan(two, 0, two.layers.length).at(-1)).toMatchObject({
      requantizedElements: 512,
      requantizedInputs: 2,
    });
    const overhead = 1e-3;
    // (512 + 512) B at 1e6 B/s, and two dispatches.
    expect(joinTime(two, device(true, overhead), 'int8')).toBeCloseTo(1024e-6 + 2 * overhead, 15);
    expect(joinTime(shared, device(true, overhead), 'int8')).toBeCloseTo(512e-6 + overhead, 15);
  });

  it('counts a pooling layer as its input: pooling keeps its input’s scale', () => {
    // Inception's reduction block: a max pool of a map that a convolution also reads.
    const card = sequential(
      'reduction',
      [8, 8, 4],
      [
        pointwise('a'),
        parallel([[pointwise('b')], [maxPool({ pool: 3, stride: 1, padding: 'same' })]], 'concat', {
          name: 'join',
        }),
      ],
    );
    expect(layerPlan(card, 0, card.layers.length).at(-1)).toMatchObject({
      requantizedElements: 8 * 8 * 4,
      requantizedInputs: 1,
    });
  });

  it('requantizes DenseNet’s features and ShuffleNet’s pass-through halves, not Inception’s branches', () => {
    const total = (card: CostCard) =>
      layerPlan(card, 0, card.layers.length).reduce((n, l) => n + l.requantizedInputs, 0);
    // DenseNet: layer k of an n-layer block joins k inputs, all read again later (k = 2..n),
    // and the block's end joins n + 1, all but the last layer's: sum over (6, 12, 24, 16).
    const joins = (n: number) => (n * (n + 1)) / 2 - 1 + n;
    expect(total(denseNet121())).toBe(joins(6) + joins(12) + joins(24) + joins(16)); // 589
    expect(total(shuffleNetV2())).toBe(3 + 7 + 3); // one per stride-1 block
    expect(total(inceptionV1())).toBe(0);
  });
});
