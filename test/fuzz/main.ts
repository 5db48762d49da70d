/**
 * `npm run fuzz -- [--count N] [--seed N] [--out DIR] [--workers N] [--cli-every N]
 * [--timeout-ms N] [--heap-mb N] [--run-training] [--no-retry] [--dist DIR]`:
 * checks N mutants of the shipped scenarios (default 1,000, seed 1, failing
 * mutants written to results/fuzz/), prints the count of each outcome and the
 * distinct failure classes, and exits 1 if any mutant ended in an internal
 * error, a timeout or out of memory.
 *
 * Mutants that train a model (federated real tier, compression) are validated
 * and sweep-checked, and run only with --run-training: a shrunk one trains for
 * 4 to 28 s on a busy 2-core machine, past the time limit before any mutation.
 * Checks the built code in dist/ (`npm run build`), or in `--dist DIR`: a copy
 * of dist/ placed next to it (so that `dist/..` is still the project root), to
 * fuzz one build while dist/ is being rebuilt.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { type FuzzSummary, runFuzz } from './harness.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'results/fuzz' },
    workers: { type: 'string', default: '2' },
    'cli-every': { type: 'string', default: '100' },
    'timeout-ms': { type: 'string', default: '10000' },
    'heap-mb': { type: 'string', default: '1024' },
    dist: { type: 'string', default: 'dist' },
    'run-training': { type: 'boolean', default: false },
    'no-retry': { type: 'boolean', default: false },
  },
});

function whole(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: --${name}: expected a whole number >= 0, got "${text}"`);
    process.exit(2);
  }
  return n;
}

const count = whole('count', values.count);
const bar = process.stderr.isTTY
  ? new SingleBar({ format: 'fuzz {bar} {value}/{total} | failures {failures} | {eta}s left' })
  : null;
bar?.start(count, 0, { failures: 0 });
let failures = 0;
const started = performance.now(); // wall: printed only
const summary = await runFuzz({
  count,
  seed: whole('seed', values.seed),
  root: resolve(import.meta.dirname, '../..'),
  distDir: resolve(values.dist),
  outDir: resolve(values.out),
  workers: whole('workers', values.workers),
  cliEvery: whole('cli-every', values['cli-every']),
  timeoutMs: whole('timeout-ms', values['timeout-ms']),
  heapMb: whole('heap-mb', values['heap-mb']),
  runKinds: values['run-training'] ? 'all' : 'no-training',
  retryLimited: !values['no-retry'],
  onVerdict: (verdict, done) => {
    if (verdict.outcome !== 'ok' && verdict.outcome !== 'input-error') failures++;
    bar?.update(done, { failures });
  },
});
bar?.stop();
printSummary(summary, (performance.now() - started) / 1000, values.out);
process.exitCode = summary.failures.length > 0 ? 1 : 0;

function printSummary(s: FuzzSummary, wallS: number, out: string): void {
  const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${total} mutants (seed ${values.seed}) in ${wallS.toFixed(1)} s`);
  for (const [outcome, n] of Object.entries(s.counts)) console.log(`  ${outcome.padEnd(15)} ${n}`);
  console.log(`  validate accepted, sweep/run refused (exit 2): ${s.validateMissed}`);
  console.log(`  timeouts/out-of-memory that passed on a second try: ${s.unconfirmed}`);
  console.log(`  error messages over 4,000 characters: ${s.longMessages}`);
  console.log(`  longest check: ${(s.maxElapsedMs / 1000).toFixed(2)} s`);
  console.log(`  through the CLI: ${s.cliChecked} checked, ${s.cliProblems.length} problems`);
  for (const problem of s.cliProblems.slice(0, 20)) console.log(`    ${problem}`);
  if (s.failures.length === 0) return;
  const classes = new Map<string, string[]>();
  for (const f of s.failures)
    classes.set(f.bugClass, [...(classes.get(f.bugClass) ?? []), f.mutant.id]);
  console.log(`failure classes (${classes.size}); mutants in ${out}/<id>.yaml, notes in <id>.txt:`);
  const sorted = [...classes].sort((a, b) => b[1].length - a[1].length);
  for (const [cls, ids] of sorted) {
    console.log(`  ${String(ids.length).padStart(5)}  ${cls}`);
    console.log(`         e.g. ${ids.slice(0, 3).join(', ')}`);
  }
}
