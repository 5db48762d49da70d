import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { initBackend, tf } from '../../src/ml/runtime.js';
import { registerWasmGradients, WASM_GRADIENT_KERNELS } from '../../src/ml/wasm-gradients.js';
import { relativeError } from '../helpers/relative-error.js';

/**
 * The CPU backend is the reference. Relative error of a result `a` against the
 * reference `b` is max|a − b| / max(max|b|, 1e-30). Both backends compute in
 * float32 (wasm's filter gradient is an XNNPACK sum in another order), so the
 * differences are rounding: ~1e-7 relative; the bound is 1e-4.
 */
const RELATIVE_TOLERANCE = 1e-4;

/** N(0, 1) values from a named seeded stream: the same on every backend and run. */
function normals(purpose: string, count: number): Float32Array {
  const rng = new RandomStreams(7).stream(purpose);
  return Float32Array.from({ length: count }, () => rng.normal());
}

type Pad = 'same' | 'valid';
type ConvOp = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

interface Gradients {
  dx: Float32Array;
  dw: Float32Array;
}

/**
 * Gradients of loss = Σ op(x, w) ⊙ R for seeded x, w and R, so that the
 * upstream gradient dy = R is not all ones.
 */
async function gradients(
  backend: 'cpu' | 'wasm',
  op: ConvOp,
  xShape: [number, number, number, number],
  wShape: [number, number, number, number],
): Promise<Gradients> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(normals('x', tf.util.sizeFromShape(xShape)), xShape);
    const w = tf.tensor4d(normals('w', tf.util.sizeFromShape(wShape)), wShape);
    const outShape = op(x, w).shape;
    const r = tf.tensor(normals('r', tf.util.sizeFromShape(outShape)), outShape);
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      op(a as tf.Tensor4D, b as tf.Tensor4D)
        .mul(r)
        .sum();
    const [dx, dw] = tf.grads(loss)([x, w]);
    return { dx: dx?.dataSync() as Float32Array, dw: dw?.dataSync() as Float32Array };
  });
}

async function wasmAgainstCpu(
  op: ConvOp,
  xShape: [number, number, number, number],
  wShape: [number, number, number, number],
): Promise<{ dx: number; dw: number }> {
  const reference = await gradients('cpu', op, xShape, wShape);
  const actual = await gradients('wasm', op, xShape, wShape);
  return {
    dx: relativeError(actual.dx, reference.dx),
    dw: relativeError(actual.dw, reference.dw),
  };
}

interface Case {
  kernel: 3 | 5;
  stride: 1 | 2;
  pad: Pad;
}

const CASES: Case[] = [3, 5].flatMap((kernel) =>
  [1, 2].flatMap((stride) =>
    (['same', 'valid'] as const).map((pad) => ({ kernel, stride, pad }) as Case),
  ),
);

// Odd sizes so that 'same' pads unevenly and stride 2 leaves a ragged edge.
const BATCH = 2;
const HEIGHT = 13;
const WIDTH = 11;
const CHANNELS = 3;

beforeAll(async () => {
  await initBackend('wasm');
});

