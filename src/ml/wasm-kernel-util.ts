/** What the wasm fast paths (`wasm-fast-paths.ts`) share: kernel calls and views of the wasm heap. */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** How a fast path runs one call: itself, or by handing `args` to `original`. */
export type FastPath = (args: KernelArgs, original: tf.KernelFunc) => tf.TensorInfo;

/** Runs another `wasm` kernel (as registered now) on tensors a fast path holds. */
export function runKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: Record<string, unknown>,
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`the wasm backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({
    inputs,
    backend,
    attrs: attrs as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo;
}

/** A float32 view of a tensor's wasm heap memory; valid until the next allocation. */
export function heapF32(backend: BackendWasm, tensor: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(tensor) as Float32Array;
}

export function isFloat32(tensors: readonly tf.TensorInfo[]): boolean {
  return tensors.every((t) => t.dtype === 'float32');
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, d) => product * d, 1);
}
