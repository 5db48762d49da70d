import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ArchitectureMismatch,
  applyDelta,
  encodeDelta,
} from '../../../src/compression/model-delta.js';
import { splitModelFile } from '../../../src/compression/model-file.js';
import { decodeModel } from '../../../src/workloads/compress/encode-model.js';

// Written by scripts/make-rollout-fixtures.ts: an MLP 784-32-10 trained on MNIST, and two
// fine-tuned copies on digits 0-4 (20 SGD steps): the head only, and every layer.
const DIR = join(__dirname, '../../../scenarios/models/rollout');
const model = (name: string) => new Uint8Array(readFileSync(join(DIR, `${name}.edgm`)));
const base = model('base');

function bitsOf(weights: Map<string, Float32Array>): Map<string, Uint32Array> {
  return new Map([...weights].map(([name, w]) => [name, new Uint32Array(w.slice().buffer)]));
}

describe('delta updates between real model versions', () => {
  it('applying the delta to the base gives the fine-tuned file, and so its weights, bit for bit', () => {
    for (const name of ['finetuned-head', 'finetuned-full']) {
      const target = model(name);
      const rebuilt = applyDelta(base, encodeDelta(base, target));
      expect(Buffer.compare(Buffer.from(rebuilt), Buffer.from(target))).toBe(0);
      expect(bitsOf(decodeModel(rebuilt))).toEqual(bitsOf(decodeModel(target)));
    }
  });

  it('a head-only fine-tune changes only fc2, and its delta costs less than fc2 alone', () => {
    const target = model('finetuned-head');
    const before = decodeModel(base);
    const after = decodeModel(target);
    const changed = [...after.keys()].filter(
      (name) =>
        Buffer.compare(
          Buffer.from(before.get(name)!.buffer),
          Buffer.from(after.get(name)!.buffer),
        ) !== 0,
    );
    expect(changed).toEqual(['fc2/kernel', 'fc2/bias']);
    const delta = encodeDelta(base, target);
    const parts = splitModelFile(target);
    // fc2's segments in full (330 float32 values plus headers) and the metadata, which differs by the model's name.
    const fc2Bytes = parts.tensors
      .filter((t) => t.name.startsWith('fc2'))
      .reduce((n, t) => n + t.bytes.length, 0);
    expect(fc2Bytes).toBe(2 + 10 + 4 + 12 + 320 * 4 + (2 + 8 + 4 + 8 + 10 * 4));
    expect(delta.length).toBeLessThan(fc2Bytes + 37 + 64); // 37: header and digests; 64: metadata
    const ratio = delta.length / target.length;
    expect(ratio).toBeLessThan(0.015); // measured: 1,161 / 102,829 bytes = 0.0113
  });

  it('a full fine-tune costs more than the head-only one but less than the full model', () => {
    const full = encodeDelta(base, model('finetuned-full')).length;
    const head = encodeDelta(base, model('finetuned-head')).length;
    expect(full).toBeGreaterThan(head);
    // measured: 50,234 / 102,829 bytes = 0.49 (fc1 rows of always-blank pixels do not move)
    expect(full / base.length).toBeLessThan(0.6);
  });

  it('an unchanged model costs only the header', () => {
    expect(encodeDelta(base, base).length).toBe(4 + 1 + 16 + 16 + 1 + 5);
  });

  it('refuses a delta between architectures, naming both', () => {
    const other = model('other-arch');
    expect(() => encodeDelta(base, other)).toThrow(ArchitectureMismatch);
    expect(() => encodeDelta(base, other)).toThrow(
      /fc1\/kernel\) has shape \[784, 32\] vs \[784, 16\].*base: Flatten, Dense, Dense; fc1\/kernel\[784,32\].*target: .*fc1\/kernel\[784,16\]/,
    );
  });

  it('refuses a delta applied to another base', () => {
    const delta = encodeDelta(base, model('finetuned-head'));
    expect(() => applyDelta(model('finetuned-full'), delta)).toThrow(/another base model/);
  });
});
