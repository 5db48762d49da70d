import type { CostCard } from '../card.js';
import { alexNet } from './alexnet.js';
import { denseNet, denseNet121 } from './densenet.js';
import { dsCnn } from './ds-cnn.js';
import { efficientNetB0, efficientNetB4 } from './efficientnet-b0.js';
import { efficientNetLite0 } from './efficientnet-lite0.js';
import { fcAutoencoder } from './fc-autoencoder.js';
import { fedAvgCnn } from './fedavg-cnn.js';
import { inceptionV1 } from './inception-v1.js';
import { inceptionV3 } from './inception-v3.js';
import { mnasNet05 } from './mnasnet.js';
import { mobileNetV1 } from './mobilenet-v1.js';
import { mobileNetV2 } from './mobilenet-v2.js';
import { mobileNetV3Large, mobileNetV3Small } from './mobilenet-v3.js';
import { regNetX32gf, regNetY800mf } from './regnet.js';
import { resNet8 } from './resnet-8.js';
import { resNet18 } from './resnet-18.js';
import { resNet50 } from './resnet-50.js';
import { resNetV2 } from './resnet-v2.js';
import { shuffleNetV2 } from './shufflenet-v2.js';
import { squeezeNet, squeezeNet11 } from './squeezenet.js';
import { ssdMobileNetV1 } from './ssd-mobilenet-v1.js';
import { ssdMobileNetV2 } from './ssd-mobilenet-v2.js';
import { vgg, vgg16 } from './vgg-16.js';

export { alexNet } from './alexnet.js';
export type { BatchNormMode, ZooOptions } from './conv-bn.js';
export type { DenseNetDepth, DenseNetOptions } from './densenet.js';
export { denseNet, denseNet121 } from './densenet.js';
export { dsCnn } from './ds-cnn.js';
export type { EfficientNetB4Options } from './efficientnet-b0.js';
export { efficientNetB0, efficientNetB4 } from './efficientnet-b0.js';
export { efficientNetLite0 } from './efficientnet-lite0.js';
export { fcAutoencoder } from './fc-autoencoder.js';
export { fedAvgCnn } from './fedavg-cnn.js';
export type { InceptionV1Options } from './inception-v1.js';
export { inceptionV1 } from './inception-v1.js';
export type { InceptionV3Options } from './inception-v3.js';
export { inceptionV3 } from './inception-v3.js';
export { mnasNet05 } from './mnasnet.js';
export type { MobileNetV1Options } from './mobilenet-v1.js';
export { mobileNetV1 } from './mobilenet-v1.js';
export { mobileNetV2 } from './mobilenet-v2.js';
export { mobileNetV3Large, mobileNetV3Small } from './mobilenet-v3.js';
export { regNetX32gf, regNetY800mf } from './regnet.js';
export type { ResNet8Options } from './resnet-8.js';
export { resNet8 } from './resnet-8.js';
export type { ResNet18Options } from './resnet-18.js';
export { resNet18 } from './resnet-18.js';
export type { ResNet50Options } from './resnet-50.js';
export { resNet50 } from './resnet-50.js';
export type { ResNetV2Options } from './resnet-v2.js';
export { resNetV2 } from './resnet-v2.js';
export { shuffleNetV2 } from './shufflenet-v2.js';
export type { SqueezeExcitationOptions } from './squeeze-excitation.js';
export { squeezeExcitation } from './squeeze-excitation.js';
export type { SqueezeNet11Options, SqueezeNetOptions } from './squeezenet.js';
export { squeezeNet, squeezeNet11 } from './squeezenet.js';
export type { SsdOptions } from './ssd-head.js';
export { ssdMobileNetV1 } from './ssd-mobilenet-v1.js';
export { ssdMobileNetV2 } from './ssd-mobilenet-v2.js';
export type { VggDepth, VggOptions } from './vgg-16.js';
export { vgg, vgg16 } from './vgg-16.js';

