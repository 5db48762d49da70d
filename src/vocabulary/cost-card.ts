/**
 * Model cost cards: what one forward pass of a model costs, layer by layer, in
 * FLOPs, parameters and activation elements. Cards are data; the roofline in
 * `fleet/roofline.ts` turns them into seconds on a device. Shared vocabulary:
 * fleet/ costs cards, ml/ writes them (`ml/cost/` builds the zoo and reads
 * card files), workloads deploy them; it imports nothing.
 *
 * Conventions (the zoo follows them; a card supplied as data should too):
 * - Tensors are batch 1, shapes HWC (`[112, 112, 32]`) or flat (`[1000]`).
 * - For layers that multiply (`conv2d`, `depthwiseConv2d`, `dense`), `flops`
 *   is exactly 2 x multiply-accumulates; the bias add is taken to initialise
 *   the accumulator and is not counted, as in the published MAC counts.
 * - Element-wise layers count nominal operations: `add` one per element per
 *   extra operand, `batchNorm` two per element (scale, shift), `activation`
 *   one per element, pooling one per window element read (so a 3x3 max pool
 *   counts 9 per output), global average pooling one per input element.
 * - Activations fused into the layer that produces them (the usual inference
 *   engine behaviour) cost nothing: no FLOPs and no extra memory traffic.
 * - `inputElements` / `outputElements` are the activation elements a layer
 *   reads from and writes to memory; a view such as `flatten` moves nothing.
 */

/** Numeric precision of weights and activations. */
export type Precision = 'fp32' | 'fp16' | 'int8' | 'int4';

/** All precisions, widest first. */
export const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'int8', 'int4'];

/** Whether a precision is an integer one (int8, int4): rated in OPS, quantized graphs. */
export function isIntegerPrecision(precision: Precision): boolean {
  return precision === 'int8' || precision === 'int4';
}

/** Storage size of one element at each precision, in bytes. */
export const BYTES_PER_ELEMENT: Readonly<Record<Precision, number>> = {
  fp32: 4,
  fp16: 2,
  int8: 1,
  int4: 0.5,
};

/** Layer kinds whose `flops` are exactly 2 x multiply-accumulates. */
export const MAC_KINDS: readonly string[] = ['conv2d', 'depthwiseConv2d', 'dense'];

/** The cost of one layer for one input (batch 1). */
export interface LayerCost {
  /** Unique within the card, e.g. `block_3_expand`. */
  name: string;
  /** `conv2d`, `depthwiseConv2d`, `dense`, `pool`, `add`, `concat`, `multiply`, `batchNorm`, `activation`, `reshape`, or a kind of the user's own. */
  kind: string;
  /** Floating-point (or integer) operations; see the conventions above. */
  flops: number;
  /** Weights plus biases (plus batch-norm scale and shift when not folded). */
  params: number;
  /** Activation elements read from memory, summed over inputs. */
  inputElements: number;
  /** Activation elements written to memory. */
  outputElements: number;
  /** Shape of the output tensor, batch 1 (HWC or flat). */
  outputShape: number[];
  /**
   * Indices of the layers whose outputs this layer reads; -1 is the model
   * input. Absent means the previous layer (or the model input for layer 0).
   */
  inputs?: number[];
  /** Activation fused into this layer (`relu`, `relu6`, `softmax`), for the record only. */
  activation?: string;
  /**
   * Kernel `[height, width]` of a convolution. The latency model tells a
   * pointwise (1x1) convolution from a standard one by it; a `conv2d` without
   * it counts as standard.
   */
  kernel?: [number, number];
  /**
   * On a `detectionPostprocess` layer (TFLite's TFLite_Detection_PostProcess:
   * box decoding, the best class of each anchor, non-maximum suppression):
   * the anchors it reads, the classes scored at each (without background)
   * and the most detections it keeps. It runs on the host CPU, not the
   * accelerator: the latency model charges it by the profile's `host`
   * figures (fleet/roofline.ts).
   */
  detection?: Detection;
}

/** What a detection post-processing layer works through; see `LayerCost.detection`. */
export interface Detection {
  /** Anchor boxes scored (SSD-MobileNet at 300x300: 1,917). */
  anchors: number;
  /** Classes scored at each anchor, without background (COCO: 90). */
  classes: number;
  /** The most detections kept (`max_detections`). */
  maxDetections: number;
}

/** The kind of a detection post-processing layer. */
export const DETECTION_POSTPROCESS = 'detectionPostprocess';

/**
 * How a compressed model is deployed (written by `edgesim compress`): the
 * precision its weights are stored and computed in, the fraction of its
 * weights that are zero, and the bytes of its encoded file.
 */
export interface Deployment {
  precision: Precision;
  /** Fraction of zero weights, in [0, 1): what a device with sparse support can skip. */
  weightSparsity: number;
  /** Size of the encoded model file, bytes: what a device downloads. */
  encodedBytes: number;
}

/** The cost of one forward pass of a model; totals are the sums over `layers`. */
export interface CostCard {
  name: string;
  /** Present on cards of compressed models. */
  deployment?: Deployment;
  /** Shape of one input sample, e.g. `[224, 224, 3]`. */
  inputShape: number[];
  /** Layers in execution order. */
  layers: LayerCost[];
  /** Sum of `layers[].params`. */
  params: number;
  /** Sum of `layers[].flops`. */
  flops: number;
}

/** Builds a card from its layers, computing the totals. Throws if a layer name repeats. */
export function makeCard(
  name: string,
  inputShape: readonly number[],
  layers: readonly LayerCost[],
): CostCard {
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.name))
      throw new Error(`cost card ${name}: layer name ${JSON.stringify(layer.name)} is used twice`);
    seen.add(layer.name);
  }
  return {
    name,
    inputShape: [...inputShape],
    layers: [...layers],
    params: sum(layers.map((l) => l.params)),
    flops: sum(layers.map((l) => l.flops)),
  };
}

/** Product of a shape's dimensions: the number of elements in the tensor. */
export function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes of all the card's parameters stored at `precision`. */
export function weightBytes(card: CostCard, precision: Precision): number {
  return card.params * BYTES_PER_ELEMENT[precision];
}

/** Bytes of one input sample at `precision`. */
export function inputBytes(card: CostCard, precision: Precision): number {
  return elements(card.inputShape) * BYTES_PER_ELEMENT[precision];
}

/**
 * Bytes a layer moves through memory for one input when weights and
 * activations are both stored at `precision`: its weights, plus the
 * activations it reads and writes. (Real int8 kernels keep biases in int32;
 * that difference is under 0.1% of a layer's bytes and is ignored.)
 */
export function layerBytesMoved(layer: LayerCost, precision: Precision): number {
  return (layer.params + layer.inputElements + layer.outputElements) * BYTES_PER_ELEMENT[precision];
}

/** Multiply-accumulates of the card: half the FLOPs of its `MAC_KINDS` layers. */
export function multiplyAccumulates(card: CostCard): number {
  return sum(card.layers.filter((l) => MAC_KINDS.includes(l.kind)).map((l) => l.flops / 2));
}

/** Indices of the layers a layer reads from (-1 = the model input), resolving the sequential default. */
export function layerInputs(card: CostCard, index: number): number[] {
  return card.layers[index]?.inputs ?? [index - 1];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
