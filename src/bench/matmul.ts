/**
 * The product behind the wasm matmul fast path for untransposed products
 * (`src/ml/wasm-fast-paths.ts`): the FedAvg 2NN's first layer in a training
 * step, x [10, 784] · W [784, 200], with W a new buffer every step as after
 * each weight update. The backend's own kernel packs every new W for
 * XNNPACK; the fast path transposes W and packs the small xᵀ instead.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { RandomStreams } from '../engine/random.js';
import { initBackend, tf } from '../ml/runtime.js';
import { replacedKernel } from '../ml/wasm-fast-paths.js';
import type { BenchCase } from './harness.js';

/** Products per timed run. */
const STEPS = 100;

function normals(purpose: string, shape: [number, number]): tf.Tensor2D {
  const rng = new RandomStreams(1).stream(purpose);
  return tf.tensor2d(
    Float32Array.from({ length: shape[0] * shape[1] }, () => rng.normal()),
    shape,
  );
}

/** Starts the wasm backend (with its fast paths) and returns the cases. */
export async function matmulCases(): Promise<BenchCase[]> {
  await initBackend('wasm');
  const x = normals('x', [10, 784]);
  const w = normals('w', [784, 200]);
  const big = { a: normals('a', [512, 1024]), b: normals('b', [1024, 1024]) };
  const backend = tf.backend() as BackendWasm;
  const original = replacedKernel(tf.BatchMatMul);
  if (original === undefined) throw new Error('the wasm BatchMatMul fast path is not registered');
  const steps = (product: (fresh: tf.Tensor2D) => void) => (): number => {
    for (let step = 0; step < STEPS; step++) {
      tf.tidy(() => product(tf.add(w, 0)));
    }
    return STEPS;
  };
  return [
    {
      name: 'matmul: a new W only (both cases below include it)',
      run: steps(() => {}),
      unit: 'steps',
    },
    {
      name: 'matmul: x·W, new W, the backend kernel (packs W)',
      run: steps((fresh) => {
        const out = original({
          inputs: { a: x, b: fresh },
          backend,
          attrs: { transposeA: false, transposeB: false },
        }) as tf.TensorInfo;
        backend.disposeData(out.dataId);
      }),
      unit: 'steps',
    },
    {
      name: 'matmul: x·W, new W, the fast path ((Wᵀ·xᵀ)ᵀ)',
      run: steps((fresh) => void tf.matMul(x, fresh)),
      unit: 'steps',
    },
    {
      // This machine's fp32 rate, which secagg-phases.ts scales crypto costs by.
      name: 'matmul: [512, 1024] · [1024, 1024], fp32 FLOPs',
      run: () => {
        const product = tf.matMul(big.a, big.b);
        product.dataSync();
        product.dispose();
        return 2 * 512 * 1024 * 1024;
      },
      unit: 'FLOP',
    },
  ];
}
