/**
 * `edgesim bench <scenario...>` as a library call: validate the scenarios,
 * time them in fresh processes (timed-runs.ts), compare with a saved report
 * (`baseline`) or a build run in alternation (`against`), save the report
 * when asked, and return what to print with the exit code (0 pass, 1 a
 * regression; bad input throws, exit 2).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { relative, resolve } from 'node:path';
import type { CommandOutcome, CommandReportOptions } from '../check/command.js';
import { junit, table } from '../check/output.js';
import { InputError, UsageError } from '../errors.js';
import type { ProgressReporter } from '../progress.js';
import { readMergedScenario, splitScenario } from '../scenario/load.js';
import { writeAtomically } from '../sweep/run-sweep.js';
import { gitCommit, VERSION } from '../version.js';
import { loadScenario } from '../workloads/scenario.js';
import {
  type Benchmark,
  type BenchReport,
  benchReportSchema,
  type Comparison,
  compareTimings,
  type DecisionRule,
  type Measure,
  measured,
  summarise,
  VERDICTS,
  type Verdict,
} from './report.js';
import { timeScenarios } from './timed-runs.js';
import { lehmannRank } from './timing-stats.js';

export interface BenchOptions extends CommandReportOptions {
  runs?: number;
  warmup?: number;
  seed?: number;
  measure?: Measure;
  /** A saved report (`--save`, or `--json` output) to compare with. */
  baseline?: string;
  /** Another edgesim build to time in alternation and compare with. */
  against?: string;
  failIfSlower?: number;
  confidence?: number;
  noise?: number;
  save?: string;
  progress?: ProgressReporter;
  /** Told of what bench ignores (a scenario's sweep: block); default: a line on stderr. */
  warn?: (message: string) => void;
}

export const BENCH_DEFAULTS = { runs: 10, warmup: 1, confidence: 0.95, noise: 0.02 } as const;

/** Runs the benchmarks and judges them; see the module comment. */
export function benchCommand(files: readonly string[], options: BenchOptions): CommandOutcome {
  const names = checkFiles(files, options);
  const warn =
    options.warn ?? ((message: string) => process.stderr.write(`edgesim: warning: ${message}\n`));
  const scenarios = files.map((file) => {
    for (const block of Object.keys(splitScenario(readMergedScenario(file)).blocks))
      warn(`${file} has a ${block}: block; bench times its base scenario only`);
    return loadScenario(file);
  });
  const saved = options.baseline === undefined ? undefined : readReport(options.baseline);
  const measure = options.measure ?? 'cpu';
  const runs = options.runs ?? BENCH_DEFAULTS.runs;
  const rule: DecisionRule = {
    confidence: options.confidence ?? BENCH_DEFAULTS.confidence,
    noise: options.noise ?? BENCH_DEFAULTS.noise,
    failIfSlower: options.failIfSlower ?? null,
    family: files.length,
  };
  const before = names.map((name) => saved?.benchmarks.find((b) => b.name === name));
  if (saved !== undefined) checkBaseline(options.baseline!, saved, names, before);
  if (rule.failIfSlower !== null)
    requireIntervals(
      names.map((_, i) =>
        options.against !== undefined ? runs : (before[i]?.runs.length ?? runs),
      ),
      runs,
      rule,
    );
  const timings = timeScenarios(files, {
    runs,
    warmup: options.warmup ?? BENCH_DEFAULTS.warmup,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.against === undefined ? {} : { against: options.against }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  const machine = thisMachine();
  const benchmarks = timings.map((t, i): Benchmark => {
    const sha256 = createHash('sha256').update(readFileSync(t.file)).digest('hex');
    const candidate = measured(t.candidate, measure);
    let comparison: Comparison | null = null;
    if (options.against !== undefined)
      comparison = {
        source: 'build',
        scenarioChanged: false,
        machineChanged: false,
        ...compareTimings(measured(t.baseline, measure), candidate, rule),
      };
    else if (saved !== undefined) {
      const previous = before[i];
      comparison = previous === undefined ? newBenchmark() : savedComparison(previous, sha256);
    }
    return {
      name: names[i]!,
      sha256,
      seed: options.seed ?? scenarios[i]!.scenario.seed,
      runs: t.candidate,
      ...summarise(t.candidate, measure),
      comparison,
    };

    function savedComparison(previous: Benchmark, hash: string): Comparison {
      const judged = compareTimings(measured(previous.runs, measure), candidate, rule);
      const scenarioChanged = previous.sha256 !== hash;
      return {
        source: 'saved',
        scenarioChanged,
        machineChanged: !sameMachine(saved!.machine, machine),
        ...judged,
        // Another scenario times other work: its ratio is shown, never judged.
        verdict: scenarioChanged ? 'inconclusive' : judged.verdict,
      };
    }
  });
  const report = assemble(benchmarks, { measure, runs, rule, machine, options });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.save !== undefined) writeAtomically(options.save, json);
  if (options.junit !== undefined) writeAtomically(options.junit, benchJunit(report));
  return {
    text: options.json ? json.trimEnd() : benchTable(report, options.colour === true),
    exitCode: report.outcome === 'pass' ? 0 : 1,
  };
}

/** The scenario names (paths relative to the working directory); a UsageError for conflicting options. */
function checkFiles(files: readonly string[], options: BenchOptions): string[] {
  if (options.baseline !== undefined && options.against !== undefined)
    throw new UsageError('give --baseline (a saved report) or --against (a build), not both');
  if (options.failIfSlower !== undefined && !options.baseline && !options.against)
    throw new UsageError('--fail-if-slower needs --baseline or --against to compare with');
  const names = files.map((f) => relative(process.cwd(), resolve(f)) || f);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`${twice} is given twice`);
  return names;
}

