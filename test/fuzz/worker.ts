/**
 * A fuzz worker thread: checks mutant files one at a time the way a user
 * hits them, in process, through the built CLI's own commands (dist/):
 * `validate`, then (if the file has a `sweep:` block) what `sweep` does before
 * any run starts (expand, validate every run, prepare every point), then
 * `run --out <fresh dir>`. It answers each check with a {@link CheckReport};
 * the pool that started it enforces the time and heap limits.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Command } from 'commander';
import { buildMutant, type MutantPlan } from './mutants.js';
import { loadSeeds, type Seed } from './seeds.js';

/** What the pool asks a worker to check. */
export interface CheckRequest {
  id: string;
  file: string;
  /** A directory that does not exist yet, for `run --out`; removed afterwards. */
  outDir: string;
  /**
   * Run every valid mutant, or only those that train nothing (fleet runs and the
   * federated cost-only tier); the others stop after the sweep checks.
   */
  runKinds: 'all' | 'no-training';
  /** When given, the worker builds this mutant and writes it to `file` first (off the pool's thread). */
  plan?: MutantPlan;
}

/** What a worker posts as it starts each step, so that a timeout says where it happened. */
export interface StepNote {
  id: string;
  starting: Step;
}

/** The steps of a check, in order. */
export type Step = 'validate' | 'sweep' | 'run';

/** Events a mutant's run may be estimated at (about 1 s of simulation at this machine's pace). */
export const FUZZ_MAX_EVENTS = 1e6;

/** What a check found, from inside the worker. */
export interface CheckReport {
  id: string;
  outcome: 'ok' | 'input-error' | 'internal-error';
  /** The step that threw (the last one when all passed). */
  step: Step;
  /** Set when `validate` accepted the file and a later step refused it. */
  validateMissed: boolean;
  /** Error class name, message (cut at 4,000 characters), its full length, and stack. */
  name?: string;
  message?: string;
  messageLength?: number;
  stack?: string;
  /** Why an error counts as internal (for errors that are not plainly bugs). */
  reason?: string;
}

/** The data the pool starts a worker with. */
export interface WorkerConfig {
  distDir: string;
  /** The project root, to load the seeds that plans refer to. */
  root?: string;
}

const MESSAGE_CHARS = 4_000;

type Dist = Awaited<ReturnType<typeof loadDist>>;

async function loadDist(distDir: string) {
  const url = (path: string) => new URL(path, `file://${distDir}/`).href;
  const errors = (await import(url('errors.js'))) as typeof import('../../src/errors.js');
  const run = (await import(url('run.js'))) as typeof import('../../src/run.js');
  const load = (await import(
    url('scenario/load.js')
  )) as typeof import('../../src/scenario/load.js');
  const grammar = (await import(
    url('sweep/grammar.js')
  )) as typeof import('../../src/sweep/grammar.js');
  const schema = (await import(
    url('workloads/registry.js')
  )) as typeof import('../../src/workloads/registry.js');
  const validate = (await import(
    url('cli/validate.js')
  )) as typeof import('../../src/cli/validate.js');
  const cliRun = (await import(url('cli/run.js'))) as typeof import('../../src/cli/run.js');
  const profiles = (await import(
    url('fleet/profiles.js')
  )) as typeof import('../../src/fleet/profiles.js');
  return { errors, run, load, grammar, schema, validate, cliRun, profiles };
}

/** A CLI with one command registered, that throws instead of exiting and prints nothing of its own. */
function cli(register: (program: Command) => void): Command {
  const program = new Command('edgesim').exitOverride();
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  register(program);
  return program;
}

/**
 * What `edgesim sweep` checks before its first run: expansion, every run
 * valid, every point prepared, with one profile library for all, as the
 * sweep's prepareRuns has (a library per point reads the profiles again:
 * 4 ms a point).
 */
function checkSweep(dist: Dist, file: string): void {
  const raw = dist.load.readMergedScenario(file);
  if (raw === null || typeof raw !== 'object' || !('sweep' in raw)) return;
  const seed = (raw as { seed?: unknown }).seed ?? 1;
  const plan = dist.grammar.expandSweep(raw, file, seed as number);
  const validated = dist.grammar.validateRuns(plan, file);
  const prepared = new Set<number>();
  const library = new dist.profiles.ProfileLibrary();
  validated.forEach((scenario, i) => {
    const point = plan.runs[i]!.point;
    if (prepared.has(point)) return;
    prepared.add(point);
    dist.run.prepareRun(scenario, file, library);
  });
}

async function check(dist: Dist, seeds: Seed[], request: CheckRequest): Promise<CheckReport> {
  const { file, outDir } = request;
  if (request.plan) writeFileSync(file, buildMutant(request.plan, request.id, seeds).bytes);
  const steps: [Step, () => unknown][] = [
    [
      'validate',
      () => cli(dist.validate.registerValidate).parseAsync(['validate', file], { from: 'user' }),
    ],
    ['sweep', () => checkSweep(dist, file)],
    [
      'run',
      () =>
        runsKind(dist, request) &&
        cli(dist.cliRun.registerRun).parseAsync(
          // A run must end within the oracle's 10 s: the run-size guard refuses what it estimates past that.
          ['run', file, '--out', outDir, '--max-events', String(FUZZ_MAX_EVENTS)],
          { from: 'user' },
        ),
    ],
  ];
  try {
    for (const [step, action] of steps) {
      parentPort!.postMessage({ id: request.id, starting: step } satisfies StepNote);
      try {
        await action();
      } catch (error) {
        return classify(dist, request, step, error);
      }
    }
    return { id: request.id, outcome: 'ok', step: 'run', validateMissed: false };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Whether the request runs this (already validated) mutant's kind of scenario. */
function runsKind(dist: Dist, request: CheckRequest): boolean {
  if (request.runKinds === 'all') return true;
  const raw = dist.load.readMergedScenario(request.file) as { federated?: { tier?: unknown } };
  const kind = dist.schema.scenarioKind(raw);
  return kind === 'inference' || (kind === 'federated' && raw.federated?.tier === 'cost-only');
}

/** Exit 2 naming the file or a field path is an input error; anything else is internal. */
function classify(dist: Dist, request: CheckRequest, step: Step, error: unknown): CheckReport {
  const err = error instanceof Error ? error : new Error(String(error));
  const report: CheckReport = {
    id: request.id,
    outcome: 'internal-error',
    step,
    validateMissed: false,
    name: err.name,
    message: err.message.slice(0, MESSAGE_CHARS),
    messageLength: err.message.length,
    stack: err.stack ?? '',
  };
  if (!(error instanceof dist.errors.EdgesimError)) return report;
  if (error.exitCode !== 2) return { ...report, reason: `exit ${error.exitCode}, not 0 or 2` };
  const namesPath =
    error instanceof dist.errors.InputError && error.problems.some((p) => p.path !== '');
  if (!namesPath && !err.message.includes(basename(request.file)))
    return { ...report, reason: 'exit 2 naming neither the file nor a field path' };
  return {
    ...report,
    outcome: 'input-error',
    stack: undefined,
    validateMissed: step !== 'validate',
  };
}

async function serve(): Promise<void> {
  process.setSourceMapsEnabled(true);
  const config = workerData as WorkerConfig;
  const dist = await loadDist(config.distDir);
  const seeds = config.root === undefined ? [] : loadSeeds(config.root);
  const port = parentPort!;
  port.on('message', async (request: CheckRequest) => {
    port.postMessage(await check(dist, seeds, request));
  });
  port.postMessage('ready');
}

await serve();
