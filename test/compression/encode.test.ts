import { describe, expect, it } from 'vitest';
import {
  applyMask,
  clusteredSizeBytes,
  clusterWeights,
  decode,
  type EncodableTensor,
  encode,
  encodeClustered,
  encodedSizeBytes,
  encodedSizeOf,
  type FloatTensor,
  headerSizeBytes,
  type Layout,
  magnitudeMask,
  pickSparseEncoding,
  type QuantizedTensor,
  quantize,
  roundToFloat16,
  structureSizeBytes,
} from '../../src/compression/index.js';
import { RandomStreams } from '../../src/engine/random.js';

const fp32 = (values: Float32Array, shape: number[] = [values.length]): FloatTensor => ({
  precision: 'fp32',
  shape,
  values,
});

/** Random [rows, cols] weights with about `density` of them nonzero. */
function sparseWeights(rows: number, cols: number, density: number, seed = 1): Float32Array {
  const rng = new RandomStreams(seed).stream('sparse');
  return Float32Array.from({ length: rows * cols }, () =>
    rng.next() < density ? rng.normal(0, 1) : 0,
  );
}

function decodedTensor(bytes: Uint8Array): EncodableTensor {
  const decoded = decode(bytes);
  if (decoded.layout === 'clustered') throw new Error('expected a tensor');
  return decoded.tensor;
}

/** The bytes after the header and the quantization parameters of a dense int encoding. */
const valuesOf = (bytes: Uint8Array, rank: number, parameterBytes: number): number[] =>
  Array.from(bytes.subarray(headerSizeBytes(rank) + parameterBytes));

describe('header', () => {
  it('is version, layout, kind, rank and one u32 per dimension', () => {
    expect(headerSizeBytes(2)).toBe(12);
    const bytes = encode(fp32(new Float32Array(6), [2, 3]));
    // version 1, dense 1, fp32 1, rank 2, then 2 and 3 as u32 little-endian
    expect(Array.from(bytes.subarray(0, 12))).toEqual([1, 1, 1, 2, 2, 0, 0, 0, 3, 0, 0, 0]);
  });
});

describe('dense fp32 and fp16', () => {
  it('round-trips fp32 bit for bit, NaN payloads, -0 and subnormals included', () => {
    const bits = Uint32Array.of(0x7fc01234, 0x80000000, 0x00000001, 0x3f800000, 0xff800000);
    const values = new Float32Array(bits.buffer);
    const bytes = encode(fp32(values));
    expect(bytes.length).toBe(headerSizeBytes(1) + 4 * 5);
    const back = decodedTensor(bytes).values as Float32Array;
    expect(new Uint32Array(back.buffer)).toEqual(bits);
  });

  it('stores fp16 as 2 bytes per value and decodes to the fp16-rounded floats', () => {
    const rng = new RandomStreams(2).stream('fp16');
    const values = Float32Array.from({ length: 101 }, () => rng.normal(0, 10));
    const bytes = encode({ precision: 'fp16', shape: [101], values });
    expect(bytes.length).toBe(headerSizeBytes(1) + 2 * 101);
    const decoded = decodedTensor(bytes);
    expect(decoded).toMatchObject({ precision: 'fp16', shape: [101] });
    expect(decoded.values).toEqual(roundToFloat16(values));
  });
});

describe('encode into a given buffer', () => {
  it('fills a buffer of exactly the encoded size and rejects any other', () => {
    const tensor: FloatTensor = { precision: 'fp16', shape: [3], values: Float32Array.of(1, 2, 3) };
    const out = new Uint8Array(encodedSizeOf(tensor, 'dense'));
    expect(encode(tensor, 'dense', out)).toBe(out);
    expect(out).toEqual(encode(tensor));
    expect(() => encode(tensor, 'dense', new Uint8Array(out.length + 1))).toThrow(
      `out.length(=${out.length + 1}) must be the encoded size ${out.length}`,
    );
  });
});

