import { describe, expect, it } from 'vitest';
import { layerPlan } from '../../src/fleet/layer-plan.js';
import { ProfileLibrary } from '../../src/fleet/profiles.js';
import { type DeviceCompute, inferenceTime } from '../../src/fleet/roofline.js';
import {
  type CostCard,
  parseCostCard,
  ssdMobileNetV1,
  ssdMobileNetV2,
} from '../../src/ml/cost/index.js';

/**
 * A detector's post-processing (TFLite_Detection_PostProcess) runs on the host
 * CPU: anchors x (classes + 1) scores read and anchors x maxDetections overlap
 * tests, each at the profile's `host` time. Worked by hand on SSD-MobileNet
 * (1,917 anchors, 90 classes) and a made-up host.
 */
const host = { scoreS: 10e-9, overlapS: 50e-9 };

function device(withHost: boolean): DeviceCompute {
  return {
    throughput: { int8: { achievableFlops: 1e12, peakFlops: 1e12, sparseSpeedup: 1 } },
    fallback: {},
    memoryBandwidthBps: 1e10,
    ...(withHost && { host }),
  };
}

function time(card: CostCard, dev: DeviceCompute, batch = 1) {
  const result = inferenceTime(card, dev, 'int8', { batch });
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('detection post-processing on the host CPU', () => {
  it('ends the SSD cards: 1,917 anchors, 90 classes, 10 detections by default and 20 for Coral’s files', () => {
    for (const card of [ssdMobileNetV1(), ssdMobileNetV2()]) {
      const last = card.layers.at(-1);
      expect(last).toMatchObject({
        kind: 'detectionPostprocess',
        flops: 0,
        params: 0,
        detection: { anchors: 1917, classes: 90, maxDetections: 10 },
        inputElements: 1917 * (4 + 91),
      });
      const names = (last?.inputs ?? []).map((i) => card.layers[i]?.name);
      expect(names).toEqual(['box_encodings', 'class_predictions_with_background']);
    }
    const coral = ssdMobileNetV2({ variant: 'coral' });
    expect(coral.name).toBe('ssd-mobilenet-v2-coral');
    expect(coral.layers.at(-1)?.detection?.maxDetections).toBe(20);
  });

  it('costs 1,917 x 91 scores and 1,917 x 10 overlap tests on the host, as worked by hand', () => {
    // 174,447 x 10 ns + 19,170 x 50 ns = 1.74447 ms + 0.9585 ms = 2.70297 ms
    const card = ssdMobileNetV2();
    const withHost = time(card, device(true));
    const without = time(card, device(false));
    expect(withHost.hostS).toBeCloseTo(2.70297e-3, 12);
    expect(without.hostS).toBe(0);
    expect(withHost.timeS - without.timeS).toBeCloseTo(2.70297e-3, 12);
    const plan = layerPlan(card, 0, card.layers.length).at(-1);
    expect(plan).toMatchObject({ hostScores: 174_447, hostOverlaps: 19_170 });
  });

  it('runs once per input of a batch', () => {
    expect(time(ssdMobileNetV2(), device(true), 4).hostS).toBeCloseTo(4 * 2.70297e-3, 12);
  });

  it('is priced on the Coral Dev Board’s and the Pi 4’s CPUs, and not timed elsewhere', () => {
    const library = new ProfileLibrary();
    expect(library.resolve('coral-dev-board').host).toEqual({
      scoreS: 17.15e-9,
      overlapS: 95.81e-9,
    });
    expect(library.resolve('raspberry-pi-4').host).toEqual({
      scoreS: 6.275e-9,
      overlapS: 28.26e-9,
    });
    expect(library.resolve('edge-server-t4').host).toBeUndefined();
  });

  it('reproduces on each board the two SpaghettiNet points its figures were solved from', () => {
    // 2,058 anchors, 90 classes; Dev Board +5.183 ms at 10 detections and +22.93 at 100,
    // Pi 4 +1.757 and +6.990 (NobuoTsukamoto/benchmarks, means of S, M and L).
    const spaghetti = (maxDetections: number) =>
      parseCostCard({
        name: 'spaghettinet-postprocess',
        inputShape: [2058, 95],
        layers: [
          {
            name: 'pp',
            kind: 'detectionPostprocess',
            flops: 0,
            params: 0,
            inputElements: 2058 * 95,
            outputElements: 6 * maxDetections,
            outputShape: [maxDetections, 6],
            detection: { anchors: 2058, classes: 90, maxDetections },
          },
        ],
      });
    const library = new ProfileLibrary();
    const ms = (profile: string, d: number) =>
      time(spaghetti(d), library.resolve(profile)).hostS * 1e3;
    expect(ms('coral-dev-board', 10)).toBeCloseTo(5.183, 2);
    expect(ms('coral-dev-board', 100)).toBeCloseTo(22.93, 2);
    expect(ms('raspberry-pi-4', 10)).toBeCloseTo(1.757, 2);
    expect(ms('raspberry-pi-4', 100)).toBeCloseTo(6.99, 2);
  });

  it('in a card file, a detection layer must say what it works through, and only it', () => {
    const card = (layer: object) => ({
      name: 'det',
      inputShape: [10, 4],
      layers: [
        {
          name: 'pp',
          flops: 0,
          params: 0,
          inputElements: 40,
          outputElements: 60,
          outputShape: [10, 6],
          ...layer,
        },
      ],
    });
    const ok = parseCostCard(
      card({
        kind: 'detectionPostprocess',
        detection: { anchors: 10, classes: 3, maxDetections: 10 },
      }),
    );
    expect(ok.layers[0]?.detection).toEqual({ anchors: 10, classes: 3, maxDetections: 10 });
    expect(() => parseCostCard(card({ kind: 'detectionPostprocess' }), 'det.json')).toThrow(
      /det\.json: layers\[0\]\.kind: a detectionPostprocess layer/,
    );
    expect(() =>
      parseCostCard(
        card({ kind: 'concat', detection: { anchors: 10, classes: 3, maxDetections: 10 } }),
        'det.json',
      ),
    ).toThrow(/layers\[0\]\.detection/);
  });
});
