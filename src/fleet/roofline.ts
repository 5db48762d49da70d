/**
 * Roofline compute time of a model on a device (Williams, Waterman, Patterson,
 * "Roofline: An Insightful Visual Performance Model for Multicore
 * Architectures", CACM 52(4), 2009), applied layer by layer: a layer takes
 * the longer of its arithmetic at the device's achievable rate and its
 * memory traffic at the device's bandwidth, and a model takes the sum.
 *
 * A calibrated precision refines the roofline as kernel-level predictors do
 * (nn-Meter, MobiSys 2021): each operator class runs at its own fraction of
 * the rate; a layer's arithmetic reaches the rate only when it has enough
 * independent outputs to fill the device's lanes (a saturating curve in the
 * outputs per layer, so in the batch; pointwise convolutions that read the
 * same tensor fill it together, as horizontally fused kernels do) and,
 * where each output costs fixed work, when its reduction is deep enough
 * (a saturating curve in the multiply-accumulates per output); each
 * executed kernel costs a dispatch overhead and each call a fixed overhead;
 * an accelerator with a weight cache streams the weights that do not fit.
 * The parameters are fitted to published measurements by `edgesim
 * calibrate` (src/calibration/).
 *
 * Precision the device lacks falls back along the profile's chain (int4 ->
 * int8 -> fp16) or is rejected; a model that falls back runs, and moves its
 * bytes, at the precision it falls back to.
 */
import {
  BYTES_PER_ELEMENT,
  type CostCard,
  isIntegerPrecision,
  type Precision,
} from '../vocabulary/cost-card.js';
import { layerPlan, type OperatorClass, type PlannedLayer, requantizing } from './layer-plan.js';
import { resolvePrecision } from './precision-fallback.js';
import { onStack, type StackTiming, stackTiming } from './stack.js';

export { OPERATOR_CLASSES, type OperatorClass, operatorClass } from './layer-plan.js';
export { type PrecisionResolution, resolvePrecision } from './precision-fallback.js';
export { onStack, REFERENCE_TIMING, type StackTiming } from './stack.js';

/** What a device does at one precision, in FLOP/s (or op/s for integer precisions). */
export interface PrecisionThroughput {
  /**
   * Rate reached on real models; the roofline uses this one. With a
   * calibration, the rate of standard convolutions with work enough to fill
   * the device.
   */
  achievableFlops: number;
  /** Datasheet peak, for reference. */
  peakFlops: number;
  /** Most that weight sparsity can speed the arithmetic (2 for 2:4 structured sparsity); 1 = no sparse support. */
  sparseSpeedup: number;
  /** Calibrated refinements; absent = the plain roofline. */
  calibration?: LatencyCalibration;
}

/** The calibrated parameters of one precision of a device. */
export interface LatencyCalibration {
  /** Each class's arithmetic rate as a fraction of `achievableFlops` (`conv` is 1 by definition). */
  efficiency: Readonly<Record<OperatorClass, number>>;
  /**
   * Output elements of one layer call (whole batch) at which its arithmetic
   * runs at half its class's rate: with n outputs the device's lanes are
   * busy a fraction n / (n + halfOutputs), so a layer of class k with work w
   * takes (w / e_k) x (1 + halfOutputs / n) / F. Parallelism, not work, is
   * what fills a device: a GPU needs tens of thousands of threads in flight
   * whatever each computes, so a small late layer of ResNet-50 at batch 1
   * runs far below the rate while a large element-wise add costs only its
   * bytes. On a device with a `systolicArray` it counts output positions.
   * 0 = always at the rate.
   */
  halfOutputs: number;
  /**
   * Multiply-accumulates per output (the reduction depth K: 9 for a 3x3
   * depthwise filter, the input channels for a 1x1 convolution) at which a
   * layer that multiplies runs at half its class's rate: each output also
   * costs a fixed amount of work (loading and storing its accumulator,
   * requantizing, the activation; on a systolic array, the rows a shallow
   * reduction leaves idle), so its arithmetic takes x (1 + halfDepth / K).
   * Absent or 0 = no such cost.
   */
  halfDepth?: number;
  /**
   * Effective memory bandwidth as a multiple of the profile's: below 1 where
   * kernels reach less than the datasheet bandwidth, above 1 where fusion and
   * on-chip caches keep activations out of DRAM.
   */
  bandwidthFactor: number;
  /** Time each executed layer adds (kernel dispatch), seconds. */
  layerOverheadS: number;
  /** Time each call adds (framework dispatch, input and output handling), seconds. */
  callOverheadS: number;
  /**
   * The software stack the parameters describe: the one the device runs as.
   * `edgesim calibrate` keeps it as the fit's reference when it has rows.
   */
  framework?: string;
  /** Other stacks measured, each with how its times relate to `framework`'s (fidelity uses them). */
  otherFrameworks?: Readonly<Record<string, StackTiming>>;
}

