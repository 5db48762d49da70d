/**
 * Every codec's encodedBytes(parameters) is the length encode() returns,
 * whatever the data, and the registry builds each codec from its options or
 * names the bad one.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { RandomStreams } from '../../../../src/engine/random.js';
import {
  type CodecOptions,
  compressOptions,
  createCodec,
  secureAggregationSupport,
} from '../../../../src/workloads/federated/codecs/index.js';

const CODECS: CodecOptions[] = [
  { codec: 'top-k', ratio: 0.01 },
  { codec: 'top-k', ratio: 0.3, values: 'fp16' },
  { codec: 'top-k', ratio: 1 },
  { codec: 'random-k', ratio: 0.05 },
  { codec: 'random-k', ratio: 0.5, values: 'fp16' },
  { codec: 'qsgd', levels: 1 },
  { codec: 'qsgd', levels: 7 },
  { codec: 'qsgd', levels: 255 },
  { codec: 'qsgd', levels: 15, bucket: 128 },
  { codec: 'qsgd', levels: 300, bucket: 7 },
  { codec: 'int8' },
  { codec: 'fp16' },
];
const SIZES = [1, 2, 7, 8, 33, 1000, 70_001];

describe('encodedBytes', () => {
  for (const options of CODECS)
    it(`equals encode().length for ${JSON.stringify(options)}`, () => {
      const codec = createCodec(options, new RandomStreams(1));
      const rng = new RandomStreams(2).stream('sizes');
      for (const n of SIZES) {
        const delta = Float32Array.from({ length: n }, () => rng.normal(0, 0.1));
        const at = { round: 1, clientId: n };
        const bytes = codec.encode(delta, at);
        expect(bytes.length).toBe(codec.encodedBytes(n));
        expect(codec.decode(bytes, n, at).length).toBe(n);
      }
    });

  it('are the documented sizes for 1,000,000 parameters', () => {
    const bytes = (options: CodecOptions) =>
      createCodec(options, new RandomStreams(1)).encodedBytes(1_000_000);
    // top-k 1%: 10,000 indices of 20 bits (25,000 bytes) + 10,000 float32 values.
    expect(bytes({ codec: 'top-k', ratio: 0.01 })).toBe(25_000 + 40_000);
    expect(bytes({ codec: 'random-k', ratio: 0.01 })).toBe(40_000);
    // qsgd s = 1: 2 bits a coordinate; s = 15: 5 bits.
    expect(bytes({ codec: 'qsgd', levels: 1 })).toBe(4 + 250_000);
    expect(bytes({ codec: 'qsgd', levels: 15 })).toBe(4 + 625_000);
    // with buckets of 128: 7,813 float32 norms (the last bucket holds 64 values).
    expect(bytes({ codec: 'qsgd', levels: 15, bucket: 128 })).toBe(4 * 7813 + 625_000);
    expect(bytes({ codec: 'int8' })).toBe(4 + 1_000_000);
    expect(bytes({ codec: 'fp16' })).toBe(2_000_000);
  });
});

describe('codec options', () => {
  it('are a strict zod object, as the wrapper registry lists options by its shape', () => {
    const schema: z.ZodObject = compressOptions;
    expect(Object.keys(schema.shape)).toEqual([
      'codec',
      'ratio',
      'levels',
      'bucket',
      'values',
      'errorFeedback',
    ]);
  });

  it('accept each codec with its parameters', () => {
    for (const options of CODECS) expect(compressOptions.safeParse(options).success).toBe(true);
  });

  it('name a ratio outside (0, 1]', () => {
    const result = compressOptions.safeParse({ codec: 'top-k', ratio: 1.5 });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['ratio', 'ratio must be in (0, 1]'],
    ]);
    expect(() => createCodec({ codec: 'random-k', ratio: 0 }, new RandomStreams(1))).toThrow(
      'ratio(=0) must be in (0, 1]',
    );
  });

  it('name a missing parameter and one the codec does not take', () => {
    const result = compressOptions.safeParse({ codec: 'qsgd', ratio: 0.1 });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['ratio', 'codec qsgd does not take ratio'],
      ['levels', 'codec qsgd needs levels'],
    ]);
    expect(() => createCodec({ codec: 'top-k' }, new RandomStreams(1))).toThrow(
      'codec top-k needs ratio',
    );
  });

  it('reject an unknown option (strict)', () => {
    expect(compressOptions.safeParse({ codec: 'int8', bits: 8 }).success).toBe(false);
  });
});

describe('secureAggregationSupport', () => {
  it('lets the quantisers and random-k compose, and says why top-k does not', () => {
    for (const codec of ['random-k', 'qsgd', 'int8', 'fp16'] as const)
      expect(secureAggregationSupport(codec)).toEqual({ composes: true });
    const topK = secureAggregationSupport('top-k');
    expect(topK.composes).toBe(false);
    expect(topK.composes === false && topK.reason).toMatch('needs shared indices');
  });
});
