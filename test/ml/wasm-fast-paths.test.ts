import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { initBackend, tf } from '../../src/ml/runtime.js';
import {
  registerWasmFastPaths,
  replacedKernel,
  WASM_FAST_PATH_KERNELS,
} from '../../src/ml/wasm-fast-paths.js';
import { relativeError } from '../helpers/relative-error.js';

/**
 * The CPU backend is the reference. Relative error of a result `a` against
 * the reference `b` is max|a − b| / max(max|b|, 1e-30). Both backends compute
 * in float32 and only sum in different orders, so the differences are
 * rounding (~1e-7 relative); the bound is 1e-4.
 */
const RELATIVE_TOLERANCE = 1e-4;

/** A tensor of N(0, 1) values from a named seeded stream: the same on every backend. */
function normals(purpose: string, shape: number[]): tf.Tensor {
  const rng = new RandomStreams(11).stream(purpose);
  const values = Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal());
  return tf.tensor(values, shape);
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The relative error of `compute` on wasm against the same computation on cpu. */
async function wasmAgainstCpu(compute: () => tf.Tensor): Promise<number> {
  await tf.setBackend('cpu');
  const reference = tf.tidy(compute).dataSync() as Float32Array;
  await tf.setBackend('wasm');
  const actual = tf.tidy(compute).dataSync() as Float32Array;
  return relativeError(actual, reference);
}

beforeAll(async () => {
  await initBackend('wasm');
});

afterEach(async () => {
  await tf.setBackend('wasm');
});

interface MatMulCase {
  name: string;
  aShape: number[];
  bShape: number[];
  transposeA: boolean;
  transposeB: boolean;
}

/** Fast path: one matrix pair with a transpose flag, or without one the first time b is seen. */
const FAST_MATMULS: MatMulCase[] = [
  // Dense-layer backprop of the FedAvg 2NN's first layer at batch 32.
  { name: 'dW = xᵀ·dy', aShape: [32, 784], bShape: [32, 200], transposeA: true, transposeB: false },
  {
    name: 'dx = dy·Wᵀ',
    aShape: [32, 200],
    bShape: [784, 200],
    transposeA: false,
    transposeB: true,
  },
  { name: 'both flags', aShape: [20, 7], bShape: [9, 20], transposeA: true, transposeB: true },
  // The first layer's forward product in training: b, new, is not packed.
  { name: 'x·W', aShape: [10, 784], bShape: [784, 200], transposeA: false, transposeB: false },
  {
    name: '3-D, batch 1',
    aShape: [1, 13, 7],
    bShape: [1, 5, 13],
    transposeA: true,
    transposeB: true,
  },
];

/** Handed to the original kernel: batched products. */
const ORIGINAL_MATMULS: MatMulCase[] = [
  {
    name: 'batched, xᵀ',
    aShape: [3, 7, 5],
    bShape: [3, 7, 4],
    transposeA: true,
    transposeB: false,
  },
  {
    name: 'batched, yᵀ',
    aShape: [3, 5, 7],
    bShape: [3, 4, 7],
    transposeA: false,
    transposeB: true,
  },
  {
    name: 'broadcast a over the batch',
    aShape: [1, 7, 5],
    bShape: [3, 4, 7],
    transposeA: true,
    transposeB: true,
  },
  {
    name: 'broadcast b over the batch',
    aShape: [3, 5, 7],
    bShape: [1, 4, 7],
    transposeA: false,
    transposeB: true,
  },
];

function matMulOf({ aShape, bShape, transposeA, transposeB }: MatMulCase): () => tf.Tensor {
  return () => tf.matMul(normals('a', aShape), normals('b', bShape), transposeA, transposeB);
}

