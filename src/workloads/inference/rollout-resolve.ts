/**
 * Resolving an inference scenario's `rollout` block: both versions' per-group
 * device times (as `deviceTimeS`), their image bytes, the measured delta when
 * the update is `delta`, and the servers' batch tables when they run `to`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { ArchitectureMismatch, encodeDelta } from '../../compression/model-delta.js';
import { splitModelFile } from '../../compression/model-file.js';
import { InputError, type InputProblem } from '../../errors.js';
import type { FleetGroup } from '../../fleet/fleet.js';
import { type ComputeEstimate, inferenceTime } from '../../fleet/roofline.js';
import { type CostCard, type Precision, weightBytes } from '../../ml/cost/card.js';
import { TECHNOLOGIES } from '../../network/technologies.js';
import { hazardPerS } from '../rollout-plan.js';
import type { InferenceRolloutSpec } from './rollout-spec.js';
import type { DeviceGroup, InferenceScenario } from './scenario.js';

const PATH = 'workload.inference.rollout';

/** One model version of an inference rollout, as the run needs it. */
export interface InferenceVersion {
  /** Its `.edgm` file, else its card and precision (`mobilenet-v2 int8`), for tables. */
  readonly name: string;
  readonly card: CostCard;
  readonly precision: Precision;
  /** Bytes of its full image: its `.edgm` file, else its card's encoded size, else its weights. */
  readonly imageBytes: number;
  /** Roofline time of one inference on each group's class, or undefined where it cannot run. */
  readonly deviceTimeS: readonly (ComputeEstimate | undefined)[];
  /** Failure hazard of a device running it (its `perHour`), per second. */
  readonly hazardPerS: number;
  /** Probability that one request served by it fails (`model-error`). */
  readonly perInference: number;
}

/** The rollout block resolved. Versions are indexed 0 = `from`, 1 = `to`. */
export interface ResolvedInferenceRollout {
  readonly spec: InferenceRolloutSpec;
  readonly versions: readonly [InferenceVersion, InferenceVersion];
  /** Bytes a device downloads to move into version v: the image, or the measured delta into it. */
  readonly downloadBytes: readonly [number, number];
  /** The delta's bytes over the full `to` image; null for full updates. */
  readonly deltaRatio: number | null;
  /** The version every server runs. */
  readonly serverVersion: 0 | 1;
}

/** What the rollout needs from the rest of the inference resolve. */
export interface RolloutContext {
  readonly scenario: InferenceScenario;
  readonly baseDir: string;
  readonly card: CostCard;
  readonly precision: Precision;
  readonly modelBytes: number;
  readonly groups: readonly FleetGroup<DeviceGroup>[];
  readonly deviceTimeS: readonly (ComputeEstimate | undefined)[];
  /** Loads a card by zoo name or file (resolve.ts's loader); throws InputError. */
  readonly loadCard: (nameOrFile: string) => CostCard;
}

/**
 * Resolves `workload.inference.rollout`, pushing every problem found:
 * `cellCap` on a duty-cycled (LoRaWAN) cell, `modelDownload` and split
 * placement together with a rollout, classes without a storage write speed
 * (installs need it), a `to` its groups cannot run, missing or malformed
 * model files, and under `update: delta` missing files, a `to` card of
 * another architecture than the model's, or files of different
 * architectures. Returns undefined after a problem.
 */
export function resolveInferenceRollout(
  context: RolloutContext,
  problems: InputProblem[],
): ResolvedInferenceRollout | undefined {
  const spec = context.scenario.workload.inference.rollout!;
  const before = problems.length;
  refuseCombinations(context, spec, problems);
  const toCard =
    spec.to.card === undefined ? context.card : loadToCard(context, spec.to.card, problems);
  const fromBytes = readModel(context.baseDir, spec.from.file, `${PATH}.from.file`, problems);
  const toBytes = readModel(context.baseDir, spec.to.file, `${PATH}.to.file`, problems);
  if (toCard === undefined || problems.length > before) return undefined;
  const toPrecision =
    spec.to.precision ??
    (spec.to.card === undefined ? context.precision : (toCard.deployment?.precision ?? 'fp32'));
  const from: InferenceVersion = {
    name: spec.from.file ?? `${context.card.name} ${context.precision}`,
    card: context.card,
    precision: context.precision,
    imageBytes: fromBytes?.length ?? context.modelBytes,
    deviceTimeS: context.deviceTimeS,
    hazardPerS: hazardPerS(spec.from.failure?.perHour ?? 0),
    perInference: spec.from.failure?.perInference ?? 0,
  };
  const to: InferenceVersion = {
    name: spec.to.file ?? `${toCard.name} ${toPrecision}`,
    card: toCard,
    precision: toPrecision,
    imageBytes:
      toBytes?.length ?? toCard.deployment?.encodedBytes ?? weightBytes(toCard, toPrecision),
    deviceTimeS: toTimes(context, toCard, toPrecision, problems),
    hazardPerS: hazardPerS(spec.to.failure?.perHour ?? 0),
    perInference: spec.to.failure?.perInference ?? 0,
  };
  let downloadBytes: [number, number] = [from.imageBytes, to.imageBytes];
  let deltaRatio: number | null = null;
  if (spec.update === 'delta') {
    const deltas = measureDeltas(context, spec, toCard, fromBytes, toBytes, problems);
    if (deltas !== undefined) {
      downloadBytes = deltas;
      deltaRatio = deltas[1] / to.imageBytes;
    }
  }
  if (problems.length > before) return undefined;
  const serverVersion = spec.servers === 'to' ? 1 : 0;
  return { spec, versions: [from, to], downloadBytes, deltaRatio, serverVersion };
}

