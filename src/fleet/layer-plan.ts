/**
 * A cost card's layers as the latency model times them (roofline.ts): each
 * layer's operator class, whether it multiplies, what fills the device for
 * it and whether it dispatches a kernel of its own, worked out once per card.
 * The calibration fit times each card tens of thousands of times.
 */
import { type CostCard, type LayerCost, MAC_KINDS } from '../vocabulary/cost-card.js';
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
}

/** The layers `[from, to)` of a card, planned; the whole card's plan is kept per card. */
export function layerPlan(card: CostCard, from: number, to: number): readonly PlannedLayer[] {
  if (from !== 0 || to !== card.layers.length) return plan(card, from, to);
  let planned = PLANS.get(card);
  if (planned === undefined) {
    planned = plan(card, from, to);
    PLANS.set(card, planned);
  }
  return planned;
}

const PLANS = new WeakMap<CostCard, readonly PlannedLayer[]>();

function plan(card: CostCard, from: number, to: number): PlannedLayer[] {
  const fusion = horizontalFusion(card, from, to);
  const planned: PlannedLayer[] = [];
  for (let i = from; i < to; i++) {
    const layer = card.layers[i] as LayerCost;
    const dispatched = fusion.dispatched[i - from] as boolean;
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
    });
  }
  return planned;
}