describe('BatchMatMul on wasm', () => {
  it.each([...FAST_MATMULS, ...ORIGINAL_MATMULS])('matches the CPU product: $name', async (c) => {
    expect(await wasmAgainstCpu(matMulOf(c))).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('gives zeros for an empty summed axis (an empty sum), though XNNPACK rejects it', () => {
    const product = tf.tidy(() => tf.matMul(tf.ones([0, 5]), tf.ones([0, 3]), true, false));
    expect(product.shape).toEqual([5, 3]);
    expect(Array.from(product.dataSync())).toEqual(new Array(15).fill(0));
    product.dispose();
  });

  it('never lets a reshaped view of a buffer hit the packing of its other shape', async () => {
    // a larger than b: the product goes to the backend, which packs b as 6 x 4
    // under b's buffer; the same buffer viewed as 8 x 3 must not reuse it.
    const compute = () => {
      const b = normals('b', [6, 4]);
      tf.matMul(normals('a', [30, 6]), b).dataSync();
      return tf.matMul(normals('c', [5, 8]), b.reshape([8, 3]));
    };
    expect(await wasmAgainstCpu(compute)).toBeLessThan(RELATIVE_TOLERANCE);
  });

  it('leaves no packed operand cached under a caller tensor', async () => {
    // The backend caches XNNPACK's packed b under b's id, ignoring its shape.
    // Had the transposed product cached b as a 6 x 4 operand, the later
    // untransposed product with the same data viewed as 8 x 3 would reuse it.
    const compute = () => {
      const b = normals('b', [6, 4]);
      tf.matMul(normals('a', [6, 5]), b, true, false).dataSync();
      return tf.matMul(normals('c', [5, 8]), b.reshape([8, 3]));
    };
    expect(await wasmAgainstCpu(compute)).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

describe('_FusedMatMul on wasm', () => {
  it.each([
    { transposeA: true, transposeB: false },
    { transposeA: false, transposeB: true },
    { transposeA: true, transposeB: true },
  ])(
    'matches the CPU product with bias and relu: transposeA $transposeA, transposeB $transposeB',
    async ({ transposeA, transposeB }) => {
      const fused = () =>
        tf.fused.matMul({
          a: normals('a', transposeA ? [30, 16] : [16, 30]),
          b: normals('b', transposeB ? [12, 30] : [30, 12]),
          transposeA,
          transposeB,
          bias: normals('bias', [12]),
          activation: 'relu',
        });
      expect(await wasmAgainstCpu(fused)).toBeLessThan(RELATIVE_TOLERANCE);
    },
  );
});

type Pad = tf.Conv2DBackpropInputAttrs['pad'];

interface ConvCase {
  kernel: number;
  stride: number;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
}

const EXPLICIT_PAD: tf.backend_util.ExplicitPadding = [
  [0, 0],
  [2, 1],
  [0, 2],
  [0, 0],
];

// Odd sizes so that 'same' pads unevenly and stride 2 leaves a ragged edge.
const IN_SHAPE: [number, number, number, number] = [2, 13, 11, 3];
const OUT_CHANNELS = 4;

/** dx of a conv2d with these attributes for a seeded dy and filter, via the kernel itself. */
function inputGradient({ kernel, stride, pad, dataFormat = 'NHWC' }: ConvCase): () => tf.Tensor {
  return () => {
    const [n, h, w, c] = IN_SHAPE;
    const inputShape: [number, number, number, number] =
      dataFormat === 'NHWC' ? IN_SHAPE : [n, c, h, w];
    const filterShape: [number, number, number, number] = [kernel, kernel, c, OUT_CHANNELS];
    const layout = dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst';
    const forward = tf.backend_util.computeConv2DInfo(
      inputShape,
      filterShape,
      stride,
      1,
      pad,
      undefined,
      false,
      layout,
    );
    const filter = normals('filter', filterShape);
    const dy = normals('dy', forward.outShape);
    const attrs = { strides: stride, pad, dataFormat, inputShape };
    return tf
      .engine()
      .runKernel(
        tf.Conv2DBackpropInput,
        { dy, filter },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
  };
}

/** Fast path: NHWC at stride 1 (a correlation) or 2 (on a dilated dy). */
const FAST_CONVS: ConvCase[] = [3, 5].flatMap((kernel) =>
  [1, 2].flatMap((stride) =>
    (['same', 'valid', 1, EXPLICIT_PAD] as const).map((pad) => ({ kernel, stride, pad })),
  ),
);

/** Handed to the original kernel. */
const ORIGINAL_CONVS: (ConvCase & { name: string })[] = [
  { name: 'stride 3', kernel: 3, stride: 3, pad: 'same' },
  { name: 'NCHW', kernel: 3, stride: 1, pad: 'same', dataFormat: 'NCHW' },
  { name: 'padding wider than the filter', kernel: 3, stride: 1, pad: 3 },
];

describe('Conv2DBackpropInput on wasm', () => {
  it.each(FAST_CONVS)(
    'matches the CPU input gradient: $kernel x $kernel, stride $stride, pad $pad',
    async (c) => {
      expect(await wasmAgainstCpu(inputGradient(c))).toBeLessThan(RELATIVE_TOLERANCE);
    },
  );

  it.each(ORIGINAL_CONVS)('matches the CPU input gradient: $name', async (c) => {
    expect(await wasmAgainstCpu(inputGradient(c))).toBeLessThan(RELATIVE_TOLERANCE);
  });
});

/**
 * Registers a recorder in place of the current `wasm` kernel and wraps it
 * again, so that the recorder sees exactly what the fast-path wrapper hands to
 * the kernel it replaced; restores the registration afterwards.
 */
function recordReplacedKernel(kernelName: string, body: (calls: KernelArgs[]) => void): void {
  const current = tf.getKernel(kernelName, 'wasm');
  if (current === undefined) throw new Error(`no wasm ${kernelName}`);
  const calls: KernelArgs[] = [];
  const recorder: tf.KernelFunc = (args) => {
    calls.push(args);
    return current.kernelFunc(args);
  };
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...current, kernelFunc: recorder });
  registerWasmFastPaths();
  try {
    expect(tf.getKernel(kernelName, 'wasm')?.kernelFunc).not.toBe(recorder);
    body(calls);
  } finally {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(current);
  }
}

describe('delegation to the replaced kernel', () => {
  it.each(ORIGINAL_MATMULS)('BatchMatMul hands over the call unchanged: $name', (c) => {
    recordReplacedKernel(tf.BatchMatMul, (calls) => {
      const a = normals('a', c.aShape);
      const b = normals('b', c.bShape);
      tf.matMul(a, b, c.transposeA, c.transposeB).dispose();
      expect(calls).toHaveLength(1);
      const { inputs, attrs } = calls[0] as KernelArgs;
      expect(inputs.a?.dataId).toBe(a.dataId);
      expect(inputs.b?.dataId).toBe(b.dataId);
      expect(attrs).toEqual({ transposeA: c.transposeA, transposeB: c.transposeB });
      tf.dispose([a, b]);
    });
  });

  it('BatchMatMul hands over a transposed pair as fresh untransposed operands', () => {
    recordReplacedKernel(tf.BatchMatMul, (calls) => {
      const a = normals('a', [32, 784]);
      const b = normals('b', [32, 200]);
      tf.matMul(a, b, true, false).dispose();
      expect(calls).toHaveLength(1);
      const { inputs, attrs } = calls[0] as KernelArgs;
      expect(inputs.a?.shape).toEqual([784, 32]);
      expect(inputs.b?.shape).toEqual([32, 200]);
      expect(inputs.b?.dataId).not.toBe(b.dataId);
      expect(attrs).toEqual({ transposeA: false, transposeB: false });
      tf.dispose([a, b]);
    });
  });

  it('BatchMatMul runs dy·Wᵀ as (W·dyᵀ)ᵀ, copying the small dy instead of the large W', () => {
    // Copies direct: W transposed, then packed: 2·784·200 = 313,600 floats.
    // Swapped: dyᵀ made and packed (2·32·200), output transposed (32·784): 38,888.
    recordReplacedKernel(tf.BatchMatMul, (calls) => {
      const dy = normals('dy', [32, 200]);
      const w = normals('w', [784, 200]);
      tf.matMul(dy, w, false, true).dispose();
      expect(calls).toHaveLength(1);
      const { inputs, attrs } = calls[0] as KernelArgs;
      expect(inputs.a?.dataId).toBe(w.dataId);
      expect(inputs.b?.shape).toEqual([200, 32]);
      expect(attrs).toEqual({ transposeA: false, transposeB: false });
      tf.dispose([dy, w]);
    });
  });

  it('BatchMatMul runs a·b as (bᵀ·aᵀ)ᵀ the first time it sees b, when a is smaller, then as is', () => {
    recordReplacedKernel(tf.BatchMatMul, (calls) => {
      const x = normals('x', [10, 784]);
      const w = normals('w', [784, 200]);
      const first = tf.matMul(x, w);
      const second = tf.matMul(x, w);
      expect(calls).toHaveLength(2);
      const [swapped, direct] = calls as [KernelArgs, KernelArgs];
      expect(swapped.inputs.a?.shape).toEqual([200, 784]);
      expect(swapped.inputs.b?.shape).toEqual([784, 10]);
      expect(swapped.attrs).toEqual({ transposeA: false, transposeB: false });
      expect(direct.inputs.a?.dataId).toBe(x.dataId);
      expect(direct.inputs.b?.dataId).toBe(w.dataId);
      // Each output is a sum over k in the same order either way: the same bits.
      expect(first.dataSync()).toEqual(second.dataSync());
      tf.dispose([x, w, first, second]);
    });
  });

  it('BatchMatMul hands over a·b unchanged when a is the larger', () => {
    recordReplacedKernel(tf.BatchMatMul, (calls) => {
      const x = normals('x', [256, 784]);
      const w = normals('w', [784, 10]);
      tf.matMul(x, w).dispose();
      expect(calls).toHaveLength(1);
      expect((calls[0] as KernelArgs).inputs.b?.dataId).toBe(w.dataId);
      tf.dispose([x, w]);
    });
  });

  it.each(ORIGINAL_CONVS)('Conv2DBackpropInput hands over the call unchanged: $name', (c) => {
    recordReplacedKernel(tf.Conv2DBackpropInput, (calls) => {
      inputGradient(c)().dispose();
      expect(calls).toHaveLength(1);
    });
  });

  it('Conv2DBackpropInput at stride 1 NHWC does not call the replaced kernel', () => {
    recordReplacedKernel(tf.Conv2DBackpropInput, (calls) => {
      tf.tidy(() => inputGradient({ kernel: 5, stride: 1, pad: 'same' })());
      expect(calls).toHaveLength(0);
    });
  });
});

/** Live tensors in the engine and data buffers in the wasm heap (incl. kernel temporaries). */
function footprint(): { numTensors: number; numBytes: number; wasmBuffers: number } {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes, wasmBuffers: tf.backend().numDataIds() };
}

describe('memory', () => {
  it('repeated fast-path calls leave no tensor or wasm buffer behind', () => {
    const step = () =>
      tf.tidy(() => {
        for (const c of FAST_MATMULS) matMulOf(c)().dataSync();
        tf.fused
          .matMul({
            a: normals('a', [30, 16]),
            b: normals('b', [12, 30]),
            transposeA: true,
            transposeB: true,
            bias: normals('bias', [12]),
            activation: 'relu',
          })
          .dataSync();
        for (const stride of [1, 2]) inputGradient({ kernel: 5, stride, pad: 'same' })().dataSync();
      });
    step();
    const before = footprint();
    for (let i = 0; i < 3; i++) step();
    expect(footprint()).toEqual(before);
  });
});

describe('registration', () => {
  it('registering again keeps the same kernels and warns about nothing', () => {
    const kernelFuncs = () =>
      WASM_FAST_PATH_KERNELS.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    const before = kernelFuncs();
    const warn = vi.spyOn(console, 'warn');
    registerWasmFastPaths();
    registerWasmFastPaths();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(kernelFuncs()).toEqual(before);
  });

  it('hands out the kernel each fast path replaced, which computes the same product', () => {
    const original = replacedKernel(tf.BatchMatMul);
    expect(original).toBeTypeOf('function');
    expect(original).not.toBe(tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc);
    const x = normals('x', [10, 784]);
    const w = normals('w', [784, 200]);
    const backend = tf.backend();
    const out = original!({
      inputs: { a: x, b: w },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
    const direct = tf.engine().makeTensorFromTensorInfo(out);
    const fast = tf.matMul(x, w);
    expect(direct.dataSync()).toEqual(fast.dataSync());
    tf.dispose([x, w, direct, fast]);
  });

  it('keeps the replaced kernels’ setup, so a backend started later initialises them', () => {
    // All three original wasm kernels bind their C++ entry point in setupFunc.
    for (const name of WASM_FAST_PATH_KERNELS) {
      expect(typeof tf.getKernel(name, 'wasm')?.setupFunc).toBe('function');
    }
  });
});