/** A host CPU's speed at a detector's post-processing (see `DeviceCompute.host`). */
export interface HostCpu {
  /** Seconds per anchor-class score the post-processing reads. */
  scoreS: number;
  /** Seconds per overlap test of its non-maximum suppression. */
  overlapS: number;
}

/** The compute side of a hardware profile. */
export interface DeviceCompute {
  /** Supported precisions; an absent precision is unsupported. */
  throughput: Partial<Record<Precision, PrecisionThroughput>>;
  /** For an unsupported precision, the precision run instead; may chain (int4 -> int8 -> fp16). */
  fallback: Partial<Record<Precision, Precision>>;
  /** Memory bandwidth, bytes per second. */
  memoryBandwidthBps: number;
  /**
   * On-chip memory that holds a model's weights between calls, and the rate
   * the weights that do not fit stream in at on every call (an Edge TPU's
   * 8 MB of SRAM and its PCIe link); absent = weights are read from memory
   * at `memoryBandwidthBps` like activations.
   */
  weightCache?: WeightCache;
  /**
   * Whether a concatenation costs nothing because the engine writes each
   * input straight into the joined buffer (TensorRT's "concat removal";
   * profiles set it on GPUs and NPUs); absent = a concatenation copies its
   * inputs like any element-wise layer (TFLite's and XNNPACK's CPU kernels).
   */
  concatInPlace?: boolean;
  /**
   * The CPU beside the accelerator (or the CPU itself), where TFLite runs a
   * detector's post-processing: seconds per anchor-class score it reads and
   * per overlap test of its non-maximum suppression. Absent = post-processing
   * is not timed.
   */
  host?: HostCpu;
  /**
   * Side of a weight-stationary systolic array (an Edge TPU's): each tile of
   * weights stays in the array while every output position streams through
   * it, and each tile pays the array's fill and drain (about twice its side,
   * in positions) whatever its channels, so a layer's arithmetic fills the
   * device by its output positions, not its output elements: `halfOutputs`
   * counts positions for convolutions and dense layers (other layers, which
   * run on the vector units beside the array, fill by elements as
   * elsewhere). Absent = every layer fills by output elements.
   */
  systolicArray?: number;
  /**
   * The software stack the device runs as, when not its calibration's
   * `framework`: one of its `otherFrameworks`, whose timing scales every
   * time the reference would take (stack.ts). Absent = the reference.
   */
  stack?: string;
}

/** See {@link DeviceCompute.weightCache}. */
export interface WeightCache {
  /** Bytes of weights kept on chip: the first layers' weights, in execution order. */
  bytes: number;
  /** Rate, B/s, at which the rest of the weights stream in on every call. */
  streamBps: number;
}

/** Options for {@link inferenceTime}. */
export interface InferenceOptions {
  /** Fraction of zero weights, in [0, 1); default 0. */
  sparsity?: number;
  /** Inputs processed together (a positive integer); default 1. */
  batch?: number;
  /** Half-open range `[from, to)` of layer indices to time (split computing); default all layers. */
  layers?: readonly [number, number];
}

/** Roofline time of a model (or a slice of it) for one batch. */
export interface ComputeEstimate {
  ok: true;
  /** Time for the whole batch: the sum over layers of max(compute, memory), seconds. */
  timeS: number;
  /** Precision the model runs at (after any fallback). */
  precision: Precision;
  /** Whether `precision` differs from the precision asked for. */
  fellBack: boolean;
  /** Sum of the layers' arithmetic times: the time with unlimited bandwidth, seconds. */
  computeBoundS: number;
  /** Sum of the layers' memory times: the time with unlimited arithmetic, seconds. */
  memoryBoundS: number;
  /** Which limit more of the accelerator's time is spent against (layers bound by compute vs by memory; `hostS` apart). */
  boundBy: 'compute' | 'memory';
  /** Part of `timeS` that is per-call and per-layer overhead, a stack's added time included (0 without a calibration), seconds. */
  overheadS: number;
  /** Part of `timeS` spent on the host CPU: detection post-processing (0 without a host), seconds. */
  hostS: number;
}

/** An estimate, or why the model cannot run at that precision on that device. */
export type InferenceTimeResult =
  | ComputeEstimate
  | {
      ok: false;
      reason: string;
      /** What is missing: the precision (and any fallback), or the device's stack at it. */
      cause: 'precision' | 'stack';
    };

