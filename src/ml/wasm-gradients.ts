/**
 * Gradient kernels that the TensorFlow.js WebAssembly backend (4.22) lacks,
 * so that convolutional and depthwise-separable models train on it:
 *
 * - `Conv2DBackpropFilter`: the filter gradient as one matrix product,
 *   dW[K, Co] = patchesᵀ[K, M] · dy[M, Co] with K = fh·fw·Ci and M = N·oh·ow,
 *   the unrolled input patches ("im2col", Chellapilla, Puri & Simard, "High
 *   Performance Convolutional Neural Networks for Document Processing",
 *   IWFHR 2006) written straight into the wasm heap and multiplied by the
 *   backend's own XNNPACK `BatchMatMul`. Costs a temporary fh·fw·Ci·N·oh·ow
 *   floats of heap. The backend's `Conv3DBackpropFilterV2` (viewing 2-D as
 *   depth 1) is not used: in 4.22 its loop bounds round the wrong way, so at
 *   stride 2 it misses edge taps (relative errors ~0.7 against the CPU
 *   backend), and it is a scalar loop, ~12x slower than this path on the
 *   FedAvg CNN's second layer (1.2 s against 0.1 s at batch 32).
 * - `DepthwiseConv2dNativeBackpropFilter` / `...BackpropInput`: plain loops over
 *   the tensors' heap memory, accumulated in float64 (depthwise layers are
 *   cheap; these loops match the CPU backend's semantics term for term).
 *
 * Semantics follow `@tensorflow/tfjs-backend-cpu`'s kernels of the same names:
 * NHWC, padding 'same' | 'valid' | number | explicit, `dimRoundingMode`,
 * channel multiplier M ≥ 1 (output channel c·M + m reads input channel c).
 * No dilation: `Conv2DBackpropFilter` has no such attribute, and the depthwise
 * kernels reject dilations > 1, which TF.js's own gradients never pass (they
 * throw first) and which the CPU reference kernels do not implement either.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Shape4D = [number, number, number, number];
type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The kernels {@link registerWasmGradients} adds to the `wasm` backend. */
export const WASM_GRADIENT_KERNELS: readonly string[] = [
  tf.Conv2DBackpropFilter,
  tf.DepthwiseConv2dNativeBackpropFilter,
  tf.DepthwiseConv2dNativeBackpropInput,
];

/**
 * Registers the {@link WASM_GRADIENT_KERNELS} for the `wasm` backend. Safe to
 * call any number of times, before or after the backend starts: a kernel
 * already registered for `wasm` (by an earlier call, or by a later TF.js that
 * ships its own) is left as it is.
 */
export function registerWasmGradients(): void {
  const kernels: Record<string, tf.KernelFunc> = {
    [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
    [tf.DepthwiseConv2dNativeBackpropFilter]: depthwiseBackpropFilter,
    [tf.DepthwiseConv2dNativeBackpropInput]: depthwiseBackpropInput,
  };
  for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
    if (tf.getKernel(kernelName, 'wasm') === undefined) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    }
  }
}

function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, dy } = float32Inputs(inputs, ['x', 'dy'], tf.Conv2DBackpropFilter);
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat !== 'NHWC') {
    throw new RangeError(
      `${tf.Conv2DBackpropFilter} on wasm: dataFormat(=${dataFormat}) must be NHWC`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4D,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  requireShape(dy, info.outShape, tf.Conv2DBackpropFilter);
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const patchSize = filterHeight * filterWidth * inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const patches = wasm.makeOutput([patchSize, positions], 'float32');
  // A fresh copy of dy: BatchMatMul caches XNNPACK's packed right operand under
  // that tensor's id whatever its shape, so the operand must be a tensor no
  // other product sees; the copy's disposal frees the cached operator.
  const dyMatrix = wasm.makeOutput([positions, outChannels], 'float32');
  // Views are taken after the last allocation: growing the heap detaches them.
  heapF32(wasm, dyMatrix).set(heapF32(wasm, dy));
  writeTransposedPatches(heapF32(wasm, x), heapF32(wasm, patches), info);
  const dw = matMul(wasm, patches, dyMatrix);
  wasm.disposeData(patches.dataId);
  wasm.disposeData(dyMatrix.dataId);
  return { dataId: dw.dataId, shape: info.filterShape, dtype: 'float32' };
}

/**
 * Writes patchesᵀ: row (kh·fw + kw)·Ci + c, column (b·oh + oy)·ow + ox holds
 * x[b, oy·sh + kh − top, ox·sw + kw − left, c], or 0 where that falls in the
 * padding. Rows are written in order, so the writes stream.
 */
function writeTransposedPatches(x: Float32Array, patches: Float32Array, info: Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  let at = 0;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const [oxMin, oxEnd] = validOutputs(kw - padInfo.left, strideWidth, inWidth, outWidth);
      for (let c = 0; c < inChannels; c++) {
        for (let b = 0; b < batchSize; b++) {
          for (let oy = 0; oy < outHeight; oy++) {
            const iy = oy * strideHeight + kh - padInfo.top;
            const rowEnd = at + outWidth;
            if (iy < 0 || iy >= inHeight || oxMin >= oxEnd) {
              patches.fill(0, at, rowEnd);
              at = rowEnd;
              continue;
            }
            patches.fill(0, at, at + oxMin);
            const rowBase = (b * inHeight + iy) * inWidth;
            let src = (rowBase + oxMin * strideWidth + kw - padInfo.left) * inChannels + c;
            const step = strideWidth * inChannels;
            for (let ox = oxMin; ox < oxEnd; ox++, src += step) patches[at + ox] = x[src] as number;
            patches.fill(0, at + oxEnd, rowEnd);
            at = rowEnd;
          }
        }
      }
    }
  }
}

