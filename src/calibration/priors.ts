/**
 * What the calibration assumes before it sees a measurement: for each kind of
 * processor, each parameter's typical value and how far (a factor) it may
 * plausibly be off. The fit weighs these as log-normal priors against the
 * data, so a parameter no measurement constrains (depthwise efficiency on a
 * profile measured only on ResNet-50) stays at its prior instead of drifting.
 *
 * All values are estimates (no single source; OUTPUTS_PER_THREAD comes from
 * the T4's fit), chosen from how the hardware works: a GPU needs independent
 * outputs in proportion to the threads its SMs hold (a T4's 40 SMs hold
 * 40,960; about 1e5 outputs for half the rate where a profile does not give
 * its threads, priorsOf) and runs depthwise and element-wise
 * kernels far below its tensor-core rate; a CPU fills its cores' SIMD lanes
 * with a few dozen outputs (4 cores x 4-16 lanes) and a microcontroller with
 * one, but both pay per layer and per call; NPUs sit between (a systolic
 * array of 64 x 64 multipliers fills with thousands). Every output costs a
 * CPU or microcontroller fixed instructions besides its multiply-accumulates
 * (its accumulator's load and store, requantizing, the activation), worth
 * some 16 MACs on a CPU's GEMM kernels and 8 on a microcontroller's; an NPU
 * idles the rows of its array a shallow reduction leaves empty (about 32).
 * A GPU has no such prior: it overlaps a shallow layer's epilogue with the
 * memory traffic the roofline already charges, so its fit leaves the term
 * out. The spreads are wide (a factor 3-10) so that the data decide
 * wherever there are data.
 */
import type { HardwareProfile, Processor } from '../fleet/profiles.js';
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
  /** Most each class's efficiency may reach (a bound of the fit, not a prior). */
  maxEfficiency: Record<Exclude<OperatorClass, 'conv'>, number>;
  halfOutputs: Prior;
  /**
   * Multiply-accumulates per output at which a layer runs at half its
   * class's rate (roofline.ts); absent = the processor pays no such cost.
   */
  halfDepth?: Prior;
  bandwidthFactor: Prior;
  layerOverheadS: Prior;
  callOverheadS: Prior;
}

const wide = (value: number): Prior => ({ value, spread: 10 });
const loose = (value: number): Prior => ({ value, spread: 3 });
const firm = (value: number): Prior => ({ value, spread: 1.5 });

/**
 * Class efficiencies may exceed conv's by half: on CPUs and GPUs a 1x1
 * convolution is a plain matrix multiply while a 3x3 one pays for im2col or
 * runs as Winograd, so either can be the faster per operation, and an NPU
 * whose internals are not known to be otherwise (the Snapdragons' Hexagon)
 * is left as free. On a weight-stationary systolic array (priorsOf) both are
 * the same matrix multiply with a deeper reduction (K = 9 x channels) for
 * the 3x3, which fills the array's rows at least as well and reuses each
 * loaded weight tile as often, so pointwise layers run no faster than
 * standard convolutions there.
 */
const FREE = { depthwise: 1.5, pointwise: 1.5, dense: 1.5, elementwise: 1.5 };

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
    maxEfficiency: FREE,
    halfOutputs: wide(30),
    halfDepth: wide(16),
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
    maxEfficiency: FREE,
    halfOutputs: wide(1e5),
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
    maxEfficiency: FREE,
    halfOutputs: wide(1e4),
    halfDepth: wide(32),
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
    maxEfficiency: FREE,
    halfOutputs: wide(1),
    halfDepth: wide(8),
    bandwidthFactor: firm(1),
    layerOverheadS: wide(2e-5),
    callOverheadS: wide(1e-4),
  },
};

/**
 * Output elements per resident thread at which a GPU's layer runs at half
 * its rate, as the best-measured GPU shows it: the T4's fit to MLPerf at
 * batch 1 to 256 put half its rate at 362,000 outputs (session 17, under
 * the kind's flat prior) on 40,960 resident threads, about 9 each (a GEMM
 * kernel's thread computes several outputs). The kind's flat 1e5 assumed 2.4.
 */
export const OUTPUTS_PER_THREAD = 362_000 / 40_960;

/**
 * A profile's priors: its processor kind's, except that a GPU that gives its
 * resident threads (SMs x threads per SM) fills at that many threads times
 * OUTPUTS_PER_THREAD, so a one-SM Jetson Nano expects half its rate from
 * 18,000 outputs where an A100 needs two million; and a weight-stationary
 * systolic array of side N fills by output positions (roofline.ts), and
 * each weight tile pays about N positions to fill the array and N to drain
 * it, so half its rate comes at about 2N positions (an estimate from how
 * such arrays run, e.g. Jouppi et al. 2017 on the TPU's; spread 3 for what
 * the compiler overlaps), and its pointwise layers run no faster than its
 * standard convolutions (see FREE).
 */
export function priorsOf(
  profile: Pick<HardwareProfile, 'processor' | 'systolicArray' | 'residentThreads'>,
): Priors {
  const priors = PRIORS[profile.processor];
  if (profile.systolicArray !== undefined) {
    return {
      ...priors,
      halfOutputs: loose(2 * profile.systolicArray),
      maxEfficiency: { ...priors.maxEfficiency, pointwise: 1 },
    };
  }
  if (profile.processor === 'gpu' && profile.residentThreads !== undefined)
    return { ...priors, halfOutputs: wide(OUTPUTS_PER_THREAD * profile.residentThreads) };
  return priors;
}
