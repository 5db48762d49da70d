import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RandomStreams } from '../../engine/random.js';
import { InputError, type InputProblem, UsageError } from '../../errors.js';
import type { FleetGroup } from '../../fleet/fleet.js';
import { trainingGroups } from '../../fleet/group-checks.js';
import { ProfileLibrary } from '../../fleet/profiles.js';
import { traceProblems } from '../trace-files.js';
import { asyncProblems } from './async/checks.js';
import { asyncSettings } from './async/settings.js';
import { attackProblems } from './attacks/index.js';
import { privacyPlan } from './privacy/budget.js';
import type { FederatedScenario } from './scenario.js';
import type { FederatedSection } from './schema.js';
import { secureAggregationProblems } from './secure-aggregation.js';
import { strategyFromSpec } from './strategies/registry.js';
import type { Strategy } from './strategies/strategy.js';
import { wrapperClientProblems } from './strategies/wrappers/registry.js';

/** A federated scenario with its profiles read and its strategy checked. */
export interface ResolvedFederated {
  scenario: FederatedScenario;
  file: string;
  baseDir: string;
  groups: FleetGroup[];
  /** Clients: one per device. */
  clientCount: number;
  /** A fresh strategy (each run starts from fresh server state) drawing from the run's streams. */
  strategy: (streams: RandomStreams) => Strategy;
}

/**
 * Checks what the schema cannot: profiles exist and can train (fp32, or a
 * fallback), network interfaces exist, the strategy is known and its options
 * valid, a round asks for no more clients than the fleet has, and the model
 * and dataset files are there. Throws one InputError listing every problem.
 */
export function resolveFederated(
  scenario: FederatedScenario,
  file: string,
  library: ProfileLibrary = new ProfileLibrary(),
): ResolvedFederated {
  const problems: InputProblem[] = [];
  const baseDir = dirname(file);
  const { groups, devices: first } = trainingGroups(scenario.fleet, library, file, problems);
  const section = scenario.federated;
  if (section.clientsPerRound > first)
    problems.push({
      path: 'federated.clientsPerRound',
      message: `more clients per round than the fleet has (${first} devices)`,
      value: section.clientsPerRound,
    });
  const strategy = (streams: RandomStreams) =>
    strategyFromSpec(section.strategy, streams, { totalClients: first }, section.clientsPerRound);
  let built: Strategy | undefined;
  try {
    built = strategy(new RandomStreams(0)); // to check it: a wrapper draws nothing when built
    problems.push(...localOptimizerProblems(built, section.local.optimizer));
    problems.push(
      ...privacyPlan(built, section.privacy, privacyPopulation(section, first)).problems,
    );
    if (section.privacy !== undefined && section.mode !== undefined && section.mode !== 'sync')
      problems.push({
        path: 'federated.privacy',
        message: `accounts for synchronous rounds of K sampled clients; mode ${section.mode} is not accounted`,
      });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push({ path: 'federated.strategy', message: error.message });
  }
  problems.push(...robustRuleProblems(section));
  problems.push(...secureAggregationProblems(section));
  if (section.selection === 'poisson' && section.overCommit !== 1)
    problems.push({
      path: 'federated.overCommit',
      message:
        'selection poisson takes each client with probability clientsPerRound / clients and waits for all it drew; over-commit does not apply',
      value: section.overCommit,
    });
  problems.push(...asyncProblems(section, first, built));
  problems.push(...attackProblems(section.attack, groups));
  if ('file' in section.model && !existsSync(resolve(baseDir, section.model.file)))
    problems.push({
      path: 'federated.model.file',
      message: 'model file not found',
      value: section.model.file,
    });
  if (section.dataset.kind === 'csv' && !existsSync(resolve(baseDir, section.dataset.file)))
    problems.push({
      path: 'federated.dataset.file',
      message: 'dataset file not found',
      value: section.dataset.file,
    });
  problems.push(...traceProblems(scenario, file, baseDir));
  if (problems.length > 0) throw new InputError(file, problems);
  return { scenario, file, baseDir, groups, clientCount: first, strategy };
}

/** What the privacy accountant needs of a scenario: the clients, the sample per round, the rounds. */
export function privacyPopulation(section: FederatedSection, clients: number) {
  return {
    clients,
    clientsPerRound: section.clientsPerRound,
    rounds: section.rounds,
    poisson: section.selection === 'poisson',
  };
}

/** The local optimizer, if the strategy is not defined for it (SCAFFOLD assumes plain SGD steps). */
function localOptimizerProblems(
  strategy: Strategy,
  optimizer: FederatedSection['local']['optimizer'],
): InputProblem[] {
  const allowed = strategy.localOptimizers;
  if (allowed === undefined || allowed.includes(optimizer)) return [];
  return [
    {
      path: 'federated.local.optimizer',
      message: `strategy ${strategy.name} is defined only for local optimizer ${allowed.join(', ')}, not ${optimizer}`,
      value: optimizer,
    },
  ];
}

/**
 * The robust rules' bounds (Krum's f, Multi-Krum's m, Bulyan's f) against
 * the updates each aggregation sees: clientsPerRound in sync mode, the
 * buffer size K in buffered mode (FedBuff aggregates K arrivals at a time).
 * FedAsync takes no wrappers (async/checks.ts says so), so there is nothing
 * to bound there.
 */
function robustRuleProblems(section: FederatedSection): InputProblem[] {
  const wrappers = section.strategy.wrap ?? [];
  if (section.mode === 'async') return [];
  if (section.mode !== 'buffered') return wrapperClientProblems(wrappers, section.clientsPerRound);
  const k = asyncSettings('buffered', section.async, section).bufferSize;
  const source =
    section.async?.bufferSize === undefined
      ? 'federated.async.bufferSize, default clientsPerRound'
      : 'federated.async.bufferSize';
  return wrapperClientProblems(wrappers, k).map((p) => ({
    ...p,
    message: `in mode buffered each server update aggregates the buffer size K = ${k} (${source}), not clientsPerRound: ${p.message
      .replaceAll('clients per round', 'updates per aggregation')
      .replaceAll('clientsPerRound', 'K')}`,
  }));
}
