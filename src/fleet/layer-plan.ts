/**
 * A cost card's layers as the latency model times them (roofline.ts): each
 * layer's operator class, whether it multiplies, what fills the device for
 * it and whether it dispatches a kernel of its own, worked out once per card.
 * The calibration fit times each card tens of thousands of times.
 */
import { type CostCard, type LayerCost, layerInputs, MAC_KINDS } from '../vocabulary/cost-card.js';
import { horizontalFusion, positions } from './fusion.js';

/**
 * Operator classes the latency model tells apart: standard convolutions,
 * depthwise ones, pointwise (1x1) ones, dense layers (matrix multiplies) and
 * element-wise layers (pooling, adds, concatenations, unfused activations).
 */
export const OPERATOR_CLASSES = ['conv', 'depthwise', 'pointwise', 'dense', 'elementwise'] as const;
export type OperatorClass = (typeof OPERATOR_CLASSES)[number];

/** The class of a layer, from its kind and (for `conv2d`) its kernel size. */
export function operatorClass(layer: LayerCost): OperatorClass {
  switch (layer.kind) {
    case 'conv2d':
      return layer.kernel !== undefined && layer.kernel[0] === 1 && layer.kernel[1] === 1
        ? 'pointwise'
        : 'conv';
    case 'depthwiseConv2d':
      return 'depthwise';
    case 'dense':
      return 'dense';
    default:
      return 'elementwise';
  }
}

/** One layer of a slice, as roofline.ts's inferenceTime reads it. */
export interface PlannedLayer {
  concat: boolean;
  flops: number;
  params: number;
  /** Input elements the layer reads itself: 0 when fused into an earlier kernel that read them. */
  readElements: number;
  outputElements: number;
  operatorClass: OperatorClass;
  /** A layer that multiplies (MAC_KINDS): the reduction-depth curve applies to it. */
  multiplies: boolean;
  /** Output elements its kernel fills the device with (its horizontal-fusion group's). */
  fillOutputs: number;
  /** Its output positions (what fills a systolic array for a layer that multiplies). */
  positions: number;
  /** Whether it dispatches a kernel of its own (see horizontalFusion). */
  dispatched: boolean;
  /**
   * For a concatenation: the elements of its inputs whose producer cannot
   * write them at the join's quantization scale, because another layer also
   * reads them (or they are the model's input), and how many such inputs it
   * has (see requantized). 0 for other layers.
   */
  requantizedElements: number;
  requantizedInputs: number;
  /**
   * For a detection post-processing layer, which runs on the host CPU: the
   * anchor-class scores it reads (anchors x (classes + 1)) and the overlap
   * tests its suppression makes at most (anchors x maxDetections). 0 for
   * other layers.
   */
  hostScores: number;
  hostOverlaps: number;
}

/**
 * The layers `[from, to)` of a card, planned; each slice's plan is kept per
 * card (split computing times every slice at every batch size).
 */
export function layerPlan(card: CostCard, from: number, to: number): readonly PlannedLayer[] {
  let plans = PLANS.get(card);
  if (plans === undefined) {
    plans = new Map();
    PLANS.set(card, plans);
  }
  const key = from * (card.layers.length + 1) + to;
  let planned = plans.get(key);
  if (planned === undefined) {
    planned = plan(card, from, to);
    plans.set(key, planned);
  }
  return planned;
}

const PLANS = new WeakMap<CostCard, Map<number, readonly PlannedLayer[]>>();

function plan(card: CostCard, from: number, to: number): PlannedLayer[] {
  const fusion = horizontalFusion(card, from, to);
  const readers = readersOf(card);
  const planned: PlannedLayer[] = [];
  for (let i = from; i < to; i++) {
    const layer = card.layers[i] as LayerCost;
    const dispatched = fusion.dispatched[i - from] as boolean;
    const shared = layer.kind === 'concat' ? requantized(card, i, readers) : NONE_SHARED;
    planned.push({
      concat: layer.kind === 'concat',
      flops: layer.flops,
      params: layer.params,
      readElements: dispatched ? layer.inputElements : 0,
      outputElements: layer.outputElements,
      operatorClass: operatorClass(layer),
      multiplies: MAC_KINDS.includes(layer.kind),
      fillOutputs: fusion.outputs[i - from] as number,
      positions: positions(layer),
      dispatched,
      requantizedElements: shared.elements,
      requantizedInputs: shared.inputs,
      hostScores: layer.detection ? layer.detection.anchors * (layer.detection.classes + 1) : 0,
      hostOverlaps: layer.detection ? layer.detection.anchors * layer.detection.maxDetections : 0,
    });
  }
  return planned;
}

/**
 * An integer concatenation on an in-place device: no copy, but a requantize
 * kernel for each input that must change scale (see `requantized`),
 * an element-wise multiply-add over its elements, read and written.
 */
export function requantizing(layer: PlannedLayer): PlannedLayer {
  const n = layer.requantizedElements;
  return {
    ...layer,
    flops: 2 * n,
    readElements: n,
    outputElements: n,
    fillOutputs: n,
    dispatched: true,
  };
}

const NONE_SHARED = { elements: 0, inputs: 0 };

/** How many times each producer (index + 1, so the model's input is 0) is read. */
function readersOf(card: CostCard): number[] {
  const readers = new Array<number>(card.layers.length + 1).fill(0);
  for (let i = 0; i < card.layers.length; i++) {
    for (const producer of layerInputs(card, i))
      readers[producer + 1] = (readers[producer + 1] ?? 0) + 1;
  }
  return readers;
}

/**
 * The inputs of concatenation `index` that an integer graph must requantize.
 * A quantized concatenation's inputs and output share one scale (TFLite's
 * quantizer: CONCATENATION has restrict_same_input_output_scale, and
 * ApplyConstraints puts a requantize op before each input whose scale
 * differs). A producer read by the join alone takes the join's scale and
 * writes into its slice; one that other layers also read (DenseNet's
 * features, ShuffleNet's pass-through half) keeps its own, and its elements
 * are read and written once more. So does a pooling layer whose input is
 * read elsewhere (pooling keeps its input's scale: the same property), and
 * the model's input. The elements are the join's output less what its
 * scale-taking inputs produce, so a half-channel view counts half.
 */
function requantized(
  card: CostCard,
  index: number,
  readers: readonly number[],
): { elements: number; inputs: number } {
  const takesScale = (producer: number): boolean => {
    if (producer < 0 || readers[producer + 1] !== 1) return false;
    const layer = card.layers[producer] as LayerCost;
    return layer.kind !== 'pool' || layerInputs(card, producer).every(takesScale);
  };
  const layer = card.layers[index] as LayerCost;
  let own = 0;
  let inputs = 0;
  for (const producer of layerInputs(card, index)) {
    if (takesScale(producer)) own += (card.layers[producer] as LayerCost).outputElements;
    else inputs++;
  }
  // A sole reader that takes only a view of its producer would make `own` too large:
  // what the join reads of it is not on the card, so the count stops at 0.
  return inputs === 0 ? NONE_SHARED : { elements: Math.max(0, layer.outputElements - own), inputs };
}
