import { dirname, resolve as resolvePath } from 'node:path';
import { type RadioModels, radioModels } from '../../energy/radio.js';
import { InputError, type InputProblem } from '../../errors.js';
import type { FleetGroup } from '../../fleet/fleet.js';
import { type HardwareProfile, ProfileLibrary } from '../../fleet/profiles.js';
import { type ComputeEstimate, inferenceTime } from '../../fleet/roofline.js';
import { withStack } from '../../fleet/stack.js';
import { type CostCard, type Precision, weightBytes } from '../../ml/cost/card.js';
import { CARD_FILE, readCostCardFile } from '../../ml/cost/schema.js';
import { MODEL_ZOO } from '../../ml/cost/zoo/index.js';
import { traceProblems } from '../trace-files.js';
import { balancerProblems } from './balancers/check.js';
import { placementPolicy } from './placement/registry.js';
import { type ResolvedInferenceRollout, resolveInferenceRollout } from './rollout-resolve.js';
import type { DeviceGroup, InferenceScenario, ServerSpec } from './scenario.js';
import { type ResolvedSplit, resolveSplit } from './split/plan.js';

/** A server with its profile, tier and per-batch roofline time resolved. */
export interface ResolvedServer {
  spec: ServerSpec;
  profile: HardwareProfile;
  tier: 'edge' | 'cloud';
  precision: Precision;
  /** Roofline time of one batch of each size 1..maxBatch (index = size), s. */
  batchTimeS: Float64Array;
}

/** Everything a run needs beyond the scenario itself, checked up front. */
export interface ResolvedInference {
  scenario: InferenceScenario;
  /** Directory that relative data-file paths in the scenario are read from. */
  baseDir: string;
  card: CostCard;
  /** Precision devices run the model at: the scenario's, else the card's deployed one, else fp32. */
  precision: Precision;
  /** Bytes a device downloads to get the model: the card's encoded size, else its weights at `precision`. */
  modelBytes: number;
  groups: FleetGroup<DeviceGroup>[];
  /** Roofline time of one inference on each group's class (before the per-device spread), or undefined where the class cannot run the model. */
  deviceTimeS: (ComputeEstimate | undefined)[];
  servers: ResolvedServer[];
  /** The radio model of each technology: the `radio:` block's choice, else the default. */
  radio: RadioModels;
  /** Split computing's tables, with `placement: split` only. */
  split?: ResolvedSplit;
  /** The `rollout` block's versions, with a rollout only. */
  rollout?: ResolvedInferenceRollout;
}

/**
 * Resolves hardware profiles, the model's cost card and precisions, and checks
 * what the schema alone cannot: that placement has somewhere to run, that
 * each class can run the model at the precision asked for (or falls back as
 * its profile says), that a battery is configured only where there is one,
 * and that every trace file the scenario names opens and parses.
 * Throws one InputError listing every problem, naming `file` and the path.
 */
