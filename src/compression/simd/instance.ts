/**
 * The one instance of the WebAssembly SIMD kernels (`kernels.wat`), made on
 * first use, and the layout of its memory.
 *
 * The memory has a fixed size (2.9 MB: `MEMORY_BYTES`), given as both its
 * initial and maximum, so it never grows: drivers stream the caller's arrays
 * through it in chunks of `CHUNK` elements (whole rows for per-channel
 * kernels) instead of copying them in whole. Chunks of 128 KB stay in the
 * core's 512 KB L2 cache between the copy in, the kernel and the copy out, so
 * the only trips to main memory are reading the input and writing the output,
 * as in a JavaScript loop; a whole 40 MB copy in would add a write and a read
 * of 40 MB.
 *
 * Every kernel gives the bits its JavaScript reference gives, so which path
 * runs never changes a result: SIMD where WebAssembly SIMD validates (Node
 * 16.4 and later), the JavaScript kernels elsewhere and for short arrays.
 */

import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

/** Elements per chunk of a streamed kernel. */
export const CHUNK = 1 << 15;
/** Most channels a per-channel kernel takes (a row must fit the arena); more run in JavaScript. */
export const MAX_CHANNELS = 1 << 17;
/** Shorter arrays run in JavaScript: copying and calling cost more than the loop saves. */
export const SIMD_MIN_LENGTH = 1024;

const ROW_CAPACITY = Math.max(CHUNK, MAX_CHANNELS);

/** Byte offsets of the regions of the memory. */
export const INPUT = 0;
/** The output region; a chunk goes at `outputFor(OUTPUT, ...)`, up to 4 KB in. */
export const OUTPUT = INPUT + 4 * ROW_CAPACITY;
/** Mask bytes: the input of `applyMask`, the output of `split` (up to 4 KB in). */
export const MASK = OUTPUT + 4 * ROW_CAPACITY + 4096;
/** Per-channel float64 (inverse scales), float32 (scales) or int32 (max |w| bits). */
export const CHANNELS_A = MASK + CHUNK + 4096;
/** Per-channel int32 (zero points). */
export const CHANNELS_B = CHANNELS_A + 8 * MAX_CHANNELS;
/** The weights `split` lists: indices, then their keys. */
export const LIST_INDICES = CHANNELS_B + 4 * MAX_CHANNELS;
export const LIST_KEYS = LIST_INDICES + 4 * CHUNK;

const PAGE_BYTES = 65536;
/** The whole memory, the high-water mark of the SIMD path. */
export const MEMORY_BYTES = Math.ceil((LIST_KEYS + 4 * CHUNK) / PAGE_BYTES) * PAGE_BYTES;

/** The functions of `kernels.wat`; pointers are byte offsets, counts are elements. */
export interface KernelExports {
  maxAbs(src: number, rows: number, channels: number, acc: number): void;
  roundSymmetric(src: number, rows: number, channels: number, inverse: number, dst: number): void;
  scaleBack(
    src: number,
    rows: number,
    channels: number,
    scales: number,
    zeroPoints: number,
    dst: number,
  ): void;
  toHalf(src: number, n: number, dst: number): void;
  split(
    src: number,
    n: number,
    low: number,
    high: number,
    mask: number,
    indices: number,
    keys: number,
    base: number,
    pruned: number,
    withPruned: number,
  ): number;
  applyMask(src: number, mask: number, n: number, dst: number): void;
  /** Mask bytes set to 1 by the last `split` (a WebAssembly.Global). */
  readonly kept: { readonly value: number };
}

/** The parts of the WebAssembly JavaScript API used here (the project's lib has no DOM types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}

/** The instance and views of its memory (which never grows, so the views stay valid). */
export interface SimdKernels {
  readonly run: KernelExports;
  readonly i8: Int8Array;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

/** Instantiates `bytes` as the kernels, or undefined if this runtime cannot (no WebAssembly SIMD). */
export function instantiate(bytes: Uint8Array): SimdKernels | undefined {
  // Absent when V8 runs without a JIT (--jitless); validate is false where v128 is unsupported.
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined || !api.validate(bytes)) return undefined;
  const pages = MEMORY_BYTES / PAGE_BYTES;
  const memory = new api.Memory({ initial: pages, maximum: pages });
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  const buffer = memory.buffer;
  return {
    run: instance.exports as unknown as KernelExports,
    i8: new Int8Array(buffer),
    u8: new Uint8Array(buffer),
    u16: new Uint16Array(buffer),
    i32: new Int32Array(buffer),
    u32: new Uint32Array(buffer),
    f32: new Float32Array(buffer),
    f64: new Float64Array(buffer),
  };
}

let kernels: SimdKernels | null | undefined;

/**
 * When the SIMD kernels run: `auto` for arrays of SIMD_MIN_LENGTH elements or
 * more, `always`, or `never`. Results are the same in every mode; tests and
 * benchmarks switch it to compare the two paths.
 */
export type SimdMode = 'auto' | 'always' | 'never';

let mode: SimdMode = 'auto';

/** Sets when the SIMD kernels run; returns the mode it replaces. */
export function setSimdMode(next: SimdMode): SimdMode {
  const previous = mode;
  mode = next;
  return previous;
}

/** The kernels (instantiated on the first call), or undefined without WebAssembly SIMD. */
export function simdKernels(): SimdKernels | undefined {
  if (kernels === undefined)
    kernels = instantiate(Buffer.from(KERNELS_WASM_BASE64, 'base64')) ?? null;
  return kernels ?? undefined;
}

/** The kernels, if they are available and the mode runs them for `length` elements. */
export function simdFor(length: number): SimdKernels | undefined {
  if (mode === 'never' || (mode === 'auto' && length < SIMD_MIN_LENGTH)) return undefined;
  return simdKernels();
}

/**
 * Where in an output region to put a chunk bound for byte offset `at` of the
 * caller's buffer: 2 KB from it modulo 4 KB (taking the buffer to start on a
 * page, as V8's large buffers do). When source and destination agree modulo
 * 4 KB, the copy's loads stall behind its stores to the same low address bits
 * ("4K aliasing"): copying 40 MB out took 16-25 ms that way, 4 ms this way.
 */
export function outputFor(region: number, at: number): number {
  return region + ((at + 2048) & 0xff0);
}

/**
 * Calls `kernel(start, rows, width)` over `length` elements taken as rows of
 * `width`, as many whole rows at a time as fill a chunk (at least one); a
 * remainder shorter than a row goes last, as one row of that length.
 */
export function eachChunk(
  length: number,
  width: number,
  kernel: (start: number, rows: number, width: number) => void,
): void {
  const fullRows = Math.floor(length / width);
  const step = Math.max(1, Math.floor(CHUNK / width));
  for (let row = 0; row < fullRows; row += step)
    kernel(row * width, Math.min(step, fullRows - row), width);
  const rest = length - fullRows * width;
  if (rest > 0) kernel(fullRows * width, 1, rest);
}
