/**
 * Resolving an llm scenario: profiles read, cards found, and what the
 * schema cannot check: each model fits the memory of the hardware that runs
 * it (weights, the KV cache of the longest request, the runtime's
 * buffers), each server's KV budget holds the longest request, and no
 * request is longer than the model's context window. Throws one InputError
 * listing every problem, with the bytes needed and available.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { InputError, type InputProblem } from '../../errors.js';
import type { FleetGroup } from '../../fleet/fleet.js';
import { groupProfileProblems } from '../../fleet/group-checks.js';
import { type LlmTiming, llmFit, llmTiming } from '../../fleet/llm-timing.js';
import { type HardwareProfile, ProfileLibrary } from '../../fleet/profiles.js';
import { type LlmCard, llmCardByName, loadLlmCard } from '../../ml/cost/llm/index.js';
import { traceProblems } from '../trace-files.js';
import {
  distributionLengths,
  type RequestLengths,
  readLengthTrace,
  traceLengths,
} from './lengths.js';
import type { LlmGroupSpec, LlmModelSpec, LlmScenario, LlmServerSpec } from './schema.js';

/** A model resolved for one piece of hardware. */
export interface PlacedModel {
  readonly card: LlmCard;
  readonly precision: LlmModelSpec['precision'];
  readonly timing: LlmTiming;
}

export interface ResolvedServer extends PlacedModel {
  readonly spec: LlmServerSpec;
  readonly profile: HardwareProfile;
  /** KV-cache budget, tokens. */
  readonly kvTokens: number;
}

export interface ResolvedLlm {
  readonly scenario: LlmScenario;
  readonly file: string;
  readonly baseDir: string;
  readonly groups: FleetGroup<LlmGroupSpec>[];
  readonly servers: ResolvedServer[];
  /** How each request's prompt and output tokens are drawn. */
  readonly lengths: RequestLengths;
  /** Per group, the device model when it fits the group's memory, else null (placement device refuses that). */
  readonly deviceModels: (PlacedModel | null)[];
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;

export function resolveLlm(
  scenario: LlmScenario,
  file: string,
  library: ProfileLibrary = new ProfileLibrary(),
): ResolvedLlm {
  const problems: InputProblem[] = [];
  const baseDir = dirname(file);
  const section = scenario.llm;
  const lengths = requestLengths(scenario, baseDir, problems);
  const longest = lengths?.longest ?? 0;
  const cardOf = (spec: LlmModelSpec, path: string): LlmCard | undefined => {
    const shipped = llmCardByName(spec.card);
    if (shipped !== undefined) return shipped;
    if (!spec.card.endsWith('.json')) {
      problems.push({
        path: `${path}.card`,
        message: 'unknown language-model card; give a shipped name or a .json card file',
        value: spec.card,
      });
      return undefined;
    }
    try {
      return loadLlmCard(resolvePath(baseDir, spec.card));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(
        ...error.problems.map((p) => ({ ...p, path: `${path}.card (${error.file}: ${p.path})` })),
      );
      return undefined;
    }
  };
  const windowCheck = (card: LlmCard, path: string) => {
    if (lengths !== undefined && longest > card.arch.contextWindow)
      problems.push({
        path: section.lengths === undefined ? 'llm.output' : 'llm.lengths.file',
        message: `the longest request (prompt ${lengths.longestPrompt} + output ${lengths.longestOutput} tokens at most: ${longest}) is longer than ${card.arch.name}'s context window of ${card.arch.contextWindow} tokens (${path})`,
      });
  };
  const profileOf = (name: string, overrides: unknown, path: string) => {
    try {
      return library.resolve(name, overrides as Record<string, unknown> | undefined, {
        file,
        path: `${path}.profile`,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };

  const deviceCard = section.device && cardOf(section.device, 'llm.device');
  if (deviceCard) windowCheck(deviceCard, 'llm.device');
  const groups: FleetGroup<LlmGroupSpec>[] = [];
  const deviceModels: (PlacedModel | null)[] = [];
  let first = 0;
  scenario.fleet.forEach((spec, i) => {
    const path = `fleet[${i}]`;
    const profile = profileOf(spec.profile, spec.overrides, path);
    if (profile !== undefined) {
      groups.push({ spec, profile, first });
      problems.push(...groupProfileProblems(spec, profile, path));
      let placed: PlacedModel | null = null;
      if (deviceCard && section.device) {
        const fit = llmFit(profile, deviceCard, section.device.precision, longest);
        if (fit.ok)
          placed = {
            card: deviceCard,
            precision: section.device.precision,
            timing: llmTiming(profile, deviceCard, section.device.precision),
          };
        else if (section.placement === 'device')
          problems.push({
            path: `${path}.profile`,
            message: `${deviceCard.arch.name} at ${section.device.precision} needs ${gb(fit.neededBytes)} on ${profile.name} (weights ${gb(fit.parts.weights)}, KV cache for ${longest} tokens ${gb(fit.parts.kv)}, runtime ${gb(fit.parts.runtime)}) but ${gb(fit.availableBytes)} is available`,
          });
      }
      deviceModels.push(placed);
    }
    first += spec.count;
  });

  const servers: ResolvedServer[] = [];
  scenario.servers.forEach((spec, i) => {
    const path = `servers[${i}]`;
    const profile = profileOf(spec.profile, spec.overrides, path);
    const card = cardOf(spec.model, `${path}.model`);
    if (profile === undefined || card === undefined) return;
    windowCheck(card, `${path}.model`);
    const fit = llmFit(profile, card, spec.model.precision, longest);
    if (!fit.ok) {
      problems.push({
        path: `${path}.model`,
        message: `${card.arch.name} at ${spec.model.precision} needs ${gb(fit.neededBytes)} on ${profile.name} (weights ${gb(fit.parts.weights)}, KV cache for ${longest} tokens ${gb(fit.parts.kv)}, runtime ${gb(fit.parts.runtime)}) but ${gb(fit.availableBytes)} is available`,
      });
      return;
    }
    const free = fit.availableBytes - fit.parts.weights - fit.parts.runtime;
    const kvTokens = spec.kvTokens ?? Math.floor(free / card.kvBytesPerToken());
    if (kvTokens < longest)
      problems.push({
        path: spec.kvTokens === undefined ? `${path}.profile` : `${path}.kvTokens`,
        message: `a KV-cache budget of ${kvTokens} tokens cannot hold one request of ${longest} tokens (prompt + output at their longest)`,
        value: kvTokens,
      });
    servers.push({
      spec,
      profile,
      card,
      precision: spec.model.precision,
      timing: llmTiming(profile, card, spec.model.precision),
      kvTokens,
    });
  });
  problems.push(...traceProblems(scenario, file, baseDir));
  if (problems.length > 0 || lengths === undefined) throw new InputError(file, problems);
  return { scenario, file, baseDir, groups, servers, deviceModels, lengths };
}

/** The scenario's request lengths (a trace's problems added to `problems`). */
function requestLengths(
  scenario: LlmScenario,
  baseDir: string,
  problems: InputProblem[],
): RequestLengths | undefined {
  const { prompt, output, lengths } = scenario.llm;
  if (lengths === undefined) return distributionLengths(prompt!, output!);
  try {
    return traceLengths(readLengthTrace(resolvePath(baseDir, lengths.file)));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(
      ...error.problems.map((p) => ({
        ...p,
        path: `llm.lengths.file (${error.file}${p.path === '' ? '' : `: ${p.path}`})`,
      })),
    );
    return undefined;
  }
}
