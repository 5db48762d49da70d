/**
 * The latency model's calibration (src/calibration/): one fit of the
 * Raspberry Pi 4, the profile with the most rows and stacks (28 calibration rows, 8
 * stacks at fp32), as `edgesim calibrate raspberry-pi-4` runs it; and the
 * roofline time the fit asks for thousands of times a fit, of five zoo cards
 * (22 to 246 layers) on that profile; and the slice tables split computing
 * builds at resolve time (every suffix of DenseNet-121 at batch 1 to 64 on a
 * T4, as a server with maxBatch 64 needs them).
 */
import { calibrate } from '../calibration/index.js';
import { type CostCard, inferenceTime, MODEL_ZOO, ProfileLibrary } from '../index.js';
import type { BenchCase } from './harness.js';

const PROFILE = 'raspberry-pi-4';
const CARDS = ['resnet-50', 'mobilenet-v2', 'inception-v1', 'vgg-16', 'densenet-121'];
/** Calls of each card per timed run. */
const CALLS = 2000;

export function calibrationCases(): BenchCase[] {
  const library = new ProfileLibrary();
  const profile = library.resolve(PROFILE);
  const server = library.resolve('edge-server-t4');
  const cards = CARDS.map((name) => (MODEL_ZOO[name] as () => CostCard)());
  return [
    {
      name: `calibration: inferenceTime, ${CARDS.length} zoo cards x ${CALLS} calls on ${PROFILE} int8`,
      run: () => {
        for (let i = 0; i < CALLS; i++)
          for (const card of cards) inferenceTime(card, profile, 'int8');
        return CARDS.length * CALLS;
      },
      unit: 'calls',
    },
    {
      name: 'split tables: densenet-121 suffixes x batch 1..64 on edge-server-t4 int8',
      run: () => {
        // A new card each run: resolve time meets it with no plan kept.
        const card = (MODEL_ZOO['densenet-121'] as () => CostCard)();
        const L = card.layers.length;
        for (let k = 0; k < L; k++)
          for (let batch = 1; batch <= 64; batch++)
            inferenceTime(card, server, 'int8', { batch, layers: [k, L] });
        return L * 64;
      },
      unit: 'slices',
    },
    {
      name: `calibration: fit ${PROFILE} to its measurements (calibrate, all precisions)`,
      run: () => {
        calibrate(PROFILE);
        return 1;
      },
      unit: 'fits',
    },
  ];
}
