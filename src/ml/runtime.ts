import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { UsageError } from '../errors.js';
import { registerWasmFastPaths } from './wasm-fast-paths.js';
import { registerWasmGradients } from './wasm-gradients.js';

/**
 * The TensorFlow.js runtime: which backend runs the tensors.
 *
 * - `tensorflow`: `@tensorflow/tfjs-node`, native TensorFlow, when it is
 *   installed (an optional dependency: it downloads a native library at install
 *   time, so machines without internet go without it);
 * - `wasm`: the WebAssembly backend (XNNPACK, SIMD, one thread), which ships in
 *   its npm package and gives the same bits on every machine; the default
 *   when tfjs-node is absent;
 * - `cpu`: the pure-JavaScript backend, the last resort.
 *
 * Results are reproducible for a given backend; different backends round
 * differently, so the manifest records which one ran.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What a user may ask for: a backend, or `auto` (tensorflow, else wasm, else cpu). */
export type BackendPreference = BackendName | 'auto';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = [
  'auto',
  'tensorflow',
  'wasm',
  'cpu',
];

export { tf };

let nodeBindingTried = false;

/** Loads tfjs-node once if it is installed; false when it is absent or fails to load. */
async function loadNodeBinding(): Promise<boolean> {
  if (!nodeBindingTried) {
    nodeBindingTried = true;
    try {
      // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
      const name = '@tensorflow/tfjs-node';
      await import(name);
    } catch {
      return false;
    }
  }
  return tf.findBackend('tensorflow') !== null;
}

/**
 * Selects and initialises a backend; returns the one now active. `auto` tries
 * tensorflow, then wasm, then cpu. Asking for a backend that cannot start is
 * a usage error naming it.
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendName> {
  const candidates: BackendName[] =
    preference === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preference];
  for (const name of candidates) {
    // The wasm backend lacks some gradient kernels (conv filter, depthwise),
    // and its transposed matmul and conv input gradient are scalar loops.
    if (name === 'wasm') {
      registerWasmGradients();
      registerWasmFastPaths();
    }
    if (tf.getBackend() === name) return name;
    if (name === 'tensorflow' && !(await loadNodeBinding())) continue;
    if (await tf.setBackend(name)) {
      await tf.ready();
      return name;
    }
  }
  throw new UsageError(
    preference === 'tensorflow'
      ? 'backend "tensorflow" needs @tensorflow/tfjs-node, which is not installed (npm install @tensorflow/tfjs-node)'
      : `backend ${JSON.stringify(preference)} failed to start`,
  );
}

/** The active backend's name. */
export function activeBackend(): string {
  return tf.getBackend();
}
