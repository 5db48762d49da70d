import { type Block, block, scale } from '../graph.js';
import { avgPool, conv2d } from '../layers.js';

/** Options of torchvision's `SqueezeExcitation`. */
export interface SqueezeExcitationOptions {
  /** Channels of the map it scales (fc2's filters). */
  channels: number;
  /** fc1's filters. */
  squeeze: number;
  /** Between fc1 and fc2 (`relu`, `silu`). */
  activation: string;
  /** On the gate (`hardsigmoid`, `sigmoid`). */
  gate: string;
}

/**
 * Squeeze-and-excitation (Hu, Shen, Sun, CVPR 2018, arXiv:1709.01507) as
 * torchvision.ops.SqueezeExcitation computes it: average-pool the map to
 * `[1, 1, c]`, fc1, activation, fc2, gate activation, then multiply the map
 * by the gate. fc1 and fc2 are `nn.Conv2d(in, out, 1)` with bias (no batch
 * norm; as written inline in pytorch/vision `torchvision/models/mobilenetv3.py`
 * at commit 00542d95486feb18bda93ab6b8b7a694291151e9, before the class moved
 * to torchvision.ops), so they are pointwise convolutions here, as in torchvision, and
 * keep their bias whatever the BN mode. Layer names `se_avgpool`, `se_fc1`,
 * `se_fc2`, `se_multiply`.
 */
export function squeezeExcitation(options: SqueezeExcitationOptions): Block {
  const { channels, squeeze, activation, gate } = options;
  return block('se', [
    scale([
      poolToPoint('avgpool'),
      conv2d({ name: 'fc1', filters: squeeze, kernel: 1, activation }),
      conv2d({ name: 'fc2', filters: channels, kernel: 1, activation: gate }),
    ]),
  ]);
}

/** `AdaptiveAvgPool2d(1)`: one window over the whole map, `[h, w, c]` to `[1, 1, c]`. */
function poolToPoint(name: string): Block {
  return (input, graph) => {
    const [h = 1, w = 1] = input.shape;
    return avgPool({ name, pool: [h, w] })(input, graph);
  };
}