describe('dense int8 and int4', () => {
  const w = sparseWeights(7, 5, 1, 3);

  it('int8 per-channel: header + flags + 4 bytes per scale + 1 byte per value', () => {
    const q = quantize(w, [7, 5], { bits: 8, scheme: 'symmetric', granularity: 'per-channel' });
    const bytes = encode(q);
    expect(bytes.length).toBe(headerSizeBytes(2) + 1 + 4 * 5 + 35);
    expect(decodedTensor(bytes)).toEqual(q);
  });

  it('int8 asymmetric adds one byte of zero point per channel', () => {
    const q = quantize(w, [7, 5], { bits: 8, scheme: 'asymmetric', granularity: 'per-channel' });
    const bytes = encode(q);
    expect(bytes.length).toBe(headerSizeBytes(2) + 1 + 4 * 5 + 5 + 35);
    expect(decodedTensor(bytes)).toEqual(q);
  });

  it("int4 packs two values per byte, low nibble first, 4-bit two's complement", () => {
    const q: QuantizedTensor = {
      bits: 4,
      scheme: 'asymmetric',
      granularity: 'per-tensor',
      shape: [5],
      values: Int8Array.of(1, -1, 7, -8, 3),
      scales: Float32Array.of(0.5),
      zeroPoints: Int32Array.of(0),
    };
    const bytes = encode(q);
    // ceil(5 / 2) = 3 bytes: (1 | 0xF << 4) = 0xF1, (7 | 0x8 << 4) = 0x87, 3 alone = 0x03
    expect(bytes.length).toBe(headerSizeBytes(1) + 1 + 4 + 1 + 3);
    expect(valuesOf(bytes, 1, 1 + 4 + 1)).toEqual([0xf1, 0x87, 0x03]);
    expect(decodedTensor(bytes)).toEqual(q);
  });

  it('int4 of n values takes ceil(n / 2) bytes', () => {
    const q = quantize(w, [7, 5], { bits: 4, scheme: 'symmetric', granularity: 'per-tensor' });
    expect(encode(q).length).toBe(headerSizeBytes(2) + 1 + 4 + Math.ceil(35 / 2));
  });
});

describe('depthwise per-channel int8', () => {
  const options = { bits: 8, scheme: 'asymmetric', granularity: 'per-channel' } as const;
  const w = sparseWeights(4, 6, 0.7, 8);

  it('stores in x multiplier scales and zero points and is marked version 2', () => {
    // [2, 2, 3, 2]: 6 output channels (3 inputs x multiplier 2), 24 values.
    const q = quantize(w, [2, 2, 3, 2], { ...options, layout: 'depthwise' });
    const bytes = encode(q);
    expect(bytes[0]).toBe(2);
    expect(bytes.length).toBe(headerSizeBytes(4) + 1 + 4 * 6 + 6 + 24);
    expect(decodedTensor(bytes)).toEqual(q);
    const sparse = encode(q, 'csr');
    expect(decodedTensor(sparse)).toEqual(q);
    expect(sparse.length).toBe(encodedSizeOf(q, 'csr'));
  });

  it('leaves standard kernels at version 1, readable as before', () => {
    expect(encode(quantize(w, [2, 2, 3, 2], options))[0]).toBe(1);
  });

  it('rejects the depthwise flag in a version 1 encoding', () => {
    const bytes = encode(quantize(w, [2, 2, 3, 2], { ...options, layout: 'depthwise' }));
    expect(() => decode(Uint8Array.of(1, ...bytes.subarray(1)))).toThrow(
      'the depthwise bit is set exactly in encoding version 2 (this is version 1)',
    );
  });
});

describe('sparse bitmask', () => {
  // nonzeros at 1, 4 and 9
  const x = Float32Array.of(0, 1.5, 0, 0, -2, 0, 0, 0, 0, 3);

  it('stores one bit per element, LSB first, then only the nonzero values', () => {
    const bytes = encode(fp32(x), 'bitmask');
    // ceil(10 / 8) = 2 mask bytes + 3 values x 4 bytes
    expect(bytes.length).toBe(headerSizeBytes(1) + 2 + 12);
    // byte 0: bits 1 and 4 = 0b00010010; byte 1: bit 1 (element 9) = 0b10
    expect(Array.from(bytes.subarray(8, 10))).toEqual([0x12, 0x02]);
    expect(decodedTensor(bytes).values).toEqual(x);
  });

  it('decodes -0 as +0, since zeros are not stored', () => {
    const back = decodedTensor(encode(fp32(Float32Array.of(-0, 1)), 'bitmask')).values;
    expect(Object.is(back[0], 0)).toBe(true);
  });
});

describe('sparse CSR', () => {
  it('stores row pointers and column indices of the [rows = all but last, cols = last] view', () => {
    // [3, 4]: row 0 has col 1; row 1 none; row 2 cols 0 and 3 -> pointers 0 1 1 3, columns 1 0 3
    const x = Float32Array.of(0, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 3);
    const bytes = encode(fp32(x, [3, 4]), 'csr');
    // header 12 + widths 1 + 4 pointers x 1 + 3 columns x 1 + 3 values x 4 = 32
    expect(bytes.length).toBe(32);
    expect(Array.from(bytes.subarray(12, 20))).toEqual([0x11, 0, 1, 1, 3, 1, 0, 3]);
    expect(decodedTensor(bytes).values).toEqual(x);
  });

  it('widens indices only when needed', () => {
    // 300 columns need 2-byte column indices; 256 nonzeros need 2-byte row pointers:
    // 1 + (2 + 1) x 2 + 256 x 2 = 519
    expect(structureSizeBytes('csr', [2, 300], 256)).toBe(519);
    expect(structureSizeBytes('csr', [2, 256], 255)).toBe(1 + 3 + 255);
  });
});