/**
 * Cost cards of the built-in models by name, each with batch norm folded
 * (ResNet-50 is v1.5; `resnet-50-v1` is the paper's and Caffe's v1, and
 * `resnet-50-v1-299` v1 at 299x299, the model of Coral's benchmark table;
 * `inception-v1` is the paper's GoogLeNet, with 5x5 kernels, and
 * `inception-v1-slim` the TF-slim network behind Coral's and TFLite's
 * `inception_v1_224_quant` files, the same as torchvision's `googlenet`;
 * `resnet-18` is torchvision's and `resnet-18-caffe` the Caffe model ncnn's
 * benchmark runs; `resnet-34`, `resnet-101`, `resnet-152`, `wide-resnet-50-2`,
 * `resnext-50-32x4d` and `resnext-101-32x8d` are torchvision's, and
 * `resnet-50-v2-299` and `resnet-152-v2-299` TF-slim's pre-activation networks
 * at 299x299 (Coral's benchmark table);
 * `squeezenet-1.1` is DeepScale's Caffe model, as ncnn runs it, and
 * `squeezenet-1.1-torchvision` and `squeezenet-1.0-torchvision`
 * pytorch/vision's; `vgg-11`, `vgg-13` and `vgg-19` are torchvision's
 * (logits, no softmax), `vgg-16` Keras's; `mobilenet-v3-large`,
 * `mobilenet-v3-small`, `efficientnet-b0`, `efficientnet-b4` (at 380;
 * `efficientnet-b4-224` at the 224x224 AI Hub times it at) and
 * `regnet-y-800mf` are torchvision's, with
 * squeeze-and-excitation, the models of Qualcomm AI Hub's table, while
 * `efficientnet-lite0` is the TFLite variant without it; `inception-v3`
 * (299x299, without its training-only auxiliary head; `inception-v3-224` at
 * the 224x224 AI Hub times it at), `densenet-121`, `-169`, `-201`, `-161`, `mnasnet-0.5` and
 * `shufflenet-v2` (1.0x) and `regnet-x-3.2gf` are torchvision's).
 * `ssd-mobilenet-v1` and `-v2` end in TFLite's detection post-processing
 * with the exporter's default of 10 detections; the `-coral` ones keep 20,
 * as the Coral model zoo's `*_coco_quant_postprocess` files do.
 * The MLPerf Tiny models (`mobilenet-v1-0.25-96`,
 * `resnet-8`, `ds-cnn`, `fc-autoencoder`) are the benchmark's reference files.
 */
export const MODEL_ZOO: Readonly<Record<string, () => CostCard>> = {
  'mobilenet-v2': () => mobileNetV2(),
  'resnet-50': () => resNet50(),
  'fedavg-cnn': () => fedAvgCnn(),
  'mobilenet-v1': () => mobileNetV1(),
  'mobilenet-v1-0.25-96': () =>
    mobileNetV1({ alpha: 0.25, resolution: 96, classes: 2, reference: 'mlperf-tiny' }),
  'ssd-mobilenet-v1': () => ssdMobileNetV1(),
  'ssd-mobilenet-v2': () => ssdMobileNetV2(),
  'ssd-mobilenet-v1-coral': () => ssdMobileNetV1({ variant: 'coral' }),
  'ssd-mobilenet-v2-coral': () => ssdMobileNetV2({ variant: 'coral' }),
  'resnet-8': () => resNet8(),
  'ds-cnn': () => dsCnn(),
  'fc-autoencoder': () => fcAutoencoder(),
  'inception-v1': () => inceptionV1(),
  'inception-v1-slim': () => inceptionV1({ variant: 'tf-slim' }),
  'efficientnet-lite0': () => efficientNetLite0(),
  alexnet: () => alexNet(),
  'resnet-50-v1': () => resNet50({ variant: 'v1' }),
  'resnet-50-v1-299': () => resNet50({ variant: 'v1', resolution: 299 }),
  'vgg-16': () => vgg16(),
  'resnet-18': () => resNet18(),
  'resnet-18-caffe': () => resNet18({ variant: 'caffe' }),
  'squeezenet-1.1': () => squeezeNet11(),
  'squeezenet-1.1-torchvision': () => squeezeNet11({ variant: 'torchvision' }),
  'resnet-101': () => resNet50({ depth: 101 }),
  'wide-resnet-50-2': () => resNet50({ widen: 2 }),
  'resnext-50-32x4d': () => resNet50({ groups: 32, widen: 2 }),
  'resnext-101-32x8d': () => resNet50({ depth: 101, groups: 32, widen: 4 }),
  'mobilenet-v3-large': () => mobileNetV3Large(),
  'efficientnet-b0': () => efficientNetB0(),
  'mobilenet-v3-small': () => mobileNetV3Small(),
  'inception-v3': () => inceptionV3(),
  'inception-v3-224': () => inceptionV3({ resolution: 224 }),
  'densenet-121': () => denseNet121(),
  'mnasnet-0.5': () => mnasNet05(),
  'shufflenet-v2': () => shuffleNetV2(),
  'regnet-x-3.2gf': () => regNetX32gf(),
  'resnet-34': () => resNet18({ depth: 34 }),
  'resnet-152': () => resNet50({ depth: 152 }),
  'resnet-50-v2-299': () => resNetV2({ depth: 50 }),
  'resnet-152-v2-299': () => resNetV2({ depth: 152 }),
  'vgg-11': () => vgg({ depth: 11 }),
  'vgg-13': () => vgg({ depth: 13 }),
  'vgg-19': () => vgg({ depth: 19 }),
  'densenet-169': () => denseNet({ depth: 169 }),
  'densenet-201': () => denseNet({ depth: 201 }),
  'densenet-161': () => denseNet({ depth: 161 }),
  'squeezenet-1.0-torchvision': () => squeezeNet({ version: '1.0', variant: 'torchvision' }),
  'efficientnet-b4': () => efficientNetB4(),
  'efficientnet-b4-224': () => efficientNetB4({ resolution: 224 }),
  'regnet-y-800mf': () => regNetY800mf(),
};
