import { type CostCard, elements, type LayerCost, makeCard } from './card.js';

/**
 * A small functional language for describing a model's layer graph by shape
 * inference: give the input shape and the layers, and every layer's output
 * shape, parameters and FLOPs follow. Sequences, named blocks, residual
 * connections, gates and parallel branches cover ResNet, MobileNetV2,
 * squeeze-and-excitation and the like:
 *
 * ```ts
 * sequential('tiny', [28, 28, 1], [
 *   conv2d({ filters: 8, kernel: 3, padding: 'same', activation: 'relu' }),
 *   residual([conv2d({ filters: 8, kernel: 3, padding: 'same' })], { activation: 'relu' }),
 *   globalAvgPool(),
 *   dense({ units: 10, activation: 'softmax' }),
 * ]);
 * ```
 */

/** A tensor flowing through the graph: its shape and the index of the layer that produced it (-1 = model input). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly from: number;
}

/** The cost of a layer before it is placed in a graph: everything but its name and inputs. */
export type LayerShapeCost = Omit<LayerCost, 'name' | 'inputs'>;

/** A piece of a model: takes a tensor, adds its layers to the graph, returns its output tensor. */
export type Block = (input: Tensor, graph: GraphBuilder) => Tensor;

/** Collects layers in execution order, naming them under the current block prefix. */
export class GraphBuilder {
  readonly layers: LayerCost[] = [];
  private readonly prefixes: string[] = [];
  private readonly names = new Set<string>();

  /** Appends a layer reading `inputs`; returns its output. An unnamed layer is named after its kind. */
  push(cost: LayerShapeCost, inputs: readonly Tensor[], name?: string): Tensor {
    const from = inputs.map((t) => t.from);
    const index = this.layers.length;
    const sequentialInput = from.length === 1 && from[0] === index - 1;
    const layer: LayerCost = { name: this.uniqueName(name ?? cost.kind), ...cost };
    if (!sequentialInput) layer.inputs = from;
    this.layers.push(layer);
    return { shape: cost.outputShape, from: index };
  }

  /** Runs `body` with `prefix` prepended (with `_`) to the names of the layers it adds. */
  within<T>(prefix: string, body: () => T): T {
    this.prefixes.push(prefix);
    try {
      return body();
    } finally {
      this.prefixes.pop();
    }
  }

  /** Keras-style names: the second `conv2d` becomes `conv2d_1`. */
  private uniqueName(name: string): string {
    const base = [...this.prefixes, name].join('_');
    let candidate = base;
    for (let n = 1; this.names.has(candidate); n++) candidate = `${base}_${n}`;
    this.names.add(candidate);
    return candidate;
  }
}

/** Builds a cost card from an input shape (batch 1, HWC or flat) and the model's blocks in order. */
export function sequential(
  name: string,
  inputShape: readonly number[],
  blocks: readonly Block[],
): CostCard {
  for (const dim of inputShape) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new RangeError(
        `cost card ${name}: inputShape dimensions must be positive integers (got ${JSON.stringify(inputShape)})`,
      );
    }
  }
  const graph = new GraphBuilder();
  sequence(blocks)({ shape: inputShape, from: -1 }, graph);
  return makeCard(name, inputShape, graph.layers);
}

/** Blocks applied one after another. An empty sequence is the identity. */
export function sequence(blocks: readonly Block[]): Block {
  return (input, graph) => blocks.reduce((x, block) => block(x, graph), input);
}

/** A sequence whose layer names are prefixed with `prefix_`, e.g. `block_3` gives `block_3_expand`. */
export function block(prefix: string, blocks: readonly Block[]): Block {
  return (input, graph) => graph.within(prefix, () => sequence(blocks)(input, graph));
}

/** How `parallel` merges its branches. */
export type Merge = 'add' | 'concat' | 'multiply';

/** Options for merging branches. */
export interface MergeOptions {
  /** Name of the merge layer (default: its kind, `add`, `concat` or `multiply`). */
  name?: string;
  /** Activation fused into the merge, e.g. ResNet's ReLU after the add. */
  activation?: string;
}

/**
 * Branches that all read the same input and are merged: `add` needs equal
 * shapes; `concat` joins along the last axis and needs the other dimensions
 * equal; `multiply` takes the element-wise product and broadcasts as NumPy
 * does (shapes aligned at the last axis, each axis equal or 1). An empty
 * branch is the identity (a shortcut).
 */
export function parallel(
  branches: readonly (readonly Block[])[],
  merge: Merge,
  options: MergeOptions = {},
): Block {
  return (input, graph) =>
    join(
      branches.map((b) => sequence(b)(input, graph)),
      merge,
      graph,
      options,
    );
}