/**
 * Per-layer roofline summed: sum over layers l of
 * max(b x flops_l / (F x speedup_l), (weights_l + b x activations_l) x bytesPerElement / BW),
 * with F the achievable rate at the resolved precision and BW the memory
 * bandwidth. A batch of b multiplies FLOPs and activation traffic by b; the
 * weights are read once per batch; a layer fused into an earlier one's kernel
 * (horizontalFusion) moves no input bytes of its own.
 *
 * With a calibration, the arithmetic of layer l of class k takes
 * (w / (e_k x speedup_l)) x (1 + halfOutputs / n) x (1 + halfDepth / K) / F
 * at work w = b x flops_l, n = b x its output elements (its horizontal-fusion
 * group's, see horizontalFusion; on a systolic array, a multiplying layer's
 * output positions)
 * and K its multiply-accumulates per output
 * (layers that multiply only): its class's rate F x e_k, reached as the
 * outputs fill the device and as each output's reduction outgrows its fixed
 * cost; its memory traffic moves at BW x bandwidthFactor; the larger of the
 * two counts.
 * Every kernel that computes or moves bytes adds `layerOverheadS` (a fused
 * group once, and it reads the input its members share once), and a call (a
 * non-empty slice) adds `callOverheadS`.
 *
 * A detection post-processing layer runs on the device's `host` CPU (per
 * score read and per overlap tested, times the batch), or is not timed.
 * On a device with `concatInPlace` a concatenation takes no time, except
 * at an integer precision for the inputs it must requantize: each is read
 * and written by a kernel of its own (layer-plan.ts, `requantized`).
 * A device with a weight cache keeps the first layers' weights on chip, in
 * execution order from the slice's first layer up to the cache's bytes, and
 * reads them for free; the rest of the weights stream in at its stream rate
 * on every call (once per batch), beside the activations' traffic at BW.
 *
 * Sparsity speeds the arithmetic of layers with weights (params > 0) only
 * when the device's `sparseSpeedup` exceeds 1: speedup = min(1 / (1 -
 * sparsity), sparseSpeedup), so 2:4 structured sparsity gives at most 2x.
 * Memory traffic is unchanged (weights are taken as stored dense; encoded
 * sizes belong to the compression module).
 *
 * On a device that runs as a stack other than its calibration's reference
 * (`device.stack`), every part of the time is the reference's times the
 * stack's factor, and a call adds the stack's added time (stack.ts); a
 * stack not measured at the resolved precision cannot run the model.
 *
 * A card is taken as fixed once timed: what the model reads of its layers is
 * worked out once per card object and kept (layer-plan.ts).
 *
 * Returns `{ ok: false, reason }` when the precision is unsupported and has no
 * fallback. Throws a RangeError on invalid options or device numbers.
 */
