/**
 * Fast paths around two slow kernels of the TensorFlow.js WebAssembly backend
 * (4.22), which dominate training time on it:
 *
 * - `BatchMatMul` and `_FusedMatMul` reach XNNPACK only for one untransposed
 *   matrix pair; with `transposeA` or `transposeB` set (dense-layer backprop:
 *   xᵀ·dy and dy·Wᵀ) they fall to a scalar blocked loop, 5-10x slower. Here
 *   the product runs untransposed: a transposed operand is first materialised
 *   with the backend's `Transpose` kernel, or, when that copies fewer floats,
 *   Cᵀ = op(b)ᵀ·op(a)ᵀ is computed instead and then transposed. An
 *   untransposed product also runs as (bᵀ·aᵀ)ᵀ the first time its b is seen,
 *   when a is the smaller: XNNPACK packs its b on every new buffer, which for
 *   a training step's weights (new after each update) costs more than the
 *   product itself.
 * - `Conv2DBackpropInput` is a scalar loop. The input gradient of a
 *   convolution is the "full" correlation of dy with the filter rotated by
 *   180° and its channel axes swapped (the transposed convolution; Dumoulin &
 *   Visin, "A guide to convolution arithmetic for deep learning",
 *   arXiv:1603.07285, 2016, Section 4), so it runs as the backend's XNNPACK
 *   `Conv2D` at stride 1, with the padding mirrored: top' = fh − 1 − top,
 *   left' = fw − 1 − left, and bottom/right making the output inHeight x
 *   inWidth. At stride s > 1, dy is first dilated: s − 1 zero rows and columns
 *   between its pixels, which multiplies the work by sh·sw; measured on this
 *   backend it still wins at stride 2 (~3x faster than the original kernel)
 *   but loses at stride 4 (~2.5x slower), so it is taken for sh·sw ≤
 *   {@link MAX_DILATED_TAPS} only.
 *
 * Each fast path replaces the backend's registration of the kernel with a
 * wrapper that keeps the original `kernelFunc` (and its `setupFunc`) and
 * hands it every case the wrapper does not speed up: batched products
 * (XNNPACK is not used for those either way), NCHW, strides above 2, and
 * paddings larger than the filter (and non-float32 tensors).
 *
 * The backend caches XNNPACK's packed right-hand operand (matmul) or filter
 * (conv) under the tensor's id, whatever its shape, and frees the entry when
 * that tensor's data is disposed. So every operand this module passes in
 * those roles is a fresh buffer it owns and disposes before returning: no
 * cache entry outlives the call, and none can be hit later by a differently
 * shaped view of a caller's tensor. An untransposed product hands the
 * backend the caller's b, to keep the cache for fixed weights, unless that
 * buffer was packed with another shape (then b is copied).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropInputAsConv2D } from './wasm-conv-backprop.js';
import {
  type FastPath,
  heapF32,
  isFloat32,
  type KernelArgs,
  runKernel,
  sizeOf,
} from './wasm-kernel-util.js';

/** Marks a wrapper (its value: the kernel it replaced), so that registering again (from any copy of this module) is a no-op. */
const WRAPPED = Symbol.for('edgesim.wasmFastPath');

/** The `wasm` kernels {@link registerWasmFastPaths} wraps. */
export const WASM_FAST_PATH_KERNELS: readonly string[] = [
  tf.BatchMatMul,
  tf._FusedMatMul,
  tf.Conv2DBackpropInput,
];

/**
 * Replaces the `wasm` backend's {@link WASM_FAST_PATH_KERNELS} with wrappers
 * that take the fast paths described in this module's header and otherwise
 * call the kernel they replaced. Idempotent; works before or after the
 * backend starts (the original `setupFunc` is kept, so a backend started
 * later still initialises the original kernel). A kernel the backend does not
 * register is left alone.
 */
export function registerWasmFastPaths(): void {
  wrapKernel(tf.BatchMatMul, untransposedMatMul);
  wrapKernel(tf._FusedMatMul, untransposedMatMul);
  wrapKernel(tf.Conv2DBackpropInput, conv2DBackpropInputAsConv2D);
}

/** The `wasm` kernel a fast path replaced, while it is registered (for benchmarks). */
export function replacedKernel(kernelName: string): tf.KernelFunc | undefined {
  const kernelFunc = tf.getKernel(kernelName, 'wasm')?.kernelFunc as
    | (tf.KernelFunc & { [WRAPPED]?: tf.KernelFunc })
    | undefined;
  return kernelFunc?.[WRAPPED];
}

function wrapKernel(kernelName: string, fastPath: FastPath): void {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined || WRAPPED in config.kernelFunc) return;
  const original = config.kernelFunc;
  const kernelFunc = Object.assign((args: KernelArgs) => fastPath(args, original), {
    [WRAPPED]: original,
  });
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc });
}