/**
 * Merges tensors already in the graph, as `parallel` merges its branches:
 * for joins of earlier outputs that are not branches of one input
 * (DenseNet's concatenation of every feature map before a layer).
 */
export function join(
  inputs: readonly Tensor[],
  merge: Merge,
  graph: GraphBuilder,
  options: MergeOptions = {},
): Tensor {
  const cost = MERGE_COSTS[merge](inputs.map((t) => t.shape));
  if (options.activation !== undefined) cost.activation = options.activation;
  return graph.push(cost, inputs, options.name);
}

/** Options for a residual connection. */
export interface ResidualOptions extends MergeOptions {
  /** Layers on the shortcut path (a projection); absent means the identity. */
  shortcut?: readonly Block[];
}

/** `main(x) + shortcut(x)`: a residual connection (He et al. 2016; the inverted residual of MobileNetV2). */
export function residual(main: readonly Block[], options: ResidualOptions = {}): Block {
  return parallel([main, options.shortcut ?? []], 'add', options);
}

/**
 * `x * gate(x)`: the input scaled element-wise by a gate computed from it,
 * which may broadcast; squeeze-and-excitation (Hu et al. 2018) scales an
 * `[h, w, c]` map by a `[1, 1, c]` gate of channel weights.
 */
export function scale(gate: readonly Block[], options: MergeOptions = {}): Block {
  return parallel([[], gate], 'multiply', options);
}

const MERGE_COSTS: Readonly<
  Record<Merge, (shapes: readonly (readonly number[])[]) => LayerShapeCost>
> = {
  add: addCost,
  concat: concatCost,
  multiply: multiplyCost,
};

/** Element-wise sum of equal shapes: one addition per element per extra operand. */
function addCost(shapes: readonly (readonly number[])[]): LayerShapeCost {
  const first = shapes[0];
  if (first === undefined || shapes.length < 2) throw new Error('add needs at least two inputs');
  for (const shape of shapes) {
    if (shape.join('x') !== first.join('x')) {
      throw new Error(`add needs equal shapes (got ${listShapes(shapes)})`);
    }
  }
  const n = elements(first);
  return {
    kind: 'add',
    flops: (shapes.length - 1) * n,
    params: 0,
    inputElements: shapes.length * n,
    outputElements: n,
    outputShape: [...first],
  };
}

/** Concatenation along the last axis: a copy, no arithmetic. */
function concatCost(shapes: readonly (readonly number[])[]): LayerShapeCost {
  const first = shapes[0];
  if (first === undefined || shapes.length < 2) throw new Error('concat needs at least two inputs');
  const leading = first.slice(0, -1).join('x');
  for (const shape of shapes) {
    if (shape.length !== first.length || shape.slice(0, -1).join('x') !== leading) {
      throw new Error(
        `concat needs shapes equal but for the last axis (got ${listShapes(shapes)})`,
      );
    }
  }
  const channels = shapes.reduce((c, s) => c + (s[s.length - 1] ?? 0), 0);
  const outputShape = [...first.slice(0, -1), channels];
  const n = elements(outputShape);
  return { kind: 'concat', flops: 0, params: 0, inputElements: n, outputElements: n, outputShape };
}

/**
 * Element-wise product, broadcast as NumPy does: one multiplication per
 * output element per extra operand; every operand is read in full.
 */
function multiplyCost(shapes: readonly (readonly number[])[]): LayerShapeCost {
  if (shapes.length < 2) throw new Error('multiply needs at least two inputs');
  const outputShape = broadcastShape(shapes);
  const n = elements(outputShape);
  return {
    kind: 'multiply',
    flops: (shapes.length - 1) * n,
    params: 0,
    inputElements: shapes.reduce((sum, s) => sum + elements(s), 0),
    outputElements: n,
    outputShape,
  };
}

/** The shape operands broadcast to, aligned at their last axis; each axis must be equal or 1. */
function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const shape: number[] = [];
  for (let fromEnd = 1; fromEnd <= rank; fromEnd++) {
    const sizes = shapes.map((s) => s[s.length - fromEnd] ?? 1);
    const size = Math.max(...sizes);
    if (sizes.some((n) => n !== 1 && n !== size)) {
      throw new Error(
        `multiply needs shapes that broadcast, each axis equal or 1 (got ${listShapes(shapes)})`,
      );
    }
    shape.unshift(size);
  }
  return shape;
}

/** `[56, 56, 72] and [1, 1, 40]`, for error messages. */
function listShapes(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => `[${s.join(', ')}]`).join(' and ');
}
