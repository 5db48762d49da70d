/**
 * Writing a Layers model to disk in the TF.js format `loadModelFromDisk`
 * reads: `model.json` (topology and a weights manifest) and one shard,
 * `weights.bin`, holding every weight as little-endian float32 in manifest
 * order. Compressed models are written this way too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../runtime.js';
import type { ModelHandle } from './handle.js';

/** Name of the single weight shard `saveModelToDisk` writes. */
export const WEIGHTS_FILE = 'weights.bin';

/** What `saveModelToDisk` wrote. */
export interface SavedModel {
  /** Path of model.json. */
  readonly modelJsonPath: string;
  /** Path of the weight shard. */
  readonly weightsPath: string;
  /** Bytes of the weight shard. */
  readonly weightsBytes: number;
}

/** Writes `handle.model` to `dir` (created if missing) as model.json plus weights.bin. */
export async function saveModelToDisk(handle: ModelHandle, dir: string): Promise<SavedModel> {
  await mkdir(dir, { recursive: true });
  const modelJsonPath = join(dir, 'model.json');
  const weightsPath = join(dir, WEIGHTS_FILE);
  let weightsBytes = 0;
  const handler: tf.io.IOHandler = {
    save: async (artifacts) => {
      const weights = joinWeightData(artifacts.weightData);
      weightsBytes = weights.byteLength;
      const json = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(weightsPath, weights);
      await writeFile(modelJsonPath, `${JSON.stringify(json, null, 2)}\n`);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
  await handle.model.save(handler);
  return { modelJsonPath, weightsPath, weightsBytes };
}

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}
