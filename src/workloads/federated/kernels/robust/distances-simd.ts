/**
 * The WebAssembly SIMD path of {@link pairwiseSquaredDistances}: the loop of
 * distances.wat over blocks of the clients' models, transposed into its
 * memory as float64. It gives the bits of the JavaScript loop (each pair's
 * sum in float64 in element order; the test compares them) in about 40% of
 * its time (100 × 1,000,000 on the shared 2-core machine: 1.0 s of CPU, the
 * JavaScript 2 × 4 tiles 2.6 s).
 */
import { DISTANCES_WASM_BASE64 } from './distances-wasm.js';

/** Values per block of the transposed models: 32 K float64 (256 KiB) stay in L2 cache. */
const BLOCK_VALUES = 32_768;
const PAGE_BYTES = 65_536;
/** Padding columns: a tile reads clients l..l+7 for l up to n − 1. */
const PAD = 7;

/** The parts of the WebAssembly JavaScript API used here (the project's lib has no DOM types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}

type DistanceBlock = (x: number, rows: number, n: number, width: number, acc: number) => void;

let compiled: { api: WebAssemblyApi; module: object } | null | undefined;

/** The compiled module, or undefined where WebAssembly SIMD is missing (no JIT, old runtime). */
function distancesModule(): { api: WebAssemblyApi; module: object } | undefined {
  if (compiled === undefined) {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    const bytes = Buffer.from(DISTANCES_WASM_BASE64, 'base64');
    compiled = api?.validate(bytes) ? { api, module: new api.Module(bytes) } : null;
  }
  return compiled ?? undefined;
}

/** Whether this runtime can take the SIMD path. */
export function simdDistancesAvailable(): boolean {
  return distancesModule() !== undefined;
}

/**
 * The n × n matrix of squared distances of `updates` (checked: at least one,
 * all of `length`), by the SIMD loop; undefined without WebAssembly SIMD.
 * Each call has a memory of its own, sized for n, freed with the result.
 */
export function simdPairwiseSquaredDistances(
  updates: readonly Float32Array[],
  length: number,
): Float64Array | undefined {
  const compiledModule = distancesModule();
  if (compiledModule === undefined) return undefined;
  const n = updates.length;
  const width = n + PAD;
  const rows = Math.max(1, Math.min(length, Math.floor(BLOCK_VALUES / width)));
  const accBytes = (n + 1) * width * 8;
  const pages = Math.ceil((accBytes + rows * width * 8) / PAGE_BYTES);
  const { api, module } = compiledModule;
  const memory = new api.Memory({ initial: pages, maximum: pages });
  const instance = new api.Instance(module, { env: { memory } });
  const distanceBlock = (instance.exports as { distanceBlock: DistanceBlock }).distanceBlock;
  const f64 = new Float64Array(memory.buffer);
  const x = accBytes / 8;
  for (let start = 0; start < length; start += rows) {
    const size = Math.min(rows, length - start);
    transposeInto(f64, x, width, updates, start, size);
    distanceBlock(accBytes, size, n, width, 0);
  }
  const d = new Float64Array(n * n);
  for (let k = 0; k < n; k++)
    for (let l = k + 1; l < n; l++) {
      const v = f64[k * width + l]!;
      d[k * n + l] = v;
      d[l * n + k] = v;
    }
  return d;
}

/**
 * f64[x + j·width + k] = updates[k][start + j] for j < size, four clients at
 * a time (each cache line of the block takes four stores per visit).
 */
function transposeInto(
  f64: Float64Array,
  x: number,
  width: number,
  updates: readonly Float32Array[],
  start: number,
  size: number,
): void {
  const n = updates.length;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const u0 = updates[k]!;
    const u1 = updates[k + 1]!;
    const u2 = updates[k + 2]!;
    const u3 = updates[k + 3]!;
    for (let j = 0, at = x + k, i = start; j < size; j++, at += width, i++) {
      f64[at] = u0[i]!;
      f64[at + 1] = u1[i]!;
      f64[at + 2] = u2[i]!;
      f64[at + 3] = u3[i]!;
    }
  }
  for (; k < n; k++) {
    const u = updates[k]!;
    for (let j = 0, at = x + k; j < size; j++, at += width) f64[at] = u[start + j]!;
  }
}
