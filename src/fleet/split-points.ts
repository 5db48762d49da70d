/**
 * Where a model can be split between a device and a server, and what crosses
 * each split (split computing, src/workloads/inference/split/).
 */
import {
  BYTES_PER_ELEMENT,
  type CostCard,
  elements,
  layerInputs,
  type Precision,
} from '../vocabulary/cost-card.js';

/** The activations that cross a split after the first `k` layers. */
export interface SplitPoint {
  /** Layers run before the split (on the device): indices `[0, k)`. */
  k: number;
  /** Name of layer k - 1, or null for k = 0 (the raw input is sent). */
  lastDeviceLayer: string | null;
  /** Each tensor that crosses: the layer that produced it (`input` for the model input) and its shape. */
  tensors: { producer: string; shape: number[] }[];
  /** Bytes of all crossing tensors for the batch at the given precision. */
  bytes: number;
}

/**
 * For each split k = 0..n (n layers), the activation bytes that cross it:
 * every tensor produced before the split and read after it. In a plain chain
 * that is the output of layer k - 1; inside a residual block the shortcut
 * crosses too. At k = 0 the model input crosses; at k = n, the model output.
 */
export function splitPoints(
  card: CostCard,
  precision: Precision,
  options: { batch?: number } = {},
): SplitPoint[] {
  const batch = options.batch ?? 1;
  if (!(Number.isInteger(batch) && batch >= 1))
    throw new RangeError(`batch must be a positive integer (got ${batch})`);
  const n = card.layers.length;
  const lastUse = new Map<number, number>();
  for (let j = 0; j < n; j++)
    for (const p of layerInputs(card, j)) lastUse.set(p, Math.max(lastUse.get(p) ?? -1, j));
  lastUse.set(n - 1, n);

  const points: SplitPoint[] = [];
  for (let k = 0; k <= n; k++) {
    const tensors: SplitPoint['tensors'] = [];
    for (let p = -1; p < k; p++) {
      if ((lastUse.get(p) ?? -1) < k) continue;
      const layer = card.layers[p];
      tensors.push(
        layer === undefined
          ? { producer: 'input', shape: [...card.inputShape] }
          : { producer: layer.name, shape: [...layer.outputShape] },
      );
    }
    const crossing = tensors.reduce((sum, t) => sum + elements(t.shape), 0);
    points.push({
      k,
      lastDeviceLayer: card.layers[k - 1]?.name ?? null,
      tensors,
      bytes: crossing * batch * BYTES_PER_ELEMENT[precision],
    });
  }
  return points;
}
