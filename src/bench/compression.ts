import {
  dequantize,
  encode,
  encodedSizeOf,
  type FloatTensor,
  magnitudeMask,
  pruneByMagnitude,
  type QuantizedTensor,
  quantize,
  RandomStreams,
} from '../index.js';
import type { BenchCase } from './harness.js';

const PARAMETERS = 10_000_000;
/** A dense layer [in, out] = [10,000, 1,000]: 1,000 output channels. */
const SHAPE = [10_000, 1_000] as const;
/** Work is counted in bytes of fp32 weights: 4 per parameter, whatever the case reads. */
const FP32_BYTES = 4 * PARAMETERS;

const int8Options = { bits: 8, scheme: 'symmetric', granularity: 'per-channel' } as const;
const int4Options = { bits: 4, scheme: 'symmetric', granularity: 'per-channel' } as const;

/** Inputs and reused output buffers, made on first use and shared by the cases. */
interface Fixture {
  weights: Float32Array;
  int8: QuantizedTensor;
  integers: Int8Array;
  floats: Float32Array;
  mask: Uint8Array;
  fp16: FloatTensor;
  encoded: Uint8Array;
}

let fixture: Fixture | undefined;

function setUp(): Fixture {
  if (fixture !== undefined) return fixture;
  const rng = new RandomStreams(1).stream('bench-compression');
  const weights = new Float32Array(PARAMETERS);
  for (let i = 0; i < PARAMETERS; i++) weights[i] = rng.normal(0, 0.05);
  const fp16: FloatTensor = { precision: 'fp16', shape: SHAPE, values: weights };
  fixture = {
    weights,
    int8: quantize(weights, SHAPE, int8Options),
    integers: new Int8Array(PARAMETERS),
    floats: new Float32Array(PARAMETERS),
    mask: new Uint8Array(PARAMETERS),
    fp16,
    encoded: new Uint8Array(encodedSizeOf(fp16, 'dense')),
  };
  return fixture;
}

/**
 * The compression kernels on 10 M float32 parameters: a [10,000, 1,000] dense
 * kernel, per-channel over its 1,000 outputs, drawn from Normal(0, 0.05).
 * Outputs go into buffers reused across iterations, so the figures are the
 * kernels' and not the allocator's (first-touch page faults of a fresh 40 MB
 * array cost tens of milliseconds on some VMs). Throughput is in bytes of
 * fp32 weights per second (4 per parameter, also for dequantize, which reads
 * 1 byte per parameter); the target is 1 GB/s. The kernels run on
 * WebAssembly SIMD (`src/compression/simd/`) where the runtime has it, with
 * the same bits as the JavaScript kernels. The first call builds the fixture
 * (about 1 s) and instantiates the SIMD module, whose code V8 first runs
 * unoptimised; the harness's warm-up iteration absorbs both.
 */
export const compressionCases: BenchCase[] = [
  {
    name: 'compression: int8 quantize (symmetric, per-channel), 10 M params',
    run: () => {
      const f = setUp();
      quantize(f.weights, SHAPE, int8Options, f.integers);
      return FP32_BYTES;
    },
    unit: 'bytes',
  },
  {
    name: 'compression: int8 dequantize (per-channel), 10 M params',
    run: () => {
      const f = setUp();
      dequantize(f.int8, f.floats);
      return FP32_BYTES;
    },
    unit: 'bytes',
  },
  {
    name: 'compression: int4 quantize (symmetric, per-channel), 10 M params',
    run: () => {
      const f = setUp();
      quantize(f.weights, SHAPE, int4Options, f.integers);
      return FP32_BYTES;
    },
    unit: 'bytes',
  },
  {
    name: 'compression: fp16 encode (dense, header + IEEE half bytes), 10 M params',
    run: () => {
      const f = setUp();
      encode(f.fp16, 'dense', f.encoded);
      return FP32_BYTES;
    },
    unit: 'bytes',
  },
  {
    name: 'compression: magnitude prune to 80%, keep-mask (threshold selection + mask), 10 M params',
    run: () => {
      const f = setUp();
      magnitudeMask(f.weights, 0.8, f.mask);
      return FP32_BYTES;
    },
    unit: 'bytes',
  },
  {
    name: 'compression: magnitude prune to 80%, mask + pruned copy of the weights, 10 M params',
    run: () => {
      const f = setUp();
      pruneByMagnitude(f.weights, 0.8, { weights: f.floats, mask: f.mask });
      return FP32_BYTES;
    },
    unit: 'bytes',
  },
];
