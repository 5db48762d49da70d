/**
 * The fast path for the wasm backend's `Conv2DBackpropInput` (see
 * `wasm-fast-paths.ts`): the input gradient as the backend's XNNPACK
 * `Conv2D` of dy (dilated at stride 2) with the rotated filter.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, isFloat32, type KernelArgs, runKernel, sizeOf } from './wasm-kernel-util.js';

type Shape4D = [number, number, number, number];
type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** Largest sh·sw for which the dilated conv input gradient beats the original kernel. */
const MAX_DILATED_TAPS = 4;

/** The paddings [top, bottom, left, right] of the correlation that gives dx. */
type MirroredPads = [number, number, number, number];

export function conv2DBackpropInputAsConv2D(
  args: KernelArgs,
  original: tf.KernelFunc,
): tf.TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const [strideHeight, strideWidth] = pair(attrs.strides);
  if (
    dy === undefined ||
    filter === undefined ||
    attrs.dataFormat !== 'NHWC' ||
    strideHeight * strideWidth > MAX_DILATED_TAPS
  ) {
    return original(args) as tf.TensorInfo;
  }
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as Shape4D,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const pads = mirroredPads(info);
  if (
    pads === undefined ||
    !isFloat32([dy, filter]) ||
    !sameShape(dy.shape, info.outShape) ||
    sizeOf(info.inShape) === 0 ||
    sizeOf(info.outShape) === 0
  ) {
    return original(args) as tf.TensorInfo;
  }
  const backend = args.backend as BackendWasm;
  const strided = info.strideHeight > 1 || info.strideWidth > 1;
  const rotated = rotatedFilter(backend, filter, info);
  const source = strided ? dilated(backend, dy, info) : dy;
  const [top, bottom, left, right] = pads;
  try {
    return runKernel(
      tf.Conv2D,
      backend,
      { x: source, filter: rotated },
      {
        strides: 1,
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: 1,
      },
    );
  } finally {
    backend.disposeData(rotated.dataId);
    if (source !== dy) backend.disposeData(source.dataId);
  }
}

/**
 * Input row i receives dy row o through tap kh when i = o·s + kh − top. On
 * the dilated dy (row o at o·s), that is tap fh − 1 − kh of the rotated
 * filter at a padding of fh − 1 − top; the far padding then makes the output
 * inHeight rows. Undefined when a padding would be negative (a forward
 * padding larger than the filter): the original kernel handles those.
 */
function mirroredPads(info: Conv2DInfo): MirroredPads | undefined {
  const { padInfo, filterHeight, filterWidth, inHeight, inWidth } = info;
  const top = filterHeight - 1 - padInfo.top;
  const left = filterWidth - 1 - padInfo.left;
  const dilatedHeight = (info.outHeight - 1) * info.strideHeight + 1;
  const dilatedWidth = (info.outWidth - 1) * info.strideWidth + 1;
  const bottom = inHeight + filterHeight - 1 - top - dilatedHeight;
  const right = inWidth + filterWidth - 1 - left - dilatedWidth;
  const pads: MirroredPads = [top, bottom, left, right];
  return pads.every((p) => p >= 0) ? pads : undefined;
}

/** A new [fh, fw, Co, Ci] filter: w'[kh, kw, co, ci] = w[fh−1−kh, fw−1−kw, ci, co]. */
function rotatedFilter(
  backend: BackendWasm,
  filter: tf.TensorInfo,
  info: Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const rotated = backend.makeOutput(
    [filterHeight, filterWidth, outChannels, inChannels],
    'float32',
  );
  // Views are taken after the last allocation: growing the heap detaches them.
  const source = heapF32(backend, filter);
  const target = heapF32(backend, rotated);
  const taps = filterHeight * filterWidth;
  const block = inChannels * outChannels;
  for (let tap = 0; tap < taps; tap++) {
    const from = (taps - 1 - tap) * block;
    let at = tap * block;
    for (let co = 0; co < outChannels; co++) {
      for (let ci = 0; ci < inChannels; ci++, at++) {
        target[at] = source[from + ci * outChannels + co] as number;
      }
    }
  }
  return rotated;
}

/** A new dy with s − 1 zero rows (columns) between its rows (columns): [N, (oh−1)·sh+1, (ow−1)·sw+1, Co]. */
function dilated(backend: BackendWasm, dy: tf.TensorInfo, info: Conv2DInfo): tf.TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels, strideHeight, strideWidth } = info;
  const height = (outHeight - 1) * strideHeight + 1;
  const width = (outWidth - 1) * strideWidth + 1;
  const out = backend.makeOutput([batchSize, height, width, outChannels], 'float32');
  const source = heapF32(backend, dy);
  const target = heapF32(backend, out);
  target.fill(0);
  let from = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      let at = (b * height + oy * strideHeight) * width * outChannels;
      for (let ox = 0; ox < outWidth; ox++, from += outChannels) {
        target.set(source.subarray(from, from + outChannels), at);
        at += strideWidth * outChannels;
      }
    }
  }
  return out;
}

function pair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