describe('every layout and value format', () => {
  const w = sparseWeights(40, 30, 1, 4);
  const pruned = applyMask(w, magnitudeMask(w, 0.8));
  const tensors: Record<string, EncodableTensor> = {
    fp32: fp32(pruned, [40, 30]),
    fp16: { precision: 'fp16', shape: [40, 30], values: roundToFloat16(pruned) },
    int8: quantize(pruned, [40, 30], { bits: 8, scheme: 'asymmetric', granularity: 'per-channel' }),
    int4: quantize(pruned, [40, 30], { bits: 4, scheme: 'symmetric', granularity: 'per-tensor' }),
  };

  for (const [name, tensor] of Object.entries(tensors))
    for (const layout of ['dense', 'bitmask', 'csr'] as Layout[]) {
      it(`${name} ${layout}: decodes to the input and is as long as the formula says`, () => {
        const bytes = encode(tensor, layout);
        expect(bytes.length).toBe(encodedSizeOf(tensor, layout));
        expect(decodedTensor(bytes)).toEqual(tensor);
      });
    }

  it('sparse int8 treats the zero point, the integer of 0.0, as empty', () => {
    // 80% of 1,200 pruned leaves 240 weights, all far from 0 (the largest 20%), so 240 stored
    const size = encodedSizeOf(tensors.int8!, 'bitmask');
    // header 12 + flags 1 + scales 120 + zero points 30 + mask 150 + 240 values
    expect(size).toBe(12 + 1 + 120 + 30 + 150 + 240);
  });
});

describe('encodedSizeBytes', () => {
  it('bitmask = header + ceil(n / 8) + nnz x value bytes', () => {
    expect(encodedSizeBytes('bitmask', [1000], 100, { kind: 'fp16' })).toBe(8 + 125 + 200);
  });
});

describe('clustered', () => {
  it('stores k float32 centroids and ceil(log2 k)-bit indices, LSB first', () => {
    const clustering = {
      centroids: Float32Array.of(-1, 0, 2),
      assignments: Uint8Array.of(0, 1, 2, 1, 0),
    };
    const bytes = encodeClustered([5], clustering);
    // k = 3 -> 2 bits: 00 01 10 01 00 -> byte 0 = 0 | 1 << 2 | 2 << 4 | 1 << 6 = 100; byte 1 = 0
    expect(bytes.length).toBe(clusteredSizeBytes([5], 3));
    expect(bytes.length).toBe(headerSizeBytes(1) + 4 + 12 + 2);
    expect(Array.from(bytes.subarray(bytes.length - 2))).toEqual([100, 0]);
    expect(decode(bytes)).toEqual({ layout: 'clustered', shape: [5], ...clustering });
  });

  it('round-trips a real clustering with 300 centroids (9-bit indices)', () => {
    const w = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const { centroids, assignments } = clusterWeights(w, { clusters: 300, iterations: 5 });
    const bytes = encodeClustered([10, 100], { centroids, assignments });
    expect(bytes.length).toBe(headerSizeBytes(2) + 4 + 1200 + Math.ceil((1000 * 9) / 8));
    expect(decode(bytes)).toEqual({
      layout: 'clustered',
      shape: [10, 100],
      centroids,
      assignments,
    });
  });

  it('needs no index bits for k = 1', () => {
    expect(clusteredSizeBytes([4], 1)).toBe(headerSizeBytes(1) + 4 + 4);
  });
});

describe('pickSparseEncoding', () => {
  // [100, 100] fp32, dense = 12 + 40,000 bytes
  it('keeps dense data dense', () => {
    expect(pickSparseEncoding(fp32(sparseWeights(100, 100, 1), [100, 100])).layout).toBe('dense');
  });

  it('picks the bitmask at half density', () => {
    // nnz = 5,000 (every other element): bitmask 1,250 + 20,000 vs CSR 1 + 101 x 2 + 5,000 + 20,000
    const x = Float32Array.from({ length: 10_000 }, (_, i) => i % 2);
    expect(pickSparseEncoding(fp32(x, [100, 100]))).toEqual({
      layout: 'bitmask',
      sizeBytes: 12 + 1250 + 20_000,
    });
  });

  it('picks CSR at 1% density', () => {
    // nnz = 100: CSR 1 + 101 + 100 + 400 = 602 vs bitmask 1,250 + 400
    const x = Float32Array.from({ length: 10_000 }, (_, i) => (i % 100 === 0 ? 1 : 0));
    expect(pickSparseEncoding(fp32(x, [100, 100]))).toEqual({ layout: 'csr', sizeBytes: 12 + 602 });
  });
});

describe('decode rejects malformed bytes', () => {
  const bytes = encode(fp32(Float32Array.of(1, 2, 3)));

  it('says what was truncated', () => {
    expect(() => decode(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated: fp32 values/);
  });

  it('rejects trailing bytes and unknown versions', () => {
    expect(() => decode(Uint8Array.of(...bytes, 0))).toThrow('encoding has 1 trailing bytes');
    expect(() => decode(Uint8Array.of(9, ...bytes.subarray(1)))).toThrow(
      'encoding version(=9) is not 1',
    );
  });
});
