/**
 * The fuzz harness: builds `count` mutants from the fuzz seed, checks each in
 * a worker thread (validate, sweep checks, run; see worker.ts) under a time
 * and heap limit, and counts outcomes. The oracle: every mutant ends `ok` or
 * `input-error` (exit 2 naming the file or a field path); an internal error,
 * a timeout or running out of heap is a failure. A timeout or out-of-memory
 * is checked once more in a fresh worker before it counts (the machine may be
 * busy); one that passes the second time is counted as `unconfirmed`.
 * Failing mutants are written to `outDir` with a `.txt` note beside each.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildMutant, type Mutant, mutantId, planMutants } from './mutants.js';
import { Lane, type OutcomeKind, type Verdict } from './pool.js';
import { loadSeeds, type Seed, toYaml } from './seeds.js';
import type { CheckRequest } from './worker.js';

export interface FuzzOptions {
  /** The fuzz seed: the same seed gives the same mutants. */
  seed: number;
  count: number;
  /** The project root (holding scenarios/ and test/fixtures/scenarios/). */
  root: string;
  /** The built code to check (dist/, or a frozen copy of it while others rebuild dist/). */
  distDir: string;
  /** Where failing mutants are written; null: nowhere. */
  outDir: string | null;
  /** Worker threads checking mutants side by side. */
  workers: number;
  timeoutMs: number;
  heapMb: number;
  /** Also run `edgesim validate` as a child process on every n-th mutant (0: never). */
  cliEvery: number;
  /** Run every valid mutant, or only those that train no model (training takes seconds). */
  runKinds: 'all' | 'no-training';
  /** Check a timeout or out-of-memory once more in a fresh worker before counting it. */
  retryLimited: boolean;
  /** Told of each mutant's verdict as it comes. */
  onVerdict?: (verdict: Verdict, done: number) => void;
}

/** A mutant that failed the oracle. */
export interface Failure {
  mutant: Omit<Mutant, 'bytes'>;
  verdict: Verdict;
  /** The failure's class: outcome, error, message shape and where it was thrown. */
  bugClass: string;
}

export interface FuzzSummary {
  counts: Record<OutcomeKind, number>;
  /** Mutants that `validate` accepted and a later step (sweep checks, run) refused with exit 2. */
  validateMissed: number;
  /** First-attempt timeouts or out-of-memory that passed in a fresh worker. */
  unconfirmed: number;
  /** Error messages longer than 4,000 characters. */
  longMessages: number;
  failures: Failure[];
  /** Longest check, ms. */
  maxElapsedMs: number;
  /** Mutants also checked through the CLI, and where its exit code or output broke the oracle. */
  cliChecked: number;
  cliProblems: string[];
}

const LONG_MESSAGE = 4_000;

/** Builds, checks and counts `options.count` mutants. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const seeds = loadSeeds(options.root);
  const plans = planMutants(options.seed, options.count);
  const workDir = mkdtempSync(join(tmpdir(), 'edgesim-fuzz-'));
  writeSeeds(workDir, seeds);
  const summary = emptySummary();
  const lanes = Array.from({ length: Math.max(1, options.workers) }, () => new Lane(options));
  let next = 0;
  let done = 0;
  const drain = async (lane: Lane) => {
    for (let i = next++; i < plans.length; i = next++) {
      // Workers build the mutants (megabytes of YAML at times), keeping this thread's timers on time.
      const id = mutantId(options.seed, i);
      const file = join(workDir, `${id}.yaml`);
      const outDir = join(workDir, `out-${id}`);
      const request = { id, file, outDir, runKinds: options.runKinds, plan: plans[i]! };
      const verdict = await checkTwiceIfLimited(lane, request, options.retryLimited, summary);
      if (options.cliEvery > 0 && i % options.cliEvery === 0)
        await checkCli(options.distDir, file, verdict, summary);
      record(summary, () => buildMutant(plans[i]!, id, seeds), verdict, options.outDir, seeds);
      rmSync(file, { force: true });
      options.onVerdict?.(verdict, ++done);
    }
  };
  try {
    await Promise.all(lanes.map(drain));
  } finally {
    await Promise.all(lanes.map((lane) => lane.stop()));
    rmSync(workDir, { recursive: true, force: true });
  }
  summary.failures.sort((a, b) => a.mutant.id.localeCompare(b.mutant.id));
  return summary;
}

function emptySummary(): FuzzSummary {
  return {
    counts: { ok: 0, 'input-error': 0, 'internal-error': 0, timeout: 0, 'out-of-memory': 0 },
    validateMissed: 0,
    unconfirmed: 0,
    longMessages: 0,
    failures: [],
    maxElapsedMs: 0,
    cliChecked: 0,
    cliProblems: [],
  };
}

/** Seeds under their own names, so that a mutant's `extends: base.yaml` finds its (shrunk) base. */
function writeSeeds(dir: string, seeds: readonly Seed[]): void {
  for (const seed of seeds) writeFileSync(join(dir, seed.name), toYaml(seed.data));
}