/** One matrix product C = op(a)·op(b), op being a transpose where its flag is set. */
interface Product {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * `BatchMatMul` / `_FusedMatMul` (same inputs `a`, `b` and attributes
 * `transposeA`, `transposeB`; the fused kernel's bias, activation and PReLU
 * weights pass through untouched).
 */
function untransposedMatMul(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  if (
    a === undefined ||
    b === undefined ||
    !isFloat32([a, b]) ||
    !isSingleMatrix(a) ||
    !isSingleMatrix(b) ||
    innerSize(a, transposeA) !== innerSize(b, !transposeB) ||
    // XNNPACK rejects empty operands (the original loop returns zeros).
    sizeOf(a.shape) === 0 ||
    sizeOf(b.shape) === 0
  ) {
    return original(args) as tf.TensorInfo;
  }
  const direct: Product = { a, b, transposeA, transposeB };
  // Cᵀ = op(b)ᵀ·op(a)ᵀ: only for an unfused product (a bias or PReLU weights
  // broadcast along C's rows, not Cᵀ's; the other activations are elementwise).
  const swapped: Product = { a: b, b: a, transposeA: !transposeB, transposeB: !transposeA };
  const fused = args.inputs.bias !== undefined || args.inputs.preluActivationWeights !== undefined;
  if (!(transposeA || transposeB)) {
    const route = untransposedRoute(b, sizeOf(a.shape), fused);
    if (route === 'backend') return original(args) as tf.TensorInfo;
    if (route === 'copy') return untransposedProduct(args, original, direct);
  } else {
    const outputSize = outerSize(a, transposeA) * outerSize(b, !transposeB);
    if (fused || copyCost(direct) <= copyCost(swapped) + outputSize) {
      return untransposedProduct(args, original, direct);
    }
  }
  const backend = args.backend as BackendWasm;
  const transposed = untransposedProduct(args, original, swapped);
  try {
    return transposeMatrix(backend, transposed);
  } finally {
    backend.disposeData(transposed.dataId);
  }
}

/**
 * Floats copied to run `product` untransposed: op(a) when a is transposed,
 * and op(b) twice (materialised, then packed by XNNPACK). Dense backprop's
 * dy·Wᵀ, for instance, copies W twice directly but only dy twice and the
 * small output once as (W·dyᵀ)ᵀ: 3.4x faster for a 3136 x 512 W at batch 32.
 */
function copyCost({ a, b, transposeA }: Product): number {
  return (transposeA ? sizeOf(a.shape) : 0) + 2 * sizeOf(b.shape);
}

/**
 * For each buffer that has been the b of an untransposed product: the shape
 * the backend packed and cached it with, or {@link UNPACKED} while it has
 * been seen only once and left unpacked (see {@link untransposedRoute}).
 */
const packedAs = new WeakMap<object, string>();
const UNPACKED = '';

/**
 * How an untransposed a·b runs. XNNPACK packs b, and caches the packing
 * under b's buffer while that buffer lives, whatever shape it is viewed
 * with. Packing a new b costs more than transposing it and packing a small
 * aᵀ: for the 2NN's x [10, 784] · W [784, 200] with a new W, 0.87 ms against
 * 0.43 ms a product on this project's machine (`npm run bench -- matmul`).
 * So:
 *
 * - `swap`, the first time a buffer is b of an unfused product and a is the
 *   smaller: (bᵀ·aᵀ)ᵀ, XNNPACK packing aᵀ and b left unpacked. A training
 *   step's weights, a new buffer after every update, are never packed.
 * - `backend`: the call as it is, when b is seen again with the shape it was
 *   packed with (the cache serves it) or may be packed now. Fixed weights
 *   used again and again are packed once.
 * - `copy`, when the buffer was packed with another shape (a reshaped view of
 *   it): the cache would serve that shape's packing, so the product runs on
 *   a fresh copy of b.
 */
function untransposedRoute(
  b: tf.TensorInfo,
  aSize: number,
  fused: boolean,
): 'swap' | 'backend' | 'copy' {
  const shape = b.shape.join('x');
  const packed = packedAs.get(b.dataId);
  if (packed === undefined && !fused && aSize < sizeOf(b.shape)) {
    packedAs.set(b.dataId, UNPACKED);
    return 'swap';
  }
  if (packed === undefined || packed === UNPACKED || packed === shape) {
    packedAs.set(b.dataId, shape);
    return 'backend';
  }
  return 'copy';
}

/** Runs `product` through the original kernel with untransposed, fresh operands. */
function untransposedProduct(
  args: KernelArgs,
  original: tf.KernelFunc,
  { a, b, transposeA, transposeB }: Product,
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const plainA = transposeA ? transposeMatrix(backend, a) : a;
  // b is XNNPACK's cached operand: always a fresh buffer (see the header).
  const plainB = transposeB ? transposeMatrix(backend, b) : copyOf(backend, b);
  // The fused kernel's cache entry is also filed under the bias's id.
  const bias = args.inputs.bias === undefined ? undefined : copyOf(backend, args.inputs.bias);
  const inputs = { ...args.inputs, a: plainA, b: plainB, ...(bias && { bias }) };
  try {
    return original({
      ...args,
      inputs,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
  } finally {
    if (plainA !== a) backend.disposeData(plainA.dataId);
    backend.disposeData(plainB.dataId);
    if (bias !== undefined) backend.disposeData(bias.dataId);
  }
}

/** True when all dimensions before the last two multiply to 1. */
function isSingleMatrix(tensor: tf.TensorInfo): boolean {
  return tensor.shape.length >= 2 && sizeOf(tensor.shape.slice(0, -2)) === 1;
}

/** The length of the summed axis: the last one, or the one before it when transposed. */
function innerSize(tensor: tf.TensorInfo, transposed: boolean): number | undefined {
  return tensor.shape.at(transposed ? -2 : -1);
}

/** The length of the kept axis: the one before last, or the last when transposed. */
function outerSize(tensor: tf.TensorInfo, transposed: boolean): number {
  return tensor.shape.at(transposed ? -1 : -2) as number;
}

/** A new tensor holding `tensor` with its last two axes swapped. */
function transposeMatrix(backend: BackendWasm, tensor: tf.TensorInfo): tf.TensorInfo {
  const rank = tensor.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return runKernel(tf.Transpose, backend, { x: tensor }, { perm });
}

function copyOf(backend: BackendWasm, tensor: tf.TensorInfo): tf.TensorInfo {
  const copy = backend.makeOutput([...tensor.shape], tensor.dtype);
  heapF32(backend, copy).set(heapF32(backend, tensor));
  return copy;
}
