/**
 * The SSD detection head of the TensorFlow Object Detection API, shared by
 * the SSD-MobileNet cards. Liu et al. "SSD: Single Shot MultiBox Detector."
 * ECCV 2016 (arXiv:1512.02325). As configured in tensorflow/models
 * `research/object_detection/samples/configs/ssd_mobilenet_v1_coco.config`
 * and `ssd_mobilenet_v2_coco.config`, with the feature map layout of
 * `models/ssd_mobilenet_v1_feature_extractor.py` and
 * `ssd_mobilenet_v2_feature_extractor.py` and the layer names of
 * `models/feature_map_generators.py`:
 *
 * - two backbone feature maps, then four extra ones, each a 1x1 convolution
 *   to half the depth and a 3x3 stride-2 convolution to depth 512, 256, 256,
 *   128 (BN and ReLU6 after each, 'same' padding);
 * - on each of the six maps a `ConvolutionalBoxPredictor` with `kernel_size:
 *   1`: a 1x1 convolution to 4 box coordinates and one to 91 class scores (90
 *   COCO classes and background) per anchor, with bias and no activation;
 * - anchors per location: 3 on the first map (`reduce_boxes_in_lowest_layer`,
 *   aspect ratios 1, 2, 0.5), 6 on the others (5 aspect ratios plus an
 *   interpolated scale): 1,917 anchors on 19-10-5-3-2-1 maps;
 * - the per-map predictions concatenated into `box_encodings` `[1917, 4]`
 *   and `class_predictions_with_background` `[1917, 91]`.
 *
 * Post-processing, as `export_tflite_ssd_graph.py` (research/object_detection)
 * adds it with `--add_postprocessing_op`: one `TFLite_Detection_PostProcess`
 * op reading both outputs, which decodes the boxes against the anchors, keeps
 * each anchor's best class and runs non-maximum suppression (score threshold
 * 1e-8 and IoU 0.6 in the configs above) to at most `max_detections` boxes,
 * 10 by the exporter's default. It is data-dependent scalar code that TFLite
 * runs on the CPU: the card records what it works through (`detection`), and
 * the latency model prices that on the profile's host CPU.
 */
import { DETECTION_POSTPROCESS, elements } from '../card.js';
import type { Block, GraphBuilder, Tensor } from '../graph.js';
import { conv2d } from '../layers.js';
import { type BatchNormMode, convBn, type ZooOptions } from './conv-bn.js';

/** Depths of the four extra feature maps (`layer_depth` after the two from the backbone). */
export const SSD_EXTRA_DEPTHS: readonly number[] = [512, 256, 256, 128];

/** Anchors per location on each of the six feature maps. */
export const SSD_ANCHORS_PER_LOCATION: readonly number[] = [3, 6, 6, 6, 6, 6];

/** A block that adds no layer and hands its input to `record`: how a card keeps an inner feature map. */
export function tap(record: (tensor: Tensor) => void): Block {
  return (input) => {
    record(input);
    return input;
  };
}

/** Options for `ssdHead`. */
export interface SsdHeadOptions {
  /** Name of the last backbone layer, which prefixes the extra layers' names (`Conv2d_13_pointwise`). */
  base: string;
  /** The first feature map, tapped from inside the backbone; read when the head runs. */
  first: () => Tensor;
  /** Classes without background (COCO: 90). */
  classes: number;
  /** The post-processing's `max_detections`. */
  maxDetections: number;
  mode: BatchNormMode;
}

/** Options of the SSD cards: batch norm as other zoo cards, and which export. */
export interface SsdOptions extends ZooOptions {
  /**
   * `coral`: the Coral model zoo's `*_coco_quant_postprocess` files, whose
   * post-processing keeps 20 detections (AxisCommunications/acap3-examples
   * issue 108, answer of 2021-07-23: SSD MobileNet V2 COCO from
   * coral.ai/models/object-detection returns "up to 20" boxes; the v1 file is
   * taken to be exported alike). Default: the exporter's 10.
   */
  variant?: 'coral';
}

/** The card's name and its post-processing's `max_detections`, by variant. */
export function ssdExport(
  base: string,
  options: SsdOptions,
): { name: string; maxDetections: number } {
  return options.variant === 'coral'
    ? { name: `${base}-coral`, maxDetections: 20 }
    : { name: base, maxDetections: 10 };
}

/** Extra feature maps on the backbone's output, box and class predictors on all six, the two concatenations and the post-processing. */
export function ssdHead({ base, first, classes, maxDetections, mode }: SsdHeadOptions): Block {
  return (last, graph) => {
    const maps = [first(), last];
    let x = last;
    SSD_EXTRA_DEPTHS.forEach((depth, i) => {
      const index = i + 2;
      const reduce = convBn(
        { name: `${base}_1_Conv2d_${index}_1x1_${depth / 2}`, filters: depth / 2, kernel: 1 },
        mode,
      );
      const expand = convBn(
        { name: `${base}_2_Conv2d_${index}_3x3_s2_${depth}`, filters: depth, kernel: 3, stride: 2 },
        mode,
      );
      x = [...reduce, ...expand].reduce((t, b) => b(t, graph), x);
      maps.push(x);
    });
    const boxes: Tensor[] = [];
    const scores: Tensor[] = [];
    maps.forEach((map, i) => {
      const anchors = SSD_ANCHORS_PER_LOCATION[i] ?? 6;
      const name = `BoxPredictor_${i}`;
      boxes.push(
        conv2d({ name: `${name}_BoxEncodingPredictor`, filters: anchors * 4, kernel: 1 })(
          map,
          graph,
        ),
      );
      scores.push(
        conv2d({ name: `${name}_ClassPredictor`, filters: anchors * (classes + 1), kernel: 1 })(
          map,
          graph,
        ),
      );
    });
    const encodings = concatRows(graph, boxes, 4, 'box_encodings');
    const predictions = concatRows(graph, scores, classes + 1, 'class_predictions_with_background');
    const anchors = encodings.shape[0] as number;
    return graph.push(
      {
        kind: DETECTION_POSTPROCESS,
        flops: 0,
        params: 0,
        inputElements: elements(encodings.shape) + elements(predictions.shape),
        // Boxes (4), class and score of each detection; the count beside them is not counted.
        outputElements: 6 * maxDetections,
        outputShape: [maxDetections, 6],
        detection: { anchors, classes, maxDetections },
      },
      [encodings, predictions],
      'TFLite_Detection_PostProcess',
    );
  };
}

/** Reshapes each map's predictions to `[anchors, width]` rows and concatenates them: a copy, no arithmetic. */
function concatRows(
  graph: GraphBuilder,
  parts: readonly Tensor[],
  width: number,
  name: string,
): Tensor {
  const n = parts.reduce((sum, t) => sum + elements(t.shape), 0);
  return graph.push(
    {
      kind: 'concat',
      flops: 0,
      params: 0,
      inputElements: n,
      outputElements: n,
      outputShape: [n / width, width],
    },
    parts,
    name,
  );
}
