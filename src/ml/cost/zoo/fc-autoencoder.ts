/**
 * The fully connected autoencoder of the MLPerf Tiny anomaly detection
 * benchmark (ToyADMOS toy car), on 640 inputs (5 frames of 128 log-mel bands).
 *
 * mlcommons/tiny `benchmark/training/anomaly_detection/keras_model.py`
 * (commit bceb91c5ad2e2deb295547d81505721d3a87d578; the DCASE 2020 task 2
 * baseline by Hitachi; input size from `baseline.yaml`: n_mels 128, frames 5):
 * dense layers 640 -> 128 -> 128 -> 128 -> 128 -> 8 -> 128 -> 128 -> 128 ->
 * 128 -> 640, each but the last followed by BN and ReLU; the output is linear.
 *
 * The benchmark's model file `trained_models/ad01_int8.tflite` (mlcommons/tiny
 * commit 1afd2c9820f795965a6134facd0b4dfae41ef23f) holds 265,864 weights and
 * biases with BN folded (read from the file; the README there says BN is
 * folded into the FC layers): the card folded. Keras's `model.summary()`
 * counts 267,928 trainable parameters (plus 2,064 BN moving means and
 * variances: 269,992 in all, the "270K" usually quoted). 264,192 MACs.
 */
import type { CostCard } from '../card.js';
import { type Block, sequential } from '../graph.js';
import { dense } from '../layers.js';
import { denseBiasBn } from './bias-bn.js';
import type { ZooOptions } from './conv-bn.js';

/** Widths of the hidden dense layers, in order. */
const HIDDEN: readonly number[] = [128, 128, 128, 128, 8, 128, 128, 128, 128];

/** The autoencoder's cost card (BN folded into the dense layers unless `batchNorm: 'separate'`). */
export function fcAutoencoder(options: ZooOptions = {}): CostCard {
  const mode = options.batchNorm ?? 'folded';
  const inputs = 640;
  const hidden: Block[] = HIDDEN.flatMap((units, i) =>
    denseBiasBn({ name: i === 0 ? 'dense' : `dense_${i}`, units, activation: 'relu' }, mode),
  );
  return sequential(
    'fc-autoencoder',
    [inputs],
    [...hidden, dense({ name: `dense_${HIDDEN.length}`, units: inputs })],
  );
}