/** A saved baseline must have at least one of the scenarios: otherwise nothing is compared. */
function checkBaseline(
  file: string,
  saved: BenchReport,
  names: readonly string[],
  before: readonly (Benchmark | undefined)[],
): void {
  if (before.some((b) => b !== undefined)) return;
  throw new InputError(file, [
    {
      path: 'benchmarks',
      message: `has none of ${names.join(', ')} (it has ${saved.benchmarks.map((b) => b.name).join(', ') || 'none'}); scenarios match by path relative to the working directory`,
    },
  ]);
}

/**
 * A UsageError when `--fail-if-slower` could never fail: too few runs a side
 * for an interval at the family-wise confidence (the exact U distribution
 * has no tail that small).
 */
function requireIntervals(baselineRuns: readonly number[], runs: number, rule: DecisionRule): void {
  const each = 1 - (1 - rule.confidence) / Math.max(1, rule.family);
  const short = baselineRuns.findIndex((n) => lehmannRank(n, runs, each).k < 1);
  if (short < 0) return;
  let needed = runs;
  while (lehmannRank(Math.max(baselineRuns[short]!, needed), needed, each).k < 1) needed++;
  throw new UsageError(
    `--fail-if-slower: ${baselineRuns[short]} baseline runs against ${runs} cannot give a ${rule.confidence * 100}% interval for ${rule.family} scenario(s), so nothing could fail; use --runs ${needed} or more (and as many in the baseline)`,
  );
}

function thisMachine(): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function sameMachine(a: BenchReport['machine'], b: BenchReport['machine']): boolean {
  return (
    a.cpus === b.cpus && a.cpuModel === b.cpuModel && a.node === b.node && a.platform === b.platform
  );
}

function assemble(
  benchmarks: Benchmark[],
  context: {
    measure: Measure;
    runs: number;
    rule: DecisionRule;
    machine: BenchReport['machine'];
    options: BenchOptions;
  },
): BenchReport {
  const { rule, options } = context;
  const counts = Object.fromEntries(
    VERDICTS.map((v) => [v, benchmarks.filter((b) => b.comparison?.verdict === v).length]),
  ) as Record<Verdict, number>;
  return {
    schema: 'edgesim-bench/1',
    edgesim: VERSION,
    commit: gitCommit(),
    machine: context.machine,
    measure: context.measure,
    runs: context.runs,
    warmup: options.warmup ?? BENCH_DEFAULTS.warmup,
    confidence: rule.confidence,
    noise: rule.noise,
    failIfSlower: rule.failIfSlower,
    baseline: options.baseline ?? options.against ?? null,
    outcome: counts.regressed > 0 ? 'fail' : 'pass',
    counts,
    benchmarks,
  };
}

