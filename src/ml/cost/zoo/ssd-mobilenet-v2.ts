/**
 * SSD-MobileNet v2, 300x300x3 input, 90 COCO classes (+ background): the TF
 * Object Detection API's `ssd_mobilenet_v2_coco` (tensorflow/models
 * `research/object_detection/samples/configs/ssd_mobilenet_v2_coco.config`)
 * and its quantized twin `ssd_mobilenet_v2_quantized_300x300_coco`, the
 * network of Coral's `ssd_mobilenet_v2_coco_quant_postprocess` files.
 *
 * Sandler et al. 2018 (arXiv:1801.04381) as the backbone, width 1.0, through
 * `layer_19` (the 1x1 convolution to 1280), named as in TF-slim's
 * `mobilenet_v2.py` (`Conv`, `expanded_conv`, `expanded_conv_1_expand`, ...,
 * `Conv_1`). The SSD head (`ssd-head.ts`) reads `layer_15/expansion_output`,
 * the 1x1 expansion of `expanded_conv_13` at 19x19x576, and `layer_19` at
 * 10x10x1280; no post-processing.
 *
 * No published parameter or MAC count was found for this model; the card
 * counts 6,066,431 parameters with BN kept separate (6,047,647 folded) and
 * 772,779,056 multiply-accumulates (1.55 G operations). SSDLite, with
 * depthwise extra layers and predictors, is a different and lighter model.
 */
import type { CostCard } from '../card.js';
import { type Block, block, residual, sequential, type Tensor } from '../graph.js';
import { convBn, depthwiseBn } from './conv-bn.js';
import { type SsdOptions, ssdExport, ssdHead, tap } from './ssd-head.js';

/** MobileNetV2 bottlenecks (paper Table 2): expansion t, output channels c, repeats n, first stride s. */
const BOTTLENECKS: readonly { t: number; c: number; n: number; s: number }[] = [
  { t: 1, c: 16, n: 1, s: 1 },
  { t: 6, c: 24, n: 2, s: 2 },
  { t: 6, c: 32, n: 3, s: 2 },
  { t: 6, c: 64, n: 4, s: 2 },
  { t: 6, c: 96, n: 3, s: 1 },
  { t: 6, c: 160, n: 3, s: 2 },
  { t: 6, c: 320, n: 1, s: 1 },
];

/** Index of the bottleneck whose expansion output is the first feature map (slim's `layer_15`). */
const FIRST_MAP_BLOCK = 13;

/** The SSD-MobileNet v2 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function ssdMobileNetV2(options: SsdOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const { name, maxDetections } = ssdExport('ssd-mobilenet-v2', options);
  let first: Tensor | undefined;
  const blocks: Block[] = [];
  let channels = 32;
  for (const { t, c, n, s } of BOTTLENECKS) {
    for (let i = 0; i < n; i++) {
      const index = blocks.length;
      const expansion =
        t === 1
          ? []
          : convBn({ name: 'expand', filters: channels * t, kernel: 1, activation: 'relu6' }, mode);
      const tapped = index === FIRST_MAP_BLOCK ? [tap((x) => (first = x))] : [];
      const body = [
        ...expansion,
        ...tapped,
        ...depthwiseBn(
          { name: 'depthwise', kernel: 3, stride: i === 0 ? s : 1, activation: 'relu6' },
          mode,
        ),
        ...convBn({ name: 'project', filters: c, kernel: 1 }, mode),
      ];
      const skip = i > 0 && channels === c;
      const prefix = index === 0 ? 'expanded_conv' : `expanded_conv_${index}`;
      blocks.push(block(prefix, skip ? [residual(body)] : body));
      channels = c;
    }
  }
  return sequential(
    name,
    [300, 300, 3],
    [
      ...convBn({ name: 'Conv', filters: 32, kernel: 3, stride: 2, activation: 'relu6' }, mode),
      ...blocks,
      ...convBn({ name: 'Conv_1', filters: 1280, kernel: 1, activation: 'relu6' }, mode),
      ssdHead({
        base: 'layer_19',
        first: () => required(first),
        classes: 90,
        maxDetections,
        mode,
      }),
    ],
  );
}

function required(t: Tensor | undefined): Tensor {
  if (t === undefined) throw new Error('ssd-mobilenet-v2: the first feature map was not tapped');
  return t;
}
