/**
 * Which layers of a cost card run as one kernel when an engine fuses them
 * horizontally (the latency model's fill and dispatch count, roofline.ts).
 */
import { type CostCard, type LayerCost, layerInputs } from '../vocabulary/cost-card.js';

/**
 * Per layer of a slice: the outputs its fused kernel fills the device with,
 * and whether it dispatches (a layer fused into an earlier one's kernel does
 * not, nor reads the input that kernel read).
 */
export interface Fusion {
  outputs: number[];
  dispatched: boolean[];
}

/**
 * Horizontal fusion: pointwise convolutions that read the same tensors and
 * write the same spatial shape (Inception's branch reductions) run as one
 * kernel, a matrix multiply with their filters side by side, so they fill
 * the device together (each sees the group's outputs), dispatch once and
 * read the input they share once.
 * TensorRT merges convolutions that share an input and have mergeable
 * parameters (NVIDIA developer forum, "When does horizontal fusion happen
 * for TensorRT's graph optimization?", topic 238187; Lei Mao, "Neural
 * Network 1 x 1 Convolution Horizontal Fusion", leimao.github.io). Applied
 * on every device: where a few outputs fill the lanes (CPUs,
 * microcontrollers) it changes the dispatch count and the input traffic,
 * which on their compute-bound 1x1 layers costs nothing either way.
 */
export function horizontalFusion(card: CostCard, from: number, to: number): Fusion {
  const outputs: number[] = [];
  const dispatched: boolean[] = [];
  const groups = new Map<string, number[]>();
  for (let i = from; i < to; i++) {
    const layer = card.layers[i] as LayerCost;
    outputs.push(layer.outputElements);
    dispatched.push(true);
    if (!isPointwise(layer)) continue;
    const key = `${layerInputs(card, i).join(',')}|${layer.outputShape.slice(0, -1).join('x')}`;
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [i - from]);
    else {
      members.push(i - from);
      dispatched[i - from] = false;
    }
  }
  for (const members of groups.values()) {
    const total = members.reduce((sum, j) => sum + (outputs[j] as number), 0);
    for (const j of members) outputs[j] = total;
  }
  return { outputs, dispatched };
}

/** A 1x1 convolution (roofline.ts's `pointwise` class). */
function isPointwise(layer: LayerCost): boolean {
  return layer.kind === 'conv2d' && layer.kernel?.[0] === 1 && layer.kernel[1] === 1;
}

/** A layer's output positions: its output elements over its channels (the last axis). */
export function positions(layer: LayerCost): number {
  return layer.outputElements / (layer.outputShape[layer.outputShape.length - 1] ?? 1);
}
