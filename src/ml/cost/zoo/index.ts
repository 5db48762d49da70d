import type { CostCard } from '../card.js';
import { fedAvgCnn } from './fedavg-cnn.js';
import { mobileNetV2 } from './mobilenet-v2.js';
import { resNet50 } from './resnet-50.js';

export type { BatchNormMode, ZooOptions } from './conv-bn.js';
export { fedAvgCnn } from './fedavg-cnn.js';
export { mobileNetV2 } from './mobilenet-v2.js';
export type { ResNet50Options } from './resnet-50.js';
export { resNet50 } from './resnet-50.js';

/** Cost cards of the built-in models by name, each with batch norm folded (ResNet-50 is v1.5). */
export const MODEL_ZOO: Readonly<Record<string, () => CostCard>> = {
  'mobilenet-v2': () => mobileNetV2(),
  'resnet-50': () => resNet50(),
  'fedavg-cnn': () => fedAvgCnn(),
};
