import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileLibrary } from '../../../src/fleet/profiles.js';
import { inferenceTime } from '../../../src/fleet/roofline.js';
import { type CompressScenario, compressWorkload, validateScenario } from '../../../src/index.js';
import { mobileNetV2 } from '../../../src/ml/cost/index.js';
import {
  estimateOnProfiles,
  type VariantMeasure,
} from '../../../src/workloads/compress/measure.js';
import { compressionReport } from '../../../src/workloads/compress/report.js';
import { expectInputError } from '../../helpers/input-error.js';

/**
 * A compression scenario's `profiles` may name a software stack a profile's
 * calibration measured, `{ profile, stack }`: its estimates are that stack's
 * (the reference's time x its fitted factor + its added time), with a
 * `stack` column, and the report charts each entry apart.
 */
const FILE = resolve('test/fixtures/inline.yaml');

function resolved(profiles: unknown[]) {
  const scenario = validateScenario(
    {
      name: 'stacks',
      compress: {
        dataset: { kind: 'synthetic', alpha: 0, beta: 0, devices: 2 },
        model: { zoo: 'logistic' },
        profiles,
      },
    },
    FILE,
  ) as CompressScenario;
  return compressWorkload.resolve(scenario, FILE, new ProfileLibrary());
}

const TFLITE = 'TFLite 2.7.1 (ruy)';

describe('compress.profiles with a stack', () => {
  it('estimates on the stack as its fitted factor and added time say, and names it', () => {
    const { profiles } = resolved(['raspberry-pi-4', { profile: 'raspberry-pi-4', stack: TFLITE }]);
    expect(profiles.map((p) => p.stack)).toEqual([undefined, TFLITE]);
    const measure = { card: mobileNetV2(), precision: 'int8', kernelSparsity: 0 };
    const [reference, tflite] = estimateOnProfiles(measure as VariantMeasure, profiles);
    const fitted = new ProfileLibrary().resolve('raspberry-pi-4').throughput.int8?.calibration
      ?.otherFrameworks?.[TFLITE];
    const plain = inferenceTime(mobileNetV2(), profiles[0]!, 'int8');
    if (fitted === undefined || !plain.ok) throw new Error('the Pi 4 lost its TFLite int8 fit');
    expect(reference).toMatchObject({ stack: null, latencyS: plain.timeS });
    expect(tflite?.stack).toBe(TFLITE);
    expect(tflite?.latencyS).toBeCloseTo(fitted.factor * plain.timeS + fitted.addedS, 15);
  });

  it('charts each profile entry apart', () => {
    const { profiles } = resolved(['raspberry-pi-4', { profile: 'raspberry-pi-4', stack: TFLITE }]);
    const row = (stack: string, latency: number) => ['v', 'raspberry-pi-4', stack, 0.9, latency];
    const report = compressionReport(
      'c',
      {
        variants: { columns: ['variant', 'status'], rows: [] },
        estimates: {
          columns: ['variant', 'profile', 'stack', 'accuracy', 'latency_s', 'status'],
          rows: [
            [...row('', 0.02), 'ok'],
            [...row(TFLITE, 0.01), 'ok'],
          ],
        },
      },
      profiles,
    );
    const latency = report.charts.slice(1);
    expect(latency.map((c) => c.title)).toEqual([
      'Accuracy vs latency on raspberry-pi-4',
      `Accuracy vs latency on raspberry-pi-4 (${TFLITE})`,
    ]);
    expect(latency.map((c) => ('rows' in c ? c.rows.map((r) => r.latency_s) : []))).toEqual([
      [0.02],
      [0.01],
    ]);
  });

  it('refuses a stack the profile never measured, at the entry’s stack', () => {
    const error = expectInputError(() =>
      resolved([{ profile: 'raspberry-pi-4', stack: 'TFLite 2.9' }]),
    );
    expect(error.problems.map((p) => p.path)).toEqual(['compress.profiles[0].stack']);
    expect(error.problems[0]?.message).toContain(`"${TFLITE}"`);
  });
});