async function checkTwiceIfLimited(
  lane: Lane,
  request: CheckRequest,
  retry: boolean,
  summary: FuzzSummary,
): Promise<Verdict> {
  const first = await lane.check(request);
  if (!retry || (first.outcome !== 'timeout' && first.outcome !== 'out-of-memory')) return first;
  const second = await lane.check(request);
  if (second.outcome !== 'timeout' && second.outcome !== 'out-of-memory') summary.unconfirmed++;
  return second;
}

function record(
  summary: FuzzSummary,
  build: () => Mutant,
  verdict: Verdict,
  outDir: string | null,
  seeds: readonly Seed[],
): void {
  summary.counts[verdict.outcome]++;
  if (verdict.validateMissed) summary.validateMissed++;
  if ((verdict.messageLength ?? 0) > LONG_MESSAGE) summary.longMessages++;
  summary.maxElapsedMs = Math.max(summary.maxElapsedMs, verdict.elapsedMs);
  if (verdict.outcome === 'ok' || verdict.outcome === 'input-error') return;
  const mutant = build();
  const { bytes, ...described } = mutant;
  summary.failures.push({ mutant: described, verdict, bugClass: bugClass(verdict) });
  if (outDir !== null) saveFailure(outDir, mutant, verdict, seeds);
}

/** Writes `<id>.yaml` (the mutant, replayable with `edgesim validate`) and `<id>.txt` (what happened). */
function saveFailure(outDir: string, mutant: Mutant, verdict: Verdict, seeds: readonly Seed[]) {
  mkdirSync(outDir, { recursive: true });
  writeSeeds(outDir, seeds);
  writeFileSync(join(outDir, `${mutant.id}.yaml`), mutant.bytes);
  const note = [
    `mutant ${mutant.id} of seed ${mutant.seedName}`,
    ...mutant.ops.map((op) => `  ${op}`),
    `outcome: ${verdict.outcome}${verdict.step ? ` at ${verdict.step}` : ''} after ${Math.round(verdict.elapsedMs)} ms`,
    verdict.reason ? `why: ${verdict.reason}` : '',
    `class: ${bugClass(verdict)}`,
    '',
    verdict.stack || verdict.message || '',
  ];
  writeFileSync(join(outDir, `${mutant.id}.txt`), `${note.join('\n')}\n`);
}

/**
 * A failure's class, to count distinct bugs: outcome, step, error name, the
 * message's first line with numbers and quoted text blanked, and the first
 * stack frame in edgesim's own code (src/, by source maps).
 */
export function bugClass(verdict: Verdict): string {
  if (verdict.outcome === 'timeout' || verdict.outcome === 'out-of-memory')
    return `${verdict.outcome} at ${verdict.step ?? 'start'}`;
  const firstLine = (verdict.message ?? '').split('\n')[0]!;
  const shape = firstLine
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/\/[\w./-]+/g, '<path>')
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 120);
  const frame = /\((\/[^)]*\/src\/[^)]+?):\d+\)|at (\/[^\s]*\/src\/[^\s]+?):\d+$/m.exec(
    verdict.stack ?? '',
  );
  const where = (frame?.[1] ?? frame?.[2] ?? 'no src frame').replace(/^.*\/src\//, 'src/');
  return `${verdict.step ?? '?'}: ${verdict.name ?? ''}: ${shape} @ ${where}`;
}

const execFileAsync = promisify(execFile);

/**
 * `edgesim validate` as a user runs it: exit 0 when the in-process check
 * passed validation, exit 2 when it refused the file there, and never a stack
 * trace or an internal error on stderr.
 */
async function checkCli(distDir: string, file: string, verdict: Verdict, summary: FuzzSummary) {
  if (verdict.outcome === 'timeout' || verdict.outcome === 'out-of-memory') return;
  summary.cliChecked++;
  const bin = join(distDir, 'cli', 'main.js');
  const { code, stderr } = await execFileAsync(process.execPath, [bin, 'validate', file], {
    timeout: 10_000,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code?: number | string; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }),
  );
  const refusedAtValidate = verdict.step === 'validate' && verdict.outcome === 'input-error';
  const expected = refusedAtValidate ? 2 : verdict.step === 'validate' ? 1 : 0;
  const problems: string[] = [];
  if (code !== expected) problems.push(`exit ${code}, in-process check expects ${expected}`);
  // An internal error in validate is a failure already; its CLI twin prints the same stack.
  const knownInternal = verdict.outcome === 'internal-error' && verdict.step === 'validate';
  if (!knownInternal && /^\s+at .+:\d+:\d+\)?$/m.test(stderr))
    problems.push('stack trace on stderr');
  if (!knownInternal && /internal error/.test(stderr)) problems.push('"internal error" on stderr');
  if (problems.length > 0) summary.cliProblems.push(`${verdict.id}: ${problems.join('; ')}`);
}