export function resolveInference(
  scenario: InferenceScenario,
  file: string,
  library: ProfileLibrary = new ProfileLibrary(),
): ResolvedInference {
  const problems: InputProblem[] = [];
  const attempt = <T>(path: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      if (error.file === file) {
        // Problems in the scenario itself carry their own paths.
        for (const p of error.problems) problems.push({ ...p, path: p.path || path });
        return undefined;
      }
      const detail = error.problems
        .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
        .join('; ');
      problems.push({ path, message: `${error.file}: ${detail}` });
      return undefined;
    }
  };
  const card = attempt('model.card', () => loadCard(scenario.model.card, file));
  const precision = scenario.model.precision ?? card?.deployment?.precision ?? 'fp32';
  const sparsity = card?.deployment?.weightSparsity ?? 0;
  const policy = placementPolicy(scenario.workload.inference.placement.policy);

  let first = 0;
  const groups: FleetGroup<DeviceGroup>[] = [];
  const deviceTimeS: (ComputeEstimate | undefined)[] = [];
  scenario.fleet.forEach((spec, i) => {
    const path = `fleet[${i}]`;
    const profile = attempt(`${path}.profile`, () =>
      withStack(
        library.resolve(spec.profile, spec.overrides, { file, path: `${path}.profile` }),
        spec.stack,
        { file, path: `${path}.stack` },
      ),
    );
    if (profile === undefined) return;
    groups.push({ spec, profile, first });
    first += spec.count;
    if (spec.battery && profile.batteryJ === undefined) {
      problems.push({
        path: `${path}.battery`,
        message: `hardware profile "${profile.name}" has no battery (mains-powered)`,
      });
    }
    if (!profile.interfaces.includes(spec.network.technology)) {
      problems.push({
        path: `${path}.network.technology`,
        message: `hardware profile "${profile.name}" has no ${spec.network.technology} interface; it has ${profile.interfaces.join(', ')}`,
      });
    }
    if (card === undefined) return;
    const time = inferenceTime(card, profile, precision, { sparsity });
    deviceTimeS.push(time.ok ? time : undefined);
    // A stack not measured at a precision the device has is a mistake, not a device that offloads.
    const stackFailed = !time.ok && time.cause === 'stack' && policy.runsOnDevice !== 'never';
    if (!time.ok && (policy.runsOnDevice === 'always' || stackFailed)) {
      problems.push({
        path: stackFailed ? `${path}.stack` : `${path}.profile`,
        message: `model "${card.name}" at ${precision} cannot run on "${profile.name}": ${time.reason}`,
      });
    }
  });

  const rollout =
    scenario.workload.inference.rollout !== undefined && card !== undefined
      ? resolveInferenceRollout(
          {
            scenario,
            baseDir: dirname(file),
            card,
            precision,
            modelBytes: card.deployment?.encodedBytes ?? weightBytes(card, precision),
            groups,
            deviceTimeS,
            loadCard: (name) => loadCard(name, file),
          },
          problems,
        )
      : undefined;
  // Servers run `from` (the model), or `to` when the rollout says so.
  const serverModel = rollout?.versions[rollout.serverVersion] ?? { card, precision };

  const servers: ResolvedServer[] = [];
  scenario.servers.forEach((spec, i) => {
    const path = `servers[${i}]`;
    const profile = attempt(`${path}.profile`, () =>
      withStack(
        library.resolve(spec.profile, spec.overrides, { file, path: `${path}.profile` }),
        spec.stack,
        { file, path: `${path}.stack` },
      ),
    );
    const card = serverModel.card;
    if (profile === undefined || card === undefined) return;
    const serverPrecision = spec.precision ?? serverModel.precision;
    // The schema bounds maxBatch (MAX_BATCH), so this table is small.
    const maxBatch = spec.batching?.maxBatch ?? 1;
    const batchTimeS = new Float64Array(maxBatch + 1);
    for (let b = 1; b <= maxBatch; b++) {
      const time = inferenceTime(card, profile, serverPrecision, {
        batch: b,
        sparsity: card.deployment?.weightSparsity ?? 0,
      });
      if (!time.ok) {
        problems.push({
          path: time.cause === 'stack' ? `${path}.stack` : `${path}.profile`,
          message: `model "${card.name}" at ${serverPrecision} cannot run on "${profile.name}": ${time.reason}`,
        });
        return;
      }
      batchTimeS[b] = time.timeS;
    }
    const tier = spec.tier ?? (profile.tier === 'cloud' ? 'cloud' : 'edge');
    servers.push({ spec, profile, tier, precision: serverPrecision, batchTimeS });
  });

  // With a server that did not resolve (its problem is reported), what placement
  // and balancers would say of the servers left is noise.
  if (servers.length === scenario.servers.length) {
    const placementProblem = policy.check?.(servers);
    if (placementProblem !== undefined)
      problems.push({ path: 'workload.inference.placement', message: placementProblem });
    problems.push(...balancerProblems(scenario, servers));
  }
  const split =
    scenario.workload.inference.placement.policy === 'split' &&
    card !== undefined &&
    problems.length === 0
      ? resolveSplit(
          scenario,
          card,
          { precision, sparsity },
          groups,
          servers.map((s) => ({
            profile: s.profile,
            precision: s.precision,
            maxBatch: s.batchTimeS.length - 1,
          })),
          problems,
        )
      : undefined;
  checkCellTechnologies(scenario, problems);
  problems.push(...traceProblems(scenario, file, dirname(file)));
  if (problems.length > 0) throw new InputError(file, problems);
  const modelBytes = card!.deployment?.encodedBytes ?? weightBytes(card!, precision);
  return {
    scenario,
    baseDir: dirname(file),
    card: card!,
    precision,
    modelBytes,
    groups,
    deviceTimeS,
    servers,
    radio: radioModels(scenario.radio),
    ...(split === undefined ? {} : { split }),
    ...(rollout === undefined ? {} : { rollout }),
  };
}

function checkCellTechnologies(scenario: InferenceScenario, problems: InputProblem[]): void {
  const technologyOf = new Map<string, string>();
  scenario.fleet.forEach((group, i) => {
    const cell = group.network.cell ?? group.name;
    const known = technologyOf.get(cell);
    if (known !== undefined && known !== group.network.technology) {
      problems.push({
        path: `fleet[${i}].network.technology`,
        message: `cell "${cell}" is ${known} (set by an earlier group); a cell has one technology`,
        value: group.network.technology,
      });
    }
    technologyOf.set(cell, known ?? group.network.technology);
  });
}

/** Zoo cards, built once: they are immutable data, and a sweep resolves hundreds of runs. */
const zooCards = new Map<string, CostCard>();

/** A zoo card by name, or a JSON/YAML card file relative to the scenario file. */
function loadCard(nameOrFile: string, scenarioFile: string): CostCard {
  const zoo = MODEL_ZOO[nameOrFile];
  if (zoo !== undefined) {
    const card = zooCards.get(nameOrFile) ?? zoo();
    zooCards.set(nameOrFile, card);
    return card;
  }
  if (!CARD_FILE.test(nameOrFile)) {
    throw new InputError(scenarioFile, [
      {
        path: 'model.card',
        message: `unknown model "${nameOrFile}"; expected one of ${Object.keys(MODEL_ZOO).join(', ')} or a .json card file`,
      },
    ]);
  }
  const path = resolvePath(dirname(scenarioFile), nameOrFile);
  return readCostCardFile(path);
}
