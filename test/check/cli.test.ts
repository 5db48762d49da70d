/**
 * The check and compare commands as CI runs them (built CLI, dist project):
 * exit codes, JSON that validates against the published JSON Schema, JUnit
 * XML read by a real XML parser, no colour when stdout is not a terminal.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkReportJsonSchema, compareReportJsonSchema } from '../../src/index.js';
import { edgesim } from '../helpers/cli.js';
import { junitCases, published, publishedJson } from '../helpers/reports.js';
import { writeScenario } from '../plan/mdc.js';
import { md1Scenario, serviceTimeS, temp } from './md1.js';

let serviceS = 0;
beforeAll(async () => {
  serviceS = await serviceTimeS();
});

describe('published report schemas', () => {
  it('are the ones edgesim builds (regenerate them as docs/ci.md says)', () => {
    expect(publishedJson('check-report.schema.json')).toEqual(checkReportJsonSchema());
    expect(publishedJson('compare-report.schema.json')).toEqual(compareReportJsonSchema());
  });
});

describe('edgesim check (CLI)', () => {
  function scenario(dir: string, metrics: Record<string, unknown>): string {
    const expectBlock = { replications: 3, metrics };
    return writeScenario(dir, md1Scenario(0.5, serviceS, 10, { expect: expectBlock }));
  }

  it('exits 0 when every expectation holds; JSON validates; JUnit has a passing case each', () => {
    const dir = temp();
    const file = scenario(dir, { failed: { max: 0 }, latency_mean_s: { max: '150 ms' } });
    const junit = join(dir, 'report.xml');
    const result = edgesim(['check', file, '--workers', '1', '--json', '--junit', junit], dir);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const validator = published('check-report.schema.json');
    expect(validator.safeParse(report).success).toBe(true);
    expect(validator.safeParse({ ...report, outcome: 'maybe' }).success).toBe(false);
    expect(report.outcome).toBe('pass');
    const cases = junitCases(junit);
    expect(cases.map((c) => c.name)).toEqual(['failed', 'latency_mean_s']);
    expect(cases.every((c) => c.failure === undefined && c.skipped === undefined)).toBe(true);
  });

  it('exits 1 on a violation, which JUnit reports as a failure', () => {
    const dir = temp();
    const file = scenario(dir, { latency_mean_s: { max: '0.1 ms' } });
    const junit = join(dir, 'report.xml');
    const result = edgesim(['check', file, '--workers', '1', '--junit', junit], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/latency_mean_s .* violated/);
    expect(result.stdout).toMatch(/^FAIL: 0 within, 1 violated/m);
    expect(result.stdout).not.toContain('\u001b['); // no colour into a pipe
    expect(junitCases(junit)[0]?.failure).toBeDefined();
  });

  it('exits 2 on an unknown metric, naming its path and the known ones', () => {
    const dir = temp();
    const file = scenario(dir, { latency_p95: { max: 1 } });
    const result = edgesim(['check', file, '--workers', '1'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/expect\.metrics\.latency_p95: unknown metric/);
    expect(result.stderr).toContain('latency_p95_s');
  });

  it('exits 2 on a unit that does not fit the metric, naming the path', () => {
    const dir = temp();
    const file = scenario(dir, { latency_p95_s: { max: '3 GB' } });
    const result = edgesim(['check', file, '--workers', '1'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /expect\.metrics\.latency_p95_s\.max: latency_p95_s is in seconds/,
    );
  });
});

describe('edgesim compare (CLI)', () => {
  function sweep(dir: string, name: string, workers: number): string {
    const file = writeScenario(
      dir,
      md1Scenario(0.9, serviceS, 10, {
        sweep: { replications: 5 },
        servers: [{ name: 'edge', profile: 'edge-server-t4', workers }],
      }),
      `${name}.yaml`,
    );
    const result = edgesim(['sweep', file, '--workers', '1', '--out', join(dir, name)], dir);
    expect(result.code).toBe(0);
    return join(dir, name);
  }

  it('exits 0 on identical results and 1 on a regression; JSON validates; JUnit parses', () => {
    const dir = temp();
    const one = sweep(dir, 'one', 1);
    const two = sweep(dir, 'two', 2);
    const same = edgesim(['compare', one, one, '--json'], dir);
    expect(same.code).toBe(0);
    const identical = JSON.parse(same.stdout);
    expect(published('compare-report.schema.json').safeParse(identical).success).toBe(true);
    expect(identical.identical).toBe(true);

    const junit = join(dir, 'compare.xml');
    const worse = edgesim(['compare', two, one, '--json', '--junit', junit], dir);
    expect(worse.code).toBe(1);
    const report = JSON.parse(worse.stdout);
    expect(published('compare-report.schema.json').safeParse(report).success).toBe(true);
    expect(report.counts.regressed).toBeGreaterThan(0);
    const cases = junitCases(junit);
    expect(cases).toHaveLength(report.metrics.length);
    const latency = cases.find((c) => c.name === 'latency_mean_s');
    expect(latency?.failure).toBeDefined();
  });

  it('prints a table of what changed, without colour into a pipe', () => {
    const dir = temp();
    const one = sweep(dir, 'one', 1);
    const two = sweep(dir, 'two', 2);
    const result = edgesim(['compare', one, two], dir);
    expect(result.stdout).toMatch(/^latency_mean_s +\S+ +\S+ +-\d+\.\d+% +\[.*\] +improved$/m);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('exits 2 on a directory that holds no result, naming it', () => {
    const dir = temp();
    const result = edgesim(['compare', join(dir, 'nosuch'), dir], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'nosuch')}: no such directory`);
  });
});
