/**
 * `edgesim bench` as CI runs it (built CLI, dist project): a saved report
 * that is a valid baseline and validates against the published schema, a
 * slowdown injected through EDGESIM_TEST_SLOWDOWN that fails the build (exit
 * 1, a JUnit failure), and bad input refused with exit 2. That machine noise
 * does not fail a build is shown by scripts/bench-noise.mjs (docs/ci.md),
 * not here: it takes many runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchReportJsonSchema } from '../../src/index.js';
import { edgesim } from '../helpers/cli.js';
import { junitCases, published, publishedJson } from '../helpers/reports.js';

/** A run of about 0.3 s: ten cameras offloading to an edge server for ten minutes. */
const SCENARIO = `name: tiny
seed: 1
duration: 10 min
model: { card: mobilenet-v2, precision: int8 }
fleet:
  - { name: cams, profile: raspberry-pi-4, count: 10, network: { technology: wifi5, cell: ap }, arrivals: { kind: poisson, rate: 5/s } }
servers:
  - { name: edge, profile: edge-server-t4 }
workload:
  inference: { placement: edge, input: 100 kB, output: 1 kB, slo: 250 ms }
outputs: { requests: never }
`;

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-bench-'));
  writeFileSync(join(dir, 'tiny.yaml'), SCENARIO);
  return dir;
}

const QUICK = ['--runs', '4', '--warmup', '0'];
/** Each test starts 4 to 8 timed processes of a few seconds each on a busy machine. */
const SLOW = { timeout: 240_000 };

describe('edgesim bench', () => {
  it('publishes the schema it writes', () => {
    expect(publishedJson('bench-report.schema.json')).toEqual(benchReportJsonSchema());
  });

  it('saves a report that validates; a 4x slowdown against it fails, in JUnit too', SLOW, () => {
    const dir = setup();
    const saved = edgesim(['bench', 'tiny.yaml', ...QUICK, '--save', 'base.json', '--json'], dir);
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    const report = JSON.parse(saved.stdout);
    expect(published('bench-report.schema.json').safeParse(report).success).toBe(true);
    expect(report.benchmarks[0].name).toBe('tiny.yaml');
    expect(report.benchmarks[0].runs).toHaveLength(4);
    expect(report.benchmarks[0].comparison).toBeNull();

    // Each event takes 4x as long: CPU per run grows far past 20%.
    const env = { ...process.env, EDGESIM_TEST_SLOWDOWN: '3' };
    const args = ['bench', 'tiny.yaml', ...QUICK, '--baseline', 'base.json'];
    const slowed = edgesim([...args, '--fail-if-slower', '20%', '--junit', 'bench.xml'], dir, env);
    expect(slowed.code).toBe(1);
    expect(slowed.stdout).toMatch(/tiny\.yaml .* regressed/);
    expect(slowed.stdout).toMatch(/^FAIL: 1 regressed/m);
    const cases = junitCases(join(dir, 'bench.xml'));
    expect(cases.map((c) => c.name)).toEqual(['tiny.yaml']);
    expect(cases[0]!.failure).toBeDefined();
  });

  it(
    'alternates with another build given by --against, which never gets the slowdown',
    SLOW,
    () => {
      const dir = setup();
      const env = { ...process.env, EDGESIM_TEST_SLOWDOWN: '3' };
      const args = ['bench', 'tiny.yaml', ...QUICK, '--against', process.cwd(), '--json'];
      const result = edgesim([...args, '--fail-if-slower', '20%'], dir, env);
      expect(result.code).toBe(1);
      const { comparison } = JSON.parse(result.stdout).benchmarks[0];
      expect(comparison.source).toBe('build');
      expect(comparison.baselineS).toHaveLength(4);
      expect(comparison.ratio).toBeGreaterThan(1.5); // events are most of a run
      expect(comparison.verdict).toBe('regressed');
    },
  );

  it('refuses bad input with exit 2 and says what is wrong', SLOW, () => {
    const dir = setup();
    writeFileSync(join(dir, 'bad.json'), '{"schema": "edgesim-bench/1"}');
    const cases: [string[], RegExp][] = [
      [['tiny.yaml', '--baseline', 'missing.json'], /missing\.json.*no such file/],
      [
        ['tiny.yaml', '--baseline', 'bad.json'],
        /bad\.json: edgesim: .*expected a report written by edgesim bench/s,
      ],
      [['tiny.yaml', '--fail-if-slower', '20%'], /--fail-if-slower needs --baseline or --against/],
      [['tiny.yaml', '--runs', '0'], /--runs: expected an integer >= 1, got "0"/],
      [['tiny.yaml', '--against', dir], /--against .*: no dist\/run\.js there/],
      [['nosuch.yaml'], /nosuch\.yaml/],
      [[], /give at least one scenario file, or --suite/],
      [['--suite', 'nosuch'], /unknown suite nosuch; suites: engine, fleet/],
    ];
    for (const [args, message] of cases) {
      const result = edgesim(['bench', ...args], dir);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
