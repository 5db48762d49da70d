import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { ArchitectureMismatch, encodeDelta } from '../../compression/model-delta.js';
import { splitModelFile } from '../../compression/model-file.js';
import { type RadioModels, radioModels } from '../../energy/radio.js';
import { InputError, type InputProblem } from '../../errors.js';
import type { FleetGroup } from '../../fleet/fleet.js';
import { ProfileLibrary } from '../../fleet/profiles.js';
import { type CostCard, weightBytes } from '../../ml/cost/card.js';
import { CARD_FILE, readCostCardFile } from '../../ml/cost/schema.js';
import { MODEL_ZOO } from '../../ml/cost/zoo/index.js';
import type { CellSpecs } from '../../network/cell-spec.js';
import { TECHNOLOGIES } from '../../network/technologies.js';
import { hazardPerS } from '../rollout-plan.js';
import { traceProblems } from '../trace-files.js';
import type { RolloutGroup, RolloutScenario, VersionSpec } from './scenario.js';

/** A model version as a run needs it. */
export interface ResolvedVersion {
  /** The file or card it came from. */
  readonly name: string;
  /** Bytes of its full image (the `.edgm` file, or the card's encoded size). */
  readonly imageBytes: number;
  /** Failure hazard of a device running it, per second, before its group's inference term. */
  readonly hazardPerS: number;
  /** Probability that one inference fails the device. */
  readonly perInference: number;
}

/** A rollout scenario with its profiles, versions and delta sizes resolved. */
export interface ResolvedRollout {
  readonly scenario: RolloutScenario;
  readonly file: string;
  readonly baseDir: string;
  readonly groups: FleetGroup<RolloutGroup>[];
  /** Versions by index: 0 = `from`, 1 = `to`. */
  readonly versions: readonly [ResolvedVersion, ResolvedVersion];
  /** Bytes a device downloads to move to version v (index v): the image, or the measured delta into it. */
  readonly downloadBytes: readonly [number, number];
  /** The delta's bytes over the full `to` image; null for full updates. */
  readonly deltaRatio: number | null;
  /** Cells as the run builds them: the scenario's, with the update cap applied to every downlink. */
  readonly cells: CellSpecs;
  readonly radio: RadioModels;
}

/**
 * Resolves profiles and both model versions, measures the delta when the
 * update is `delta` (refusing cards and different architectures), and checks
 * what the schema cannot: each class has the group's interface and a storage
 * write speed, cells keep one technology, trace files parse, and a cell cap
 * does not meet a traced downlink. Throws one InputError listing every problem.
 */
export function resolveRollout(
  scenario: RolloutScenario,
  file: string,
  library: ProfileLibrary = new ProfileLibrary(),
): ResolvedRollout {
  const baseDir = dirname(file);
  const problems: InputProblem[] = [];
  const groups = resolveGroups(scenario, file, library, problems);
  const section = scenario.rollout;
  const from = loadVersion(section.from, 'rollout.from', baseDir, problems);
  const to = loadVersion(section.to, 'rollout.to', baseDir, problems);
  let downloadBytes: [number, number] = [from?.imageBytes ?? 0, to?.imageBytes ?? 0];
  let deltaRatio: number | null = null;
  if (section.update === 'delta' && from !== undefined && to !== undefined) {
    const deltas = measureDeltas(section.from, section.to, from, to, problems);
    if (deltas !== undefined) {
      downloadBytes = deltas;
      deltaRatio = deltas[1] / to.imageBytes;
    }
  }
  problems.push(...cellProblems(scenario));
  problems.push(...traceProblems(scenario, file, baseDir));
  if (problems.length > 0) throw new InputError(file, problems);
  return {
    scenario,
    file,
    baseDir,
    groups,
    versions: [from!.version, to!.version],
    downloadBytes,
    deltaRatio,
    cells: scenario.cells,
    radio: radioModels(scenario.radio),
  };
}

function resolveGroups(
  scenario: RolloutScenario,
  file: string,
  library: ProfileLibrary,
  problems: InputProblem[],
): FleetGroup<RolloutGroup>[] {
  const groups: FleetGroup<RolloutGroup>[] = [];
  let first = 0;
  scenario.fleet.forEach((spec, i) => {
    const path = `fleet[${i}]`;
    let profile: ReturnType<ProfileLibrary['resolve']>;
    try {
      profile = library.resolve(spec.profile, spec.overrides, { file, path: `${path}.profile` });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems.map((p) => ({ ...p, path: `${path}.profile` })));
      return;
    }
    groups.push({ spec, profile, first });
    first += spec.count;
    if (!profile.interfaces.includes(spec.network.technology))
      problems.push({
        path: `${path}.network.technology`,
        message: `hardware profile "${profile.name}" has no ${spec.network.technology} interface; it has ${profile.interfaces.join(', ')}`,
        value: spec.network.technology,
      });
    if (profile.storageWriteBps === undefined || profile.storageWriteBps <= 0)
      problems.push({
        path: `${path}.profile`,
        message: `hardware profile "${profile.name}" has no storage.write speed, which installs need (add it, or override it)`,
        value: spec.profile,
      });
    if (spec.battery && profile.batteryJ === undefined)
      problems.push({
        path: `${path}.battery`,
        message: `hardware profile "${profile.name}" has no battery (mains-powered)`,
      });
  });
  return groups;
}

