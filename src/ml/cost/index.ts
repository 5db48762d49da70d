/**
 * Model cost: layer-by-layer FLOPs, parameters and activation sizes of a
 * model, built by shape inference (`sequential` and the layer builders), from
 * the zoo, or given as data (`parseCostCard`).
 */
export type { CostCard, LayerCost, Precision } from './card.js';
export {
  BYTES_PER_ELEMENT,
  elements,
  inputBytes,
  layerBytesMoved,
  layerInputs,
  MAC_KINDS,
  makeCard,
  multiplyAccumulates,
  PRECISIONS,
  weightBytes,
} from './card.js';
export type {
  Block,
  LayerShapeCost,
  Merge,
  MergeOptions,
  ResidualOptions,
  Tensor,
} from './graph.js';
export {
  block,
  GraphBuilder,
  join,
  parallel,
  residual,
  scale,
  sequence,
  sequential,
} from './graph.js';
export type {
  Conv2dOptions,
  DenseOptions,
  DepthwiseConv2dOptions,
  FusedOptions,
  LayerOptions,
  Padding,
  PoolOptions,
} from './layers.js';
export {
  activation,
  avgPool,
  batchNorm,
  conv2d,
  dense,
  depthwiseConv2d,
  flatten,
  globalAvgPool,
  maxPool,
} from './layers.js';
export type { CostCardInput } from './schema.js';
export { costCardSchema, parseCostCard } from './schema.js';
export type {
  BatchNormMode,
  DenseNetOptions,
  InceptionV1Options,
  InceptionV3Options,
  MobileNetV1Options,
  ResNet8Options,
  ResNet18Options,
  ResNet50Options,
  ResNetV2Options,
  SqueezeExcitationOptions,
  SqueezeNet11Options,
  SqueezeNetOptions,
  SsdOptions,
  VggOptions,
  ZooOptions,
} from './zoo/index.js';
export {
  alexNet,
  denseNet,
  denseNet121,
  dsCnn,
  efficientNetB0,
  efficientNetB4,
  efficientNetLite0,
  fcAutoencoder,
  fedAvgCnn,
  inceptionV1,
  inceptionV3,
  MODEL_ZOO,
  mnasNet05,
  mobileNetV1,
  mobileNetV2,
  mobileNetV3Large,
  mobileNetV3Small,
  regNetX32gf,
  regNetY800mf,
  resNet8,
  resNet18,
  resNet50,
  resNetV2,
  shuffleNetV2,
  squeezeExcitation,
  squeezeNet,
  squeezeNet11,
  ssdMobileNetV1,
  ssdMobileNetV2,
  vgg,
  vgg16,
} from './zoo/index.js';
