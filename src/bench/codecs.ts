/**
 * Update codecs on the sizes (#19): top-k of 1,000,000 parameters
 * at k = 1% (target under 10 ms: a selection, not a sort), and QSGD encode
 * and decode of 1,000,000 parameters, as one bucket and in buckets of 128.
 */
import { RandomStreams } from '../engine/random.js';
import { QsgdCodec, TopKCodec, topKIndices } from '../workloads/federated/codecs/index.js';
import type { BenchCase } from './harness.js';

const PARAMETERS = 1_000_000;
const K = 10_000;
/** QSGD levels: s = 15, 5 bits a coordinate. */
const LEVELS = 15;
/** GRACE's default QSGD bucket (sands-lab/grace, grace_dl/dist/compressor/qsgd.py). */
const BUCKET = 128;
const AT = { round: 1, clientId: 0 };

interface Inputs {
  delta: Float32Array;
  topK: TopKCodec;
  qsgd: QsgdCodec;
  qsgdBytes: Uint8Array;
  bucketed: QsgdCodec;
  bucketedBytes: Uint8Array;
}

let inputs: Inputs | undefined;

/**
 * A normal(0, 0.01) update of 1,000,000 float32 values and its QSGD
 * encoding, built on first use (the harness's warm-up run pays for it).
 */
function codecInputs(): Inputs {
  if (inputs === undefined) {
    const streams = new RandomStreams(1);
    const rng = streams.stream('codecs-bench');
    const delta = Float32Array.from({ length: PARAMETERS }, () => rng.normal(0, 0.01));
    const qsgd = new QsgdCodec({ levels: LEVELS }, streams);
    const topK = new TopKCodec({ ratio: K / PARAMETERS });
    const bucketed = new QsgdCodec({ levels: LEVELS, bucket: BUCKET }, streams);
    inputs = {
      delta,
      topK,
      qsgd,
      qsgdBytes: qsgd.encode(delta, AT),
      bucketed,
      bucketedBytes: bucketed.encode(delta, AT),
    };
  }
  return inputs;
}

export const codecCases: BenchCase[] = [
  {
    name: 'codecs: top-k selection (k = 1%) of 1,000,000 float32',
    run: () => {
      topKIndices(codecInputs().delta, K);
      return PARAMETERS;
    },
    unit: 'parameters',
  },
  {
    name: 'codecs: top-k encode (k = 1%, 20-bit indices, float32 values) of 1,000,000',
    run: () => {
      const { topK, delta } = codecInputs();
      topK.encode(delta, AT);
      return PARAMETERS;
    },
    unit: 'parameters',
  },
  {
    name: 'codecs: QSGD encode (s = 15) of 1,000,000 float32',
    run: () => {
      const { qsgd, delta } = codecInputs();
      qsgd.encode(delta, AT);
      return PARAMETERS;
    },
    unit: 'parameters',
  },
  {
    name: 'codecs: QSGD decode (s = 15) of 1,000,000 float32',
    run: () => {
      const { qsgd, qsgdBytes } = codecInputs();
      qsgd.decode(qsgdBytes, PARAMETERS, AT);
      return PARAMETERS;
    },
    unit: 'parameters',
  },
  {
    name: 'codecs: QSGD encode (s = 15, buckets of 128) of 1,000,000 float32',
    run: () => {
      const { bucketed, delta } = codecInputs();
      bucketed.encode(delta, AT);
      return PARAMETERS;
    },
    unit: 'parameters',
  },
  {
    name: 'codecs: QSGD decode (s = 15, buckets of 128) of 1,000,000 float32',
    run: () => {
      const { bucketed, bucketedBytes } = codecInputs();
      bucketed.decode(bucketedBytes, PARAMETERS, AT);
      return PARAMETERS;
    },
    unit: 'parameters',
  },
];