afterEach(async () => {
  await tf.setBackend('wasm');
});

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(CASES)(
    'matches the CPU filter gradient: $kernel x $kernel, stride $stride, $pad',
    async ({ kernel, stride, pad }) => {
      const conv: ConvOp = (x, w) => tf.conv2d(x, w, stride, pad);
      const error = await wasmAgainstCpu(
        conv,
        [BATCH, HEIGHT, WIDTH, CHANNELS],
        [kernel, kernel, CHANNELS, 4],
      );
      expect(error.dw).toBeLessThan(RELATIVE_TOLERANCE);
    },
  );

  it.each([
    { name: 'numeric pad 1', pad: 1 as const },
    {
      name: 'explicit pads (top 2, bottom 1, left 0, right 2)',
      pad: [
        [0, 0],
        [2, 1],
        [0, 2],
        [0, 0],
      ] as tf.backend_util.ExplicitPadding,
    },
  ])('matches the CPU filter gradient with $name at stride 2', async ({ pad }) => {
    const conv: ConvOp = (x, w) => tf.conv2d(x, w, 2, pad);
    const error = await wasmAgainstCpu(conv, [BATCH, HEIGHT, WIDTH, CHANNELS], [5, 5, CHANNELS, 4]);
    expect(error.dw).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

const DEPTHWISE_CASES = CASES.flatMap((c) => [1, 2].map((multiplier) => ({ ...c, multiplier })));

describe('DepthwiseConv2dNative gradients on wasm', () => {
  it.each(DEPTHWISE_CASES)(
    'match the CPU filter and input gradients: $kernel x $kernel, stride $stride, $pad, multiplier $multiplier',
    async ({ kernel, stride, pad, multiplier }) => {
      const depthwise: ConvOp = (x, w) => tf.depthwiseConv2d(x, w, stride, pad);
      const error = await wasmAgainstCpu(
        depthwise,
        [BATCH, HEIGHT, WIDTH, CHANNELS],
        [kernel, kernel, CHANNELS, multiplier],
      );
      expect(error.dw).toBeLessThan(RELATIVE_TOLERANCE);
      expect(error.dx).toBeLessThan(RELATIVE_TOLERANCE);
    },
  );

  it('rejects a dilation the CPU reference does not implement', () => {
    const x = tf.zeros([1, 5, 5, 1]);
    const dy = tf.zeros([1, 5, 5, 1]);
    const attrs = { strides: 1, dilations: 2, pad: 'same', filterShape: [3, 3, 1, 1] };
    expect(() =>
      tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, attrs),
    ).toThrow(/dilations\(=2\) must be 1/);
    tf.dispose([x, dy]);
  });
});

/** Live tensors in the engine and data buffers in the wasm heap (incl. kernel temporaries). */
function footprint(): { numTensors: number; numBytes: number; wasmBuffers: number } {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes, wasmBuffers: tf.backend().numDataIds() };
}

describe('memory', () => {
  it('repeated gradient calls leave no tensor or wasm buffer behind', () => {
    const x = tf.tensor4d(normals('x', 2 * 13 * 11 * 3), [2, 13, 11, 3]);
    const w = tf.tensor4d(normals('w', 5 * 5 * 3 * 2), [5, 5, 3, 2]);
    const pointwise = tf.tensor4d(normals('p', 6 * 4), [1, 1, 6, 4]);
    // Exercises all three kernels: depthwise (filter + input), then conv (filter).
    const step = () =>
      tf.tidy(() => {
        const grad = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf
            .conv2d(
              tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'),
              c as tf.Tensor4D,
              1,
              'valid',
            )
            .square()
            .sum(),
        );
        for (const g of grad([x, w, pointwise])) g.dataSync();
      });
    step();
    const before = footprint();
    for (let i = 0; i < 3; i++) step();
    expect(footprint()).toEqual(before);
    tf.dispose([x, w, pointwise]);
  });
});

describe('registration', () => {
  it('registering again keeps the same kernels and warns about nothing', () => {
    const before = WASM_GRADIENT_KERNELS.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    const warn = vi.spyOn(console, 'warn');
    registerWasmGradients();
    registerWasmGradients();
    const after = WASM_GRADIENT_KERNELS.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(before.every((f) => typeof f === 'function')).toBe(true);
    expect(after).toEqual(before);
  });
});

describe('training a small CNN on wasm', () => {
  it('SGD lowers the loss and keeps the tensor count flat across steps', () => {
    const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 1],
          kernelSize: 5,
          filters: 32,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: seeded(1),
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.separableConv2d({
          kernelSize: 3,
          filters: 8,
          depthMultiplier: 2,
          padding: 'same',
          activation: 'relu',
          depthwiseInitializer: seeded(2),
          pointwiseInitializer: seeded(3),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, kernelInitializer: seeded(4) }),
      ],
    });
    const images = tf.tensor4d(normals('images', 16 * 12 * 12), [16, 12, 12, 1]);
    const rng = new RandomStreams(7).stream('labels');
    const classes = Int32Array.from({ length: 16 }, () => rng.integer(4));
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(classes, 'int32'), 4).toFloat());
    const optimizer = tf.train.sgd(0.05);
    const losses: number[] = [];
    const tensorCounts: number[] = [];
    for (let step = 0; step < 6; step++) {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(images) as tf.Tensor),
        true,
      );
      losses.push(loss?.dataSync()[0] as number);
      loss?.dispose();
      tensorCounts.push(tf.memory().numTensors);
    }
    // Fitting one fixed batch: each SGD step on it lowers its loss (small steps).
    for (let i = 1; i < losses.length; i++) {
      expect(losses[i]).toBeLessThan(losses[i - 1] as number);
    }
    // The first step may allocate the optimizer's state; later steps allocate nothing.
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    tf.dispose([images, labels]);
    optimizer.dispose();
    model.dispose();
  });
});