function refuseCombinations(
  context: RolloutContext,
  spec: InferenceRolloutSpec,
  problems: InputProblem[],
): void {
  const inference = context.scenario.workload.inference;
  if (spec.cellCap !== undefined)
    for (const group of context.groups) {
      const technology = group.spec.network.technology;
      if (TECHNOLOGIES[technology].dutyCycle < 1)
        problems.push({
          path: `${PATH}.cellCap`,
          message: `group ${group.spec.name} is on ${technology}, whose duty-cycled downlink sends one transfer at a time at its full rate; a cap on update traffic does not apply there`,
          value: spec.cellCap,
        });
    }
  if (inference.modelDownload)
    problems.push({
      path: 'workload.inference.modelDownload',
      message:
        'a rollout starts from devices that already run the scenario model; set modelDownload: false with a rollout',
      value: true,
    });
  if (inference.placement.policy === 'split')
    problems.push({
      path: `${PATH}`,
      message: "placement split plans with one card's layers; a rollout changes the model",
    });
  for (const group of context.groups)
    if (group.profile.storageWriteBps === undefined || group.profile.storageWriteBps <= 0)
      problems.push({
        path: `fleet[${context.scenario.fleet.indexOf(group.spec)}].profile`,
        message: `hardware profile "${group.profile.name}" has no storage.write speed, which installs need (add it, or override it)`,
        value: group.spec.profile,
      });
}

function loadToCard(
  context: RolloutContext,
  name: string,
  problems: InputProblem[],
): CostCard | undefined {
  try {
    return context.loadCard(name);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push({
      path: `${PATH}.to.card`,
      message: error.problems.map((p) => p.message).join('; '),
      value: name,
    });
    return undefined;
  }
}

/** Each group's time for `to`; a group that runs `from` on its devices must run `to` too. */
function toTimes(
  context: RolloutContext,
  card: CostCard,
  precision: Precision,
  problems: InputProblem[],
): (ComputeEstimate | undefined)[] {
  const sparsity = card.deployment?.weightSparsity ?? 0;
  return context.groups.map((group, g) => {
    const time = inferenceTime(card, group.profile, precision, { sparsity });
    if (time.ok) return time;
    if (context.deviceTimeS[g] !== undefined)
      problems.push({
        path: `${PATH}.to`,
        message: `model "${card.name}" at ${precision} cannot run on "${group.profile.name}" (group ${group.spec.name}), which runs the current one: ${time.reason}`,
      });
    return undefined;
  });
}

/** The `.edgm` file's bytes, undefined when none is named (or after a problem). */
function readModel(
  baseDir: string,
  file: string | undefined,
  path: string,
  problems: InputProblem[],
): Uint8Array | undefined {
  if (file === undefined) return undefined;
  const full = resolvePath(baseDir, file);
  if (!existsSync(full)) {
    problems.push({ path, message: 'model file not found', value: file });
    return undefined;
  }
  const bytes = new Uint8Array(readFileSync(full));
  try {
    splitModelFile(bytes);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    problems.push({ path, message: error.message, value: file });
    return undefined;
  }
  return bytes;
}

/** Bytes of the deltas [to -> from, from -> to]; undefined after a problem. */
function measureDeltas(
  context: RolloutContext,
  spec: InferenceRolloutSpec,
  toCard: CostCard,
  fromBytes: Uint8Array | undefined,
  toBytes: Uint8Array | undefined,
  problems: InputProblem[],
): [number, number] | undefined {
  const difference = cardDifference(context.card, toCard);
  if (difference !== null)
    problems.push({
      path: `${PATH}.to.card`,
      message: `a delta needs one architecture; card "${toCard.name}" differs from the model "${context.card.name}": ${difference}`,
      value: spec.to.card,
    });
  if (fromBytes === undefined || toBytes === undefined) {
    const missing = fromBytes === undefined ? 'from' : 'to';
    problems.push({
      path: `${PATH}.${missing}.file`,
      message: `a delta is measured between two .edgm model files; ${PATH}.${missing} names none`,
    });
    return undefined;
  }
  if (difference !== null) return undefined;
  try {
    return [encodeDelta(toBytes, fromBytes).length, encodeDelta(fromBytes, toBytes).length];
  } catch (error) {
    if (!(error instanceof ArchitectureMismatch)) throw error;
    problems.push({
      path: `${PATH}.to.file`,
      message: `no delta between models of different architectures: "${spec.from.file}" (${error.base}) and "${spec.to.file}" (${error.target}) differ: ${error.difference}`,
      value: spec.to.file,
    });
    return undefined;
  }
}

/** The first layer where two cards' architectures differ (kind, parameters, output shape), or null. */
export function cardDifference(a: CostCard, b: CostCard): string | null {
  if (a.layers.length !== b.layers.length) return `${a.layers.length} layers vs ${b.layers.length}`;
  for (let i = 0; i < a.layers.length; i++) {
    const x = a.layers[i]!;
    const y = b.layers[i]!;
    if (x.kind !== y.kind || x.params !== y.params || x.outputShape.join() !== y.outputShape.join())
      return `layer ${i} (${x.name}: ${x.kind}, ${x.params} params, [${x.outputShape.join(', ')}]) vs (${y.name}: ${y.kind}, ${y.params} params, [${y.outputShape.join(', ')}])`;
  }
  return null;
}
