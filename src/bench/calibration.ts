/**
 * The latency model's calibration (src/calibration/): one fit of the
 * Raspberry Pi 4, the profile with the most rows and stacks (28 calibration rows, 8
 * stacks at fp32), as `edgesim calibrate raspberry-pi-4` runs it; and the
 * roofline time the fit asks for thousands of times a fit, of five zoo cards
 * (22 to 246 layers) on that profile.
 */
import { calibrate } from '../calibration/index.js';
import { type CostCard, inferenceTime, MODEL_ZOO, ProfileLibrary } from '../index.js';
import type { BenchCase } from './harness.js';

const PROFILE = 'raspberry-pi-4';
const CARDS = ['resnet-50', 'mobilenet-v2', 'inception-v1', 'vgg-16', 'densenet-121'];
/** Calls of each card per timed run. */
const CALLS = 2000;

export function calibrationCases(): BenchCase[] {
  const profile = new ProfileLibrary().resolve(PROFILE);
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
      name: `calibration: fit ${PROFILE} to its measurements (calibrate, all precisions)`,
      run: () => {
        calibrate(PROFILE);
        return 1;
      },
      unit: 'fits',
    },
  ];
}