interface LoadedVersion {
  version: ResolvedVersion;
  imageBytes: number;
  /** The `.edgm` bytes, or null for a card. */
  bytes: Uint8Array | null;
}

function loadVersion(
  spec: VersionSpec,
  path: string,
  baseDir: string,
  problems: InputProblem[],
): LoadedVersion | undefined {
  const failure = {
    hazardPerS: hazardPerS(spec.failure?.perHour ?? 0),
    perInference: spec.failure?.perInference ?? 0,
  };
  if ('file' in spec) {
    const full = resolvePath(baseDir, spec.file);
    if (!existsSync(full)) {
      problems.push({ path: `${path}.file`, message: 'model file not found', value: spec.file });
      return undefined;
    }
    const bytes = new Uint8Array(readFileSync(full));
    try {
      splitModelFile(bytes);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      problems.push({ path: `${path}.file`, message: error.message, value: spec.file });
      return undefined;
    }
    const version = { name: spec.file, imageBytes: bytes.length, ...failure };
    return { version, imageBytes: bytes.length, bytes };
  }
  const zoo = MODEL_ZOO[spec.card];
  let card: CostCard;
  if (zoo !== undefined) card = zoo();
  else if (CARD_FILE.test(spec.card)) {
    const full = resolvePath(baseDir, spec.card);
    if (!existsSync(full)) {
      problems.push({
        path: `${path}.card`,
        message: 'cost card file not found',
        value: spec.card,
      });
      return undefined;
    }
    card = readCostCardFile(full);
  } else {
    problems.push({
      path: `${path}.card`,
      message: `unknown model; expected one of ${Object.keys(MODEL_ZOO).join(', ')} or a .json card file`,
      value: spec.card,
    });
    return undefined;
  }
  const precision = spec.precision ?? card.deployment?.precision ?? 'fp32';
  const imageBytes = card.deployment?.encodedBytes ?? weightBytes(card, precision);
  return { version: { name: spec.card, imageBytes, ...failure }, imageBytes, bytes: null };
}

/** Bytes of the delta into each version ([to -> from, from -> to]), or undefined after a problem. */
function measureDeltas(
  fromSpec: VersionSpec,
  toSpec: VersionSpec,
  from: LoadedVersion,
  to: LoadedVersion,
  problems: InputProblem[],
): [number, number] | undefined {
  if (from.bytes === null || to.bytes === null) {
    const card = from.bytes === null ? 'rollout.from' : 'rollout.to';
    problems.push({
      path: 'rollout.update',
      message: `a delta needs two .edgm model files; ${card} is a cost card (${from.bytes === null ? from.version.name : to.version.name})`,
      value: 'delta',
    });
    return undefined;
  }
  try {
    const forward = encodeDelta(from.bytes, to.bytes).length;
    return [encodeDelta(to.bytes, from.bytes).length, forward];
  } catch (error) {
    if (!(error instanceof ArchitectureMismatch)) throw error;
    problems.push({
      path: 'rollout.to.file',
      message: `no delta between models of different architectures: "${'file' in fromSpec ? fromSpec.file : ''}" (${error.base}) and "${'file' in toSpec ? toSpec.file : ''}" (${error.target}) differ: ${error.difference}`,
      value: 'file' in toSpec ? toSpec.file : undefined,
    });
    return undefined;
  }
}

function cellProblems(scenario: RolloutScenario): InputProblem[] {
  const problems: InputProblem[] = [];
  const technologyOf = new Map<string, string>();
  scenario.fleet.forEach((group, i) => {
    const cell = group.network.cell ?? group.name;
    const known = technologyOf.get(cell);
    if (known !== undefined && known !== group.network.technology)
      problems.push({
        path: `fleet[${i}].network.technology`,
        message: `cell "${cell}" is ${known} (set by an earlier group); a cell has one technology`,
        value: group.network.technology,
      });
    technologyOf.set(cell, known ?? group.network.technology);
  });
  if (scenario.rollout.cellCap !== undefined)
    scenario.fleet.forEach((group, i) => {
      const technology = group.network.technology;
      if (TECHNOLOGIES[technology].dutyCycle < 1)
        problems.push({
          path: `fleet[${i}].network.technology`,
          message: `rollout.cellCap: ${technology}'s duty-cycled downlink sends one transfer at a time at its full rate; a cap on update traffic does not apply there`,
          value: technology,
        });
    });
  return problems;
}