export function inferenceTime(
  card: CostCard,
  device: DeviceCompute,
  precision: Precision,
  options: InferenceOptions = {},
): InferenceTimeResult {
  const resolved = resolvePrecision(device, precision);
  if (!resolved.ok) return { ...resolved, cause: 'precision' };
  const onDevice = stackTiming(device, resolved.precision);
  if (!onDevice.ok) return { ...onDevice, cause: 'stack' };
  const throughput = device.throughput[resolved.precision] as PrecisionThroughput;
  checkDevice(device, resolved.precision, throughput);
  const { sparsity, batch, from, to } = checkOptions(card, options);
  const bytesPerElement = BYTES_PER_ELEMENT[resolved.precision];
  const sparseSpeedup =
    throughput.sparseSpeedup > 1 ? Math.min(1 / (1 - sparsity), throughput.sparseSpeedup) : 1;

  const calibration = throughput.calibration ?? PLAIN;
  const halfDepth = calibration.halfDepth ?? 0;
  let computeBoundS = 0;
  let memoryBoundS = 0;
  let computeLimitedS = 0;
  let memoryLimitedS = 0;
  let overheadS = 0;
  let cachedBytes = 0;
  const integer = isIntegerPrecision(resolved.precision);
  let hostS = 0;
  for (const planned of layerPlan(card, from, to)) {
    if (planned.hostScores > 0) {
      if (device.host !== undefined) hostS += batch * hostSeconds(planned, device.host);
      continue;
    }
    let layer = planned;
    let kernels = 1;
    if (device.concatInPlace === true && planned.concat) {
      if (!integer || planned.requantizedInputs === 0) continue;
      layer = requantizing(planned);
      kernels = planned.requantizedInputs;
    }
    const weightBytes = layer.params * bytesPerElement;
    const activationBytes = batch * (layer.readElements + layer.outputElements) * bytesPerElement;
    if (layer.flops === 0 && weightBytes + activationBytes === 0) continue;
    const speedup = layer.params > 0 ? sparseSpeedup : 1;
    const efficiency = calibration.efficiency[layer.operatorClass];
    const work = batch * layer.flops;
    const filling =
      device.systolicArray !== undefined && layer.multiplies ? layer.positions : layer.fillOutputs;
    const fill = 1 + calibration.halfOutputs / (batch * Math.max(filling, 1));
    // K = flops / (2 x outputs): the multiply-accumulates behind each output.
    const depth =
      halfDepth > 0 && layer.flops > 0 && layer.multiplies
        ? 1 + (halfDepth * 2 * layer.outputElements) / layer.flops
        : 1;
    const computeS =
      work > 0 ? ((work / (efficiency * speedup)) * fill * depth) / throughput.achievableFlops : 0;
    const bandwidth = device.memoryBandwidthBps * calibration.bandwidthFactor;
    let memoryS = (weightBytes + activationBytes) / bandwidth;
    if (device.weightCache !== undefined) {
      const cached = Math.min(weightBytes, Math.max(0, device.weightCache.bytes - cachedBytes));
      cachedBytes += weightBytes;
      memoryS = activationBytes / bandwidth + (weightBytes - cached) / device.weightCache.streamBps;
    }
    computeBoundS += computeS;
    memoryBoundS += memoryS;
    if (computeS >= memoryS) computeLimitedS += computeS;
    else memoryLimitedS += memoryS;
    if (layer.dispatched) overheadS += calibration.layerOverheadS * kernels;
  }
  if (to > from) overheadS += calibration.callOverheadS;
  // Another stack scales the whole call and adds its own time per call (each slice of a split is one).
  const { factor } = onDevice.timing;
  const addedS = to > from ? onDevice.timing.addedS : 0;
  return {
    ok: true,
    timeS: onStack({ factor, addedS }, computeLimitedS + memoryLimitedS + overheadS + hostS),
    precision: resolved.precision,
    fellBack: resolved.fellBack,
    computeBoundS: factor * computeBoundS,
    memoryBoundS: factor * memoryBoundS,
    boundBy: computeLimitedS >= memoryLimitedS ? 'compute' : 'memory',
    overheadS: onStack({ factor, addedS }, overheadS),
    hostS: factor * hostS,
  };
}

/** A detection post-processing layer's time on `host`, for one input. */
function hostSeconds(layer: PlannedLayer, host: HostCpu): number {
  return layer.hostScores * host.scoreS + layer.hostOverlaps * host.overlapS;
}

/** No calibration: every class at the achievable rate, no overheads. */
const PLAIN: LatencyCalibration = {
  efficiency: { conv: 1, depthwise: 1, pointwise: 1, dense: 1, elementwise: 1 },
  halfOutputs: 0,
  bandwidthFactor: 1,
  layerOverheadS: 0,
  callOverheadS: 0,
};

function checkDevice(
  device: DeviceCompute,
  precision: Precision,
  throughput: PrecisionThroughput,
): void {
  if (!(throughput.achievableFlops > 0)) {
    throw new RangeError(
      `throughput.${precision}.achievableFlops must be > 0 (got ${throughput.achievableFlops})`,
    );
  }
  if (!(throughput.sparseSpeedup >= 1)) {
    throw new RangeError(
      `throughput.${precision}.sparseSpeedup must be >= 1 (got ${throughput.sparseSpeedup})`,
    );
  }
  if (!(device.memoryBandwidthBps > 0)) {
    throw new RangeError(`memoryBandwidthBps must be > 0 (got ${device.memoryBandwidthBps})`);
  }
  if (device.host !== undefined && !(device.host.scoreS >= 0 && device.host.overlapS >= 0)) {
    throw new RangeError(
      `host times must be >= 0 (got scoreS ${device.host.scoreS}, overlapS ${device.host.overlapS})`,
    );
  }
}

function checkOptions(
  card: CostCard,
  options: InferenceOptions,
): { sparsity: number; batch: number; from: number; to: number } {
  const sparsity = options.sparsity ?? 0;
  if (!(sparsity >= 0 && sparsity < 1))
    throw new RangeError(`sparsity must be in [0, 1) (got ${sparsity})`);
  const batch = options.batch ?? 1;
  checkBatch(batch);
  const n = card.layers.length;
  const [from, to] = options.layers ?? [0, n];
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= n)) {
    throw new RangeError(
      `layers must be [from, to) with 0 <= from <= to <= ${n} (got [${from}, ${to}])`,
    );
  }
  return { sparsity, batch, from, to };
}

function checkBatch(batch: number): void {
  if (!(Number.isInteger(batch) && batch >= 1))
    throw new RangeError(`batch must be a positive integer (got ${batch})`);
}
