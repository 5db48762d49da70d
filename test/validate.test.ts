import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../src/validate.js';
import { edgesim } from './helpers/cli.js';
import { expectInputError } from './helpers/input-error.js';

const traces = resolve('test/fixtures/traces');
const comparePlacement = readFileSync('test/fixtures/sweeps/compare-placement.yaml', 'utf8');
const base = comparePlacement.replace(/\nsweep:[\s\S]*$/, '\n');

/** Writes `text` as s.yaml in a fresh directory; returns its path. */
function scenarioFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-validate-')), 's.yaml');
  writeFileSync(file, text);
  return file;
}

/** The InputError's message from validating `text`; fails if it validates. */
function validationError(text: string): string {
  return expectInputError(() => validateFile(scenarioFile(text))).message;
}

/** The base scenario with its first group's arrivals (or any other line) replaced. */
const withArrivals = (arrivals: string) =>
  base.replace(/arrivals: \{[^}]*\}/, `arrivals: ${arrivals}`);

/** A sweep block (block style: flow-style keys cannot hold brackets) of `section` with `entries`. */
const sweep = (section: string, entries: Record<string, string>, extra = '') =>
  `sweep:\n${extra}  ${section}:\n${Object.entries(entries)
    .map(([path, values]) => `    ${path}: ${values}\n`)
    .join('')}`;

/** A sweep whose second point names an arrival trace that does not exist. */
const missingTraceSweep =
  withArrivals(`{ kind: trace, file: ${traces}/once-at-1s.csv }`) +
  sweep('grid', {
    'fleet[0].arrivals.file': `[${traces}/once-at-1s.csv, ${traces}/missing.csv]`,
  });

describe('validate opens trace files', () => {
  it('names the field of a missing arrival trace', () => {
    const message = validationError(withArrivals('{ kind: trace, file: nowhere.csv }'));
    expect(message).toMatch(/s\.yaml: fleet\[0\]\.arrivals\.file: .*nowhere\.csv: no such file/);
  });

  it('names the field and the line of a malformed availability trace', () => {
    const text = base.replace(
      'arrivals:',
      `availability: { kind: trace, file: ${traces}/online-bad.csv }\n    arrivals:`,
    );
    const message = validationError(text);
    expect(message).toContain('fleet[0].availability.file');
    expect(message).toContain('line 3');
  });

  it('names the cell of a missing bandwidth trace', () => {
    const text = `${base}cells:\n  cams: { uplinkTrace: missing.mahimahi }\n`;
    expect(validationError(text)).toMatch(/cells\.cams\.uplinkTrace: .*missing\.mahimahi/);
  });

  it('accepts good traces', () => {
    const text = withArrivals(`{ kind: trace, file: ${traces}/arrivals.csv }`);
    expect(validateFile(scenarioFile(text)).name).toBe('compare-placement');
  });
});

describe('validate checks the sweep block', () => {
  it('counts the runs a sweep expands to: 3 x 2 points, 2 replications', () => {
    const valid = validateFile(scenarioFile(comparePlacement));
    expect(valid.sweep).toEqual({ runs: 12, points: 6, replications: 2 });
  });

  it('refuses replications: -1 at sweep.replications', () => {
    const text = base + sweep('grid', { 'fleet[1].count': '[10]' }, '  replications: -1\n');
    expect(validationError(text)).toContain('sweep.replications: must be a whole number >= 1');
  });

  it('refuses a path that is not in the scenario', () => {
    const text = base + sweep('grid', { 'workload.inference.placment': '[device]' });
    expect(validationError(text)).toContain('sweep.grid.workload.inference.placment');
  });

  it('refuses zip lists of different lengths', () => {
    const zip = { 'servers[0].workers': '[1, 2]', 'servers[0].queueCapacity': '[4]' };
    const text = base + sweep('zip', zip);
    expect(validationError(text)).toContain('sweep.zip: paired lists must have the same length');
  });

  it('validates every run: a bad value names the run that has it', () => {
    const text = base + sweep('grid', { 'fleet[1].count': '[10, -1]' });
    expect(validationError(text)).toMatch(
      /fleet\[1\]\.count: in sweep run 1 \(fleet\[1\]\.count = -1\): .*>=0/,
    );
  });

  it('prepares every point: a swept trace that is missing is an error before running', () => {
    expect(validationError(missingTraceSweep)).toMatch(
      /fleet\[0\]\.arrivals\.file: in sweep run 1 .*missing\.csv: no such file/,
    );
  });
});

describe('strategy options', () => {
  const flMnist = readFileSync('scenarios/fl-mnist.yaml', 'utf8');

  it('a misspelt FedAdam option is an error at its path listing the valid ones', () => {
    const text = flMnist.replace(
      'strategy: { name: fedavg }',
      'strategy: { name: fedadam, serverLearningRat: 3, betta1: 0.5 }',
    );
    expect(text).not.toBe(flMnist);
    const message = validationError(text);
    const valid = 'expected one of: name, acceptFailures, serverLearningRate, beta1, tau, beta2';
    expect(message).toContain(
      `federated.strategy.serverLearningRat: unknown option of strategy fedadam; ${valid}`,
    );
    expect(message).toContain('federated.strategy.betta1');
  });

  it('a strategy option may be swept, and each value is checked', () => {
    const text = flMnist + sweep('grid', { 'federated.strategy.proximalMu': '[0.1, -1]' });
    const message = validationError(
      text.replace('{ name: fedavg }', '{ name: fedprox, proximalMu: 0.5 }'),
    );
    expect(message).toMatch(/federated\.strategy\.proximalMu: in sweep run 1 /);
  });
});

describe('through the CLI', () => {
  it('prints the runs a sweep expands to', () => {
    const file = scenarioFile(comparePlacement);
    const result = edgesim(['validate', file], resolve('.'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('its sweep expands to 12 runs (6 points x 2 replications)');
  });

  it('sweep refuses a missing trace with exit 2 before any run starts', () => {
    const file = scenarioFile(missingTraceSweep);
    const dir = join(file, '..');
    const result = edgesim(['sweep', file, '--out', 'out'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('fleet[0].arrivals.file');
    expect(result.stderr).not.toMatch(/internal error| {4}at /);
    expect(existsSync(join(dir, 'out', 'runs'))).toBe(false);
  });
});
