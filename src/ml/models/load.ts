/**
 * Loading a user's TF.js Layers model from disk: `model.json` (topology and
 * weights manifest, the format `tensorflowjs_converter` and `model.save`
 * write) plus its binary weight shards, read with `node:fs` through a custom
 * `tf.io.IOHandler` (no network, no dependence on tfjs-node's `file://`).
 * Every problem with the files is an `InputError` naming the file and what is
 * wrong with it.
 */
import { dirname, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { readInputBytes, readInputText } from '../../scenario/input-file.js';
import { tf } from '../runtime.js';
import { handleOf, type ModelHandle } from './handle.js';

/** The parts of model.json edgesim reads. */
interface ModelJson {
  modelTopology: Record<string, unknown>;
  weightsManifest: tf.io.WeightsManifestConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
}

/**
 * Loads a Layers model from `modelJsonPath` and its weight shards (paths in
 * the manifest are relative to model.json's folder). Whether it outputs
 * logits or probabilities is detected from its last layer ({@link handleOf}).
 *
 * Throws `InputError(modelJsonPath, ...)` when model.json is missing or not
 * JSON, is not a Layers model, a shard is missing (named) or holds a
 * different number of bytes than the manifest needs, or a layer's class is
 * not one TF.js supports (named, with its index).
 */
export async function loadModelFromDisk(modelJsonPath: string): Promise<ModelHandle> {
  const json = parseModelJson(modelJsonPath, await readText(modelJsonPath));
  const weightData = await readShards(modelJsonPath, json.weightsManifest);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData,
  };
  if (json.format !== undefined) artifacts.format = json.format;
  if (json.generatedBy !== undefined) artifacts.generatedBy = json.generatedBy;
  if (json.convertedBy !== undefined) artifacts.convertedBy = json.convertedBy;
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  try {
    return handleOf(await tf.loadLayersModel(handler));
  } catch (error) {
    throw explainLoadError(modelJsonPath, json.modelTopology, error);
  }
}

async function readText(file: string): Promise<string> {
  try {
    return readInputText(file, 'modelJson');
  } catch (error) {
    throw new InputError(file, [{ path: '', message: `cannot read model.json: ${reason(error)}` }]);
  }
}

function parseModelJson(file: string, text: string): ModelJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, [{ path: '', message: `malformed JSON: ${reason(error)}` }]);
  }
  const fail = (path: string, message: string, got?: unknown): never => {
    throw new InputError(file, [{ path, message, ...(got === undefined ? {} : { value: got }) }]);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('', 'must be a JSON object with modelTopology and weightsManifest');
  }
  const json = value as Partial<ModelJson>;
  if (json.format === 'graph-model') {
    return fail('format', 'is a TF.js graph model; only Layers models can be loaded', json.format);
  }
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    return fail('modelTopology', 'must be an object (the Keras model config)');
  }
  if (!Array.isArray(json.weightsManifest)) {
    return fail('weightsManifest', 'must be a list of weight groups');
  }
  json.weightsManifest.forEach((group, i) => {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      fail(`weightsManifest[${i}]`, 'must have "paths" and "weights" lists');
    }
  });
  return json as ModelJson;
}

/** Reads every group's shards, checks each group's byte count, and joins them in manifest order. */
async function readShards(
  modelJsonPath: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<ArrayBuffer> {
  const folder = dirname(modelJsonPath);
  const buffers: Uint8Array[] = [];
  for (const [g, group] of manifest.entries()) {
    const shards: Uint8Array[] = [];
    for (const [p, relative] of group.paths.entries()) {
      const shardPath = resolve(folder, relative);
      try {
        shards.push(readInputBytes(shardPath, 'weights'));
      } catch (error) {
        throw new InputError(modelJsonPath, [
          {
            path: `weightsManifest[${g}].paths[${p}]`,
            message: `weight shard ${shardPath} cannot be read: ${reason(error)}`,
            value: relative,
          },
        ]);
      }
    }
    const have = shards.reduce((n, s) => n + s.byteLength, 0);
    const need = group.weights.reduce((n, w) => n + weightBytes(w), 0);
    if (have !== need) {
      throw new InputError(modelJsonPath, [
        {
          path: `weightsManifest[${g}]`,
          message: `weight shards ${group.paths.join(', ')} hold ${have} bytes but the manifest's weights need ${need}`,
        },
      ]);
    }
    buffers.push(...shards);
  }
  return concat(buffers);
}

const BYTES_PER_DTYPE: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Stored size of one manifest weight, in bytes (quantized weights at their stored width). */
function weightBytes(entry: tf.io.WeightsManifestEntry): number {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const elements = entry.shape.reduce((a, b) => a * b, 1);
  return elements * (BYTES_PER_DTYPE[dtype] ?? 4);
}

function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

/** Turns TF.js's "Unknown layer: X" into an InputError naming the layer; other errors too, with TF.js's message. */
function explainLoadError(
  file: string,
  topology: Record<string, unknown>,
  error: unknown,
): InputError {
  const unknown = /Unknown layer: (\w+)/.exec(reason(error));
  if (unknown?.[1] !== undefined) {
    const className = unknown[1];
    const index = layerClassNames(topology).indexOf(className);
    return new InputError(file, [
      {
        path: index >= 0 ? `modelTopology.config.layers[${index}]` : 'modelTopology',
        message: `layer class ${JSON.stringify(className)} is not supported by TF.js Layers`,
        value: className,
      },
    ]);
  }
  return new InputError(file, [
    { path: 'modelTopology', message: `not a loadable Layers model: ${reason(error)}` },
  ]);
}

/** Class names of the layers in a Keras model config, in order. */
function layerClassNames(topology: Record<string, unknown>): string[] {
  const model = (topology.model_config ?? topology) as { config?: { layers?: unknown } };
  const layers = model.config?.layers;
  if (!Array.isArray(layers)) return [];
  return layers.map((l) => String((l as { class_name?: unknown }).class_name));
}

/** What went wrong, without the file name an InputError's message starts with. */
function reason(error: unknown): string {
  if (error instanceof InputError) return error.problems.map((p) => p.message).join('; ');
  return error instanceof Error ? error.message : String(error);
}
