/**
 * What the calibration assumes before it sees a measurement: for each kind of
 * processor, each parameter's typical value and how far (a factor) it may
 * plausibly be off. The fit weighs these as log-normal priors against the
 * data, so a parameter no measurement constrains (depthwise efficiency on a
 * profile measured only on ResNet-50) stays at its prior instead of drifting.
 *
 * All values are estimates (no single source), chosen from how the hardware
 * works: GPUs need tens to hundreds of MOPs per kernel to fill their SMs and
 * run depthwise and element-wise kernels far below their tensor-core rate;
 * CPUs and microcontrollers fill quickly but pay per layer and per call;
 * NPUs sit between. The spreads are wide (a factor 3-10) so that the data
 * decide wherever there are data.
 */
import type { Processor } from '../fleet/profiles.js';
import type { OperatorClass } from '../fleet/roofline.js';

/** A log-normal prior: median `value`, one standard deviation = a factor `spread`. */
export interface Prior {
  value: number;
  spread: number;
}

export interface Priors {
  /** The saturated conv rate as a fraction of the datasheet peak. */
  peakFraction: Prior;
  efficiency: Record<Exclude<OperatorClass, 'conv'>, Prior>;
  halfWorkOps: Prior;
  bandwidthFactor: Prior;
  layerOverheadS: Prior;
  callOverheadS: Prior;
}

const wide = (value: number): Prior => ({ value, spread: 10 });
const loose = (value: number): Prior => ({ value, spread: 3 });
const firm = (value: number): Prior => ({ value, spread: 1.5 });

/** Estimates, per processor kind (see the file comment). */
export const PRIORS: Readonly<Record<Processor, Priors>> = {
  cpu: {
    peakFraction: wide(0.3),
    efficiency: {
      depthwise: loose(0.3),
      pointwise: firm(0.9),
      dense: loose(0.5),
      elementwise: loose(0.25),
    },
    halfWorkOps: wide(1e5),
    bandwidthFactor: firm(1),
    layerOverheadS: wide(5e-6),
    callOverheadS: wide(1e-4),
  },
  gpu: {
    peakFraction: wide(0.4),
    efficiency: {
      depthwise: loose(0.1),
      pointwise: firm(0.9),
      dense: loose(0.5),
      elementwise: loose(0.1),
    },
    halfWorkOps: wide(3e8),
    bandwidthFactor: firm(1),
    layerOverheadS: wide(5e-6),
    callOverheadS: wide(5e-5),
  },
  npu: {
    peakFraction: wide(0.3),
    efficiency: {
      depthwise: loose(0.3),
      pointwise: firm(1),
      dense: loose(0.5),
      elementwise: loose(0.2),
    },
    halfWorkOps: wide(1e7),
    bandwidthFactor: firm(1),
    layerOverheadS: wide(2e-6),
    callOverheadS: wide(1e-4),
  },
  mcu: {
    peakFraction: wide(0.3),
    efficiency: {
      depthwise: loose(0.6),
      pointwise: firm(0.9),
      dense: loose(0.8),
      elementwise: loose(0.5),
    },
    halfWorkOps: wide(1e2),
    bandwidthFactor: firm(1),
    layerOverheadS: wide(2e-5),
    callOverheadS: wide(1e-4),
  },
};
