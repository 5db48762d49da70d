/**
 * SSD-MobileNet v1, 300x300x3 input, 90 COCO classes (+ background): the
 * `ssd-mobilenet 300x300` model of MLPerf Inference v0.5 to v1.1
 * (mlcommons/inference `vision/classification_and_detection`, which runs
 * the TF Object Detection API's `ssd_mobilenet_v1_coco_2018_01_28`).
 *
 * Howard et al. 2017 (arXiv:1704.04861) as the backbone, alpha 1.0, through
 * `Conv2d_13_pointwise`, named as in TF-slim's `mobilenet_v1.py`; ReLU6 and BN
 * after every convolution. The SSD head (extra feature maps on
 * `Conv2d_11_pointwise` at 19x19x512 and `Conv2d_13_pointwise` at 10x10x1024,
 * 1x1 box and class predictors, no post-processing) is in `ssd-head.ts`.
 *
 * Published (recalled, an estimate: the paper's text was not at hand): 6.91M
 * parameters and 2.47 G operations per input (Reddi et al., "MLPerf
 * Inference Benchmark", ISCA 2020, arXiv:1911.02549, Table 1). The card
 * counts 6,819,839 parameters with BN kept separate (6,807,167 folded) and
 * 1,237,129,408 multiply-accumulates (2.474 G operations).
 */
import type { CostCard } from '../card.js';
import { type Block, sequential, type Tensor } from '../graph.js';
import { convBn, depthwiseBn } from './conv-bn.js';
import { MOBILENET_V1_BLOCKS } from './mobilenet-v1.js';
import { type SsdOptions, ssdExport, ssdHead, tap } from './ssd-head.js';

/** The SSD-MobileNet v1 cost card (BN folded into the convolutions unless `batchNorm: 'separate'`). */
export function ssdMobileNetV1(options: SsdOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const { name, maxDetections } = ssdExport('ssd-mobilenet-v1', options);
  let first: Tensor | undefined;
  const backbone: Block[] = MOBILENET_V1_BLOCKS.flatMap(({ filters, stride }, i) => {
    const n = i + 1;
    const layers = [
      ...depthwiseBn(
        { name: `Conv2d_${n}_depthwise`, kernel: 3, stride, activation: 'relu6' },
        mode,
      ),
      ...convBn({ name: `Conv2d_${n}_pointwise`, filters, kernel: 1, activation: 'relu6' }, mode),
    ];
    return n === 11 ? [...layers, tap((t) => (first = t))] : layers;
  });
  return sequential(
    name,
    [300, 300, 3],
    [
      ...convBn({ name: 'Conv2d_0', filters: 32, kernel: 3, stride: 2, activation: 'relu6' }, mode),
      ...backbone,
      ssdHead({
        base: 'Conv2d_13_pointwise',
        first: () => required(first),
        classes: 90,
        maxDetections,
        mode,
      }),
    ],
  );
}

function required(t: Tensor | undefined): Tensor {
  if (t === undefined) throw new Error('ssd-mobilenet-v1: the first feature map was not tapped');
  return t;
}