/**
 * The outputs o in [min, end) whose tap o·stride + offset lands inside an input
 * axis of length `inSize`, clipped to [0, outSize).
 */
function validOutputs(
  offset: number,
  stride: number,
  inSize: number,
  outSize: number,
): [number, number] {
  const min = Math.max(0, Math.ceil(-offset / stride));
  const end = Math.min(outSize, Math.floor((inSize - 1 - offset) / stride) + 1);
  return [min, Math.max(min, end)];
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const name = tf.DepthwiseConv2dNativeBackpropFilter;
  const { x, dy } = float32Inputs(inputs, ['x', 'dy'], name);
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  requireNoDilation(dilations, name);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4D,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    true,
  );
  requireShape(dy, info.outShape, name);
  const dw = wasm.makeOutput(info.filterShape, 'float32');
  const sums = new Float64Array(sizeOf(info.filterShape));
  const xs = heapF32(wasm, x);
  const dys = heapF32(wasm, dy);
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  forEachTap(info, (xAt, dyAt, wAt) => {
    for (let c = 0, j = 0; c < inChannels; c++) {
      const x = xs[xAt + c] as number;
      for (let end = j + multiplier; j < end; j++) {
        sums[wAt + j] = (sums[wAt + j] as number) + x * (dys[dyAt + j] as number);
      }
    }
  });
  heapF32(wasm, dw).set(sums);
  return dw;
}

function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const name = tf.DepthwiseConv2dNativeBackpropInput;
  const { dy, filter } = float32Inputs(inputs, ['dy', 'filter'], name);
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  requireNoDilation(dilations, name);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4D,
    strides,
    1,
    pad,
    dimRoundingMode,
    true,
  );
  requireShape(dy, info.outShape, name);
  const dx = wasm.makeOutput(info.inShape, 'float32');
  const sums = new Float64Array(sizeOf(info.inShape));
  const ws = heapF32(wasm, filter);
  const dys = heapF32(wasm, dy);
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  forEachTap(info, (xAt, dyAt, wAt) => {
    for (let c = 0, j = 0; c < inChannels; c++) {
      let sum = sums[xAt + c] as number;
      for (let end = j + multiplier; j < end; j++) {
        sum += (dys[dyAt + j] as number) * (ws[wAt + j] as number);
      }
      sums[xAt + c] = sum;
    }
  });
  heapF32(wasm, dx).set(sums);
  return dx;
}

/**
 * Calls `visit` once for every (output pixel, filter tap) pair whose input
 * pixel lies inside the image, with the flat offsets of that input pixel's
 * channel 0, of the output pixel's channel 0 and of the tap's filter row
 * [kh, kw, 0, 0] (NHWC tensors, depthwise filter [fh, fw, Ci, M]).
 */
function forEachTap(
  info: Conv2DInfo,
  visit: (xAt: number, dyAt: number, wAt: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const dyAt = ((b * outHeight + oy) * outWidth + ox) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const iy = oy * strideHeight + kh - padInfo.top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const ix = ox * strideWidth + kw - padInfo.left;
            if (ix < 0 || ix >= inWidth) continue;
            const xAt = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            visit(xAt, dyAt, (kh * filterWidth + kw) * outChannels);
          }
        }
      }
    }
  }
}

/** The wasm backend's XNNPACK matrix product a[m, k] · b[k, n], as a new tensor. */
function matMul(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const kernel = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (kernel === undefined) throw new Error('the wasm backend has no BatchMatMul kernel');
  return kernel.kernelFunc({
    inputs: { a, b },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
}

/** A float32 view of a tensor's wasm heap memory; valid until the next allocation. */
function heapF32(backend: BackendWasm, tensor: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(tensor) as Float32Array;
}

function float32Inputs<K extends string>(
  inputs: tf.NamedTensorInfoMap,
  names: readonly K[],
  kernelName: string,
): Record<K, tf.TensorInfo> {
  const picked = {} as Record<K, tf.TensorInfo>;
  for (const name of names) {
    const tensor = inputs[name];
    if (tensor === undefined)
      throw new TypeError(`${kernelName} on wasm: input ${name} is missing`);
    if (tensor.dtype !== 'float32') {
      throw new TypeError(`${kernelName} on wasm: ${name}.dtype(=${tensor.dtype}) must be float32`);
    }
    picked[name] = tensor;
  }
  return picked;
}

function requireShape(
  tensor: tf.TensorInfo,
  expected: readonly number[],
  kernelName: string,
): void {
  if (tensor.shape.length !== expected.length || tensor.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(
      `${kernelName} on wasm: dy.shape(=[${tensor.shape}]) must be [${expected}] for these attrs`,
    );
  }
}

/** TF.js's own gradients never pass dilation > 1 here (they reject it first). */
function requireNoDilation(dilations: number | [number, number], kernelName: string): void {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dh !== 1 || dw !== 1) {
    throw new RangeError(`${kernelName} on wasm: dilations(=${dilations}) must be 1`);
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, d) => product * d, 1);
}
