/**
 * Plan reproducibility across threads and a kill -9: runs the built CLI
 * (worker threads load dist/), so this file belongs to the `dist` project.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, edgesim } from '../helpers/cli.js';
import { mdcScenario, writeScenario } from './mdc.js';

/** Two branches (placement) with a bisected worker count, replications where close. */
const PLAN = {
  variables: {
    'workload.inference.placement': { values: ['edge', 'adaptive'] },
    'servers[0].workers': { min: 1, max: 16, monotone: 'increasing' },
  },
  constraints: [{ metric: 'latency_p95_s', op: '<=', bound: '2 ms', confidence: '95%' }],
  objective: { minimise: 'energy_servers_j' },
  replications: { min: 2, max: 5 },
};

function scenarioFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-plan-threads-'));
  return { dir, file: writeScenario(dir, mdcScenario(40, PLAN, 5)) };
}

const outputs = (dir: string) => ({
  csv: readFileSync(join(dir, 'plan.csv'), 'utf8'),
  json: readFileSync(join(dir, 'plan.json'), 'utf8'),
});

describe('edgesim plan', () => {
  it('writes the same plan.csv and plan.json with 1 and 2 worker threads', () => {
    const { dir, file } = scenarioFile();
    expect(edgesim(['plan', file, '--workers', '1', '--out', 'one'], dir).code).toBe(0);
    expect(edgesim(['plan', file, '--workers', '2', '--out', 'two'], dir).code).toBe(0);
    const one = outputs(join(dir, 'one'));
    expect(one.csv.trim().split('\n').length).toBeGreaterThan(3);
    expect(outputs(join(dir, 'two'))).toEqual(one);
  });

  it('resumes after kill -9 and writes what an uninterrupted plan writes', async () => {
    const { dir, file } = scenarioFile();
    expect(edgesim(['plan', file, '--workers', '1', '--out', 'whole'], dir).code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'plan', file, '--workers', '2', '--out', 'cut'], {
      cwd: dir,
      stdio: 'ignore',
    });
    // Kill once some runs are cached but before the plan is written.
    const runs = join(dir, 'cut', 'runs');
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        let cached = 0;
        try {
          cached = readdirSync(runs).filter((f) => f.endsWith('.csv')).length;
        } catch {}
        if (cached >= 3 || child.exitCode !== null) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(join(dir, 'cut', 'plan.csv'))).toBe(false); // killed before the end
    const resumed = edgesim(['plan', file, '--workers', '2', '--out', 'cut'], dir);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/\((?:[1-9]\d*) cached\)/);
    expect(outputs(join(dir, 'cut'))).toEqual(outputs(join(dir, 'whole')));
  }, 180_000);
});
