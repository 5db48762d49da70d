// Shows that `edgesim bench --fail-if-slower` tells machine noise from a real
// slowdown: each round times a scenario, saves it as the baseline, then times
// it again twice against that baseline: once as it is (must pass) and once
// with the test-only EDGESIM_TEST_SLOWDOWN (each event 30% slower: must fail).
// With --against, each comparison instead alternates with this same build.
//
//   node scripts/bench-noise.mjs [--rounds 20] [--runs 8] [--slowdown 0.3]
//     [--threshold 20%] [--against] [scenario (default scenarios/bench-ci.yaml)]
//
// Prints one line per round and the counts; exit 1 unless every same-build
// comparison passed and every slowed one failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '8' },
    slowdown: { type: 'string', default: '0.3' },
    threshold: { type: 'string', default: '20%' },
    against: { type: 'boolean', default: false },
  },
});
const scenario = positionals[0] ?? 'scenarios/bench-ci.yaml';
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const root = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'edgesim-bench-noise-'));
const baseline = join(scratch, 'baseline.json');

function bench(extra, slowdown) {
  const report = join(scratch, 'report.json');
  const env = { ...process.env, EDGESIM_TEST_SLOWDOWN: slowdown };
  const args = [cli, 'bench', scenario, '--runs', values.runs, '--save', report, ...extra];
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (child.status !== 0 && child.status !== 1) {
    console.error(child.stderr);
    process.exit(2);
  }
  const { comparison } = JSON.parse(readFileSync(report, 'utf8')).benchmarks[0];
  return { exit: child.status, comparison };
}

const compare = values.against
  ? ['--against', root, '--fail-if-slower', values.threshold]
  : ['--baseline', baseline, '--fail-if-slower', values.threshold];
const rounds = Number(values.rounds);
let samePassed = 0;
let slowedFailed = 0;
const show = (c) =>
  `${c.ratio.toFixed(3)}x [${c.ciLow?.toFixed(3)}, ${c.ciHigh?.toFixed(3)}] ${c.verdict}`;
try {
  for (let round = 1; round <= rounds; round++) {
    if (!values.against) {
      const saved = spawnSync(
        process.execPath,
        [cli, 'bench', scenario, '--runs', values.runs, '--save', baseline],
        { env: { ...process.env, EDGESIM_TEST_SLOWDOWN: '' }, encoding: 'utf8' },
      );
      if (saved.status !== 0) throw new Error(saved.stderr);
    }
    const same = bench(compare, '');
    const slowed = bench(compare, values.slowdown);
    samePassed += same.exit === 0 ? 1 : 0;
    slowedFailed += slowed.exit === 1 ? 1 : 0;
    console.log(
      `round ${round}/${rounds}: same build ${show(same.comparison)} (exit ${same.exit}); slowed ${show(slowed.comparison)} (exit ${slowed.exit})`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(
  `same build passed ${samePassed}/${rounds}; slowed by ${values.slowdown} per event failed ${slowedFailed}/${rounds} (${values.against ? 'alternating with the same build' : 'against a saved baseline'}, ${values.runs} runs each, --fail-if-slower ${values.threshold})`,
);
process.exitCode = samePassed === rounds && slowedFailed === rounds ? 0 : 1;