function newBenchmark(): Comparison {
  return {
    source: 'saved',
    baselineMedianS: null,
    baselineS: [],
    ratio: null,
    ciLow: null,
    ciHigh: null,
    scenarioChanged: false,
    machineChanged: false,
    verdict: 'new',
  };
}

/** A saved bench report; an InputError naming the file and field when it is not one. */
function readReport(file: string): BenchReport {
  if (!existsSync(file))
    throw new InputError(file, [
      { path: '', message: 'no such file (write one with edgesim bench --save)' },
    ]);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(file, [{ path: '', message: `not JSON: ${(error as Error).message}` }]);
  }
  const parsed = benchReportSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InputError(
    file,
    parsed.error.issues.slice(0, 10).map((issue) => ({
      path: issue.path.join('.'),
      message: `${issue.message} (expected a report written by edgesim bench --save or --json)`,
    })),
  );
}

const seconds = (s: number | null) => (s === null ? '-' : `${s.toPrecision(3)} s`);
const times = (r: number | null) => (r === null ? '-' : `${r.toFixed(3)}x`);

/** The report as a table, then a one-line outcome. */
export function benchTable(report: BenchReport, colour: boolean): string {
  const compared = report.baseline !== null;
  const rows = report.benchmarks.map((b) => {
    const c = b.comparison;
    const cells = [
      b.name,
      String(b.runs.length),
      seconds(b.minS),
      seconds(b.medianS),
      seconds(b.madS),
    ];
    if (!compared || c === null) return cells;
    const interval = c.ciLow === null ? '-' : `[${times(c.ciLow)}, ${times(c.ciHigh)}]`;
    const changed =
      (c.scenarioChanged ? ' (scenario changed)' : '') +
      (c.machineChanged ? ' (baseline from another machine)' : '');
    return [
      ...cells,
      seconds(c.baselineMedianS),
      times(c.ratio),
      interval,
      `${c.verdict}${changed}`,
    ];
  });
  const header = ['benchmark', 'runs', 'min', 'median', 'MAD'];
  if (compared) header.push('baseline', 'ratio', `${report.confidence * 100}% CI`, 'verdict');
  const what = `${report.measure === 'cpu' ? 'CPU' : 'wall'} seconds per run, ${report.runs} runs each after ${report.warmup} warm-up`;
  const threshold =
    report.failIfSlower === null
      ? 'never failing'
      : `failing past ${(report.failIfSlower * 100).toFixed(0)}% slower`;
  const counts = Object.entries(report.counts)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const summary = compared
    ? `${report.outcome.toUpperCase()}: ${counts} (${what}; against ${report.baseline}, ${threshold})`
    : `${report.benchmarks.length} benchmarks (${what})`;
  return `${table(header, rows, colour && compared)}\n${summary}`;
}

/** JUnit XML: one test case per benchmark; a regression fails, a new or inconclusive one is skipped. */
export function benchJunit(report: BenchReport): string {
  return junit(
    'edgesim bench',
    report.benchmarks.map((b) => {
      const c = b.comparison;
      const message =
        c === null
          ? `median ${b.medianS} s`
          : `${c.verdict}: median ${b.medianS} s against ${c.baselineMedianS} s, ratio ${c.ratio} (CI [${c.ciLow}, ${c.ciHigh}])`;
      const outcome =
        c?.verdict === 'regressed'
          ? 'failure'
          : c?.verdict === 'new' || c?.verdict === 'inconclusive'
            ? 'skipped'
            : 'pass';
      return { name: b.name, classname: 'edgesim.bench', outcome, message };
    }),
  );
}
