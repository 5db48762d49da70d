import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { Simulation } from '../../src/engine/simulation.js';
import { describeValue } from '../../src/errors.js';
import { availabilityProcess, availabilitySpec } from '../../src/fleet/availability.js';
import { buildCells, readBandwidthTrace } from '../../src/network/cells.js';
import { parseMahimahi } from '../../src/network/traces.js';
import { parseNumericCsv, readDataFile } from '../../src/scenario/data-file.js';
import { clearInputCache } from '../../src/scenario/input-cache.js';
import { decodeUtf8, inputFileReads, readInputText } from '../../src/scenario/input-file.js';
import { readMergedScenario } from '../../src/scenario/load.js';
import { arrivalProcess, arrivalSpec } from '../../src/workloads/arrivals.js';
import { expectInputError } from '../helpers/input-error.js';

const bin = resolve('dist/cli/main.js');
const fixtures = resolve('test/fixtures/input');
const TRACED = readFileSync(join(fixtures, 'traced.yaml'), 'utf8');

/** A scratch directory holding a copy of the traced fixture scenario and its traces. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-input-'));
  for (const f of ['traced.yaml', 'ten.mahimahi', 'arrivals.csv', 'online.csv', 'secrets.txt']) {
    copyFileSync(join(fixtures, f), join(dir, f));
  }
  return dir;
}

/** Writes the traced scenario with its uplink trace at `trace`; returns the scenario's path. */
function withUplinkTrace(dir: string, trace: string): string {
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, TRACED.replace('uplinkTrace: ten.mahimahi', `uplinkTrace: ${trace}`));
  return file;
}

/** Bytes from a fixed linear congruential sequence (no Math.random): the same garbage every run. */
function garbage(length: number, seed: number, map: (byte: number) => number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = map(state >>> 24);
  }
  return bytes;
}

describe('special and oversized files through the CLI', () => {
  let dir: string;
  let budgetMs: number;
  const specials: Record<string, () => string> = {};

  /** Runs the CLI; a run that passes the budget is killed (status null), so a hang fails the test. */
  function edgesim(args: string[]) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: 'utf8',
      timeout: Math.ceil(budgetMs),
    });
    const elapsedMs = performance.now() - started;
    return { code: result.status, stderr: result.stderr, elapsedMs };
  }

  beforeAll(() => {
    dir = scratch();
    mkfifo(join(dir, 'pipe'));
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'huge'), '');
    truncateSync(join(dir, 'huge'), 2 * 1024 ** 3); // sparse: 2 GiB on paper, nothing on disk
    Object.assign(specials, {
      '/dev/zero': () => '/dev/zero',
      'a FIFO': () => join(dir, 'pipe'),
      'a directory': () => join(dir, 'folder'),
      'a 2 GB sparse file': () => join(dir, 'huge'),
    });
    // 2 s beyond what validating a good scenario takes on this machine (node's start-up and imports).
    const started = performance.now();
    const good = spawnSync(process.execPath, [bin, 'validate', join(dir, 'traced.yaml')]);
    expect(good.status).toBe(0);
    budgetMs = performance.now() - started + 2000;
  });

  const expected: Record<string, RegExp> = {
    '/dev/zero': /is a character device, expected a regular file/,
    'a FIFO': /is a FIFO \(named pipe\), expected a regular file/,
    'a directory': /is a directory, expected a regular file/,
    'a 2 GB sparse file': /is 2\.1 GB, above the 1 MB limit for scenario files/,
  };

  for (const kind of ['/dev/zero', 'a FIFO', 'a directory', 'a 2 GB sparse file']) {
    it(`${kind} as the scenario: exit 2 naming it, within 2 s`, () => {
      const file = specials[kind]!();
      const { code, stderr } = edgesim(['validate', file]);
      expect(code).toBe(2);
      expect(stderr).toContain(`edgesim: ${file}: `);
      expect(stderr).toMatch(expected[kind]!);
      expect(stderr).not.toMatch(/internal error/);
    });

    for (const command of ['validate', 'run']) {
      it(`${kind} as a trace: ${command} exits 2 naming the scenario, field and trace`, () => {
        const trace = specials[kind]!();
        const scenario = withUplinkTrace(dir, trace);
        const out = ['--out', join(dir, `out-${command}-${kind.replace(/\W/g, '')}`)];
        const { code, stderr } = edgesim([command, scenario, ...(command === 'run' ? out : [])]);
        expect(code).toBe(2);
        expect(stderr).toContain(scenario);
        expect(stderr).toContain('cells.lan.uplinkTrace');
        expect(stderr).toContain(trace);
        expect(stderr).toMatch(
          kind === 'a 2 GB sparse file'
            ? /is 2\.1 GB, above the 256 MB limit for trace files/
            : expected[kind]!,
        );
      });
    }
  }

  const yamlCases: [string, string, RegExp][] = [
    [
      'an alias bomb',
      // Billion laughs, 9^6 x's from 60 lines' worth of text.
      Array.from({ length: 6 }, (_, i) =>
        i === 0
          ? 'l0: &l0 [x, x, x, x, x, x, x, x, x]'
          : `l${i}: &l${i} [${`*l${i - 1}, `.repeat(8)}*l${i - 1}]`,
      ).join('\n'),
      /aliases expand too much/,
    ],
    [
      'an undefined alias',
      'name: x\nfleet: *nowhere\n',
      /line 2, column 8: undefined alias \*nowhere/,
    ],
    ['a merge key with a list', 'name: x\nbase:\n  <<: [1, 2]\n', /line 3, column 7: a merge key/],
    ['a merge key with a scalar', 'name: x\nbase:\n  <<: 3\n', /line 3, column 7: a merge key/],
    ['a self-containing alias', 'a: &a [1, *a]\n', /line 1, column 11: alias \*a is inside/],
    [
      'nesting 100 deep',
      `a: ${'['.repeat(100)}${']'.repeat(100)}\n`,
      /nested deeper than 64 levels/,
    ],
  ];
  for (const [name, text, message] of yamlCases) {
    it(`${name}: exit 2 and what is wrong, no stack trace`, () => {
      const file = join(dir, `${name.replace(/\W/g, '-')}.yaml`);
      writeFileSync(file, text);
      const { code, stderr } = edgesim(['validate', file]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/internal error|\n\s+at /);
    });
  }

  it('invalid UTF-8: exit 2 with the byte offset and line, not a U+FFFD', () => {
    const file = join(dir, 'latin1.yaml');
    // "name: café" in Latin-1: 0xe9 then a newline is not UTF-8.
    writeFileSync(file, Buffer.from([...Buffer.from('seed: 1\nname: caf'), 0xe9, 0x0a]));
    const { code, stderr } = edgesim(['validate', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'is not valid UTF-8: byte 0xe9 at byte offset 17 (line 2, column 10); expected UTF-8 text',
    );
  });

  it('binary garbage, and ASCII garbage, give under 4 kB of error text', () => {
    const binary = join(dir, 'binary.yaml');
    const ascii = join(dir, 'ascii.yaml');
    writeFileSync(
      binary,
      garbage(500_000, 1, (b) => b),
    );
    // Printable characters and newlines: valid UTF-8, so YAML sees it all.
    writeFileSync(
      ascii,
      garbage(500_000, 2, (b) => (b % 40 === 0 ? 10 : 32 + (b % 95))),
    );
    for (const file of [binary, ascii]) {
      const { code, stderr } = edgesim(['validate', file]);
      expect(code).toBe(2);
      expect(stderr.length).toBeGreaterThan(0);
      expect(stderr.length).toBeLessThan(4000);
    }
  });

  it('a trace of secret-looking lines: the error shows none of its lines past the first', () => {
    const scenario = withUplinkTrace(dir, 'secrets.txt');
    for (const args of [['validate'], ['run', '--out', join(dir, 'secret-out')]]) {
      const { code, stderr } = edgesim([...args, scenario]);
      expect(code).toBe(2);
      expect(stderr).toContain('cells.lan.uplinkTrace');
      expect(stderr).toContain('line 1');
      expect(stderr).not.toContain('SECOND-LINE-SECRET');
      expect(stderr).not.toContain('THIRD-LINE-SECRET');
    }
  });
});

describe('trace errors name the scenario, the field, the trace file and its line', () => {
  it('a Mahimahi trace of secret-looking lines: one short excerpt of line 1, no other line', () => {
    const dir = scratch();
    const namedIn = { file: join(dir, 'scenario.yaml'), path: 'cells.lan.uplinkTrace' };
    const error = expectInputError(() =>
      readBandwidthTrace('secrets.txt', { baseDir: dir, namedIn }),
    );
    const first = `${namedIn.file}: cells.lan.uplinkTrace: ${join(dir, 'secrets.txt')}, line 1: expected a whole number of milliseconds (got "root:x:0:0:FIRST-LINE-SECRET:/root:/bin/bash")`;
    expect(error.message.split('\n')[0]).toBe(first);
    expect(error.message).toContain('line 2: expected a whole number of milliseconds\n');
    expect(error.message).not.toContain('SECOND-LINE-SECRET');
    expect(error.message).not.toContain('THIRD-LINE-SECRET');
  });

  it('buildCells names the cell whose trace is bad', () => {
    const dir = scratch();
    const scenario = cellsScenario('secrets.txt');
    const file = join(dir, 'scenario.yaml');
    const error = expectInputError(() =>
      buildCells(new Simulation(), scenario, { baseDir: dir, scenarioFile: file }),
    );
    expect(error.file).toBe(file);
    expect(error.problems[0]?.path).toBe('cells.lan.uplinkTrace');
  });

  it('an arrival trace error names fleet[i].arrivals.file; one past its period names .period', () => {
    const dir = scratch();
    const namedIn = { file: 's.yaml', path: 'fleet[3].arrivals' };
    const rng = new RandomStreams(1).stream('arrivals', 0);
    const bad = arrivalSpec.parse({ kind: 'trace', file: 'online.csv' });
    const error = expectInputError(() => arrivalProcess(bad, rng, { baseDir: dir, namedIn }));
    expect(error.message.split('\n')[0]).toBe(
      `s.yaml: fleet[3].arrivals.file: ${join(dir, 'online.csv')}, line 1: expected a header naming time_s, or rows of 1 number(s) (got "start_s,end_s")`,
    );
    // The last arrival is at 2.5 s: a period of 2 s cannot hold it.
    const short = arrivalSpec.parse({ kind: 'trace', file: 'arrivals.csv', period: '2 s' });
    const late = expectInputError(() => arrivalProcess(short, rng, { baseDir: dir, namedIn }));
    expect(late.problems[0]?.path).toBe('fleet[3].arrivals.period');
  });

  it('an availability trace error names fleet[i].availability.file; one past its period names .period', () => {
    const dir = scratch();
    const namedIn = { file: 's.yaml', path: 'fleet[0].availability' };
    const rng = new RandomStreams(1).stream('availability', 0);
    const missing = availabilitySpec.parse({ kind: 'trace', file: 'nope.csv' });
    const error = expectInputError(() =>
      availabilityProcess(missing, rng, { baseDir: dir, namedIn }),
    );
    expect(error.message).toBe(
      `s.yaml: fleet[0].availability.file: ${join(dir, 'nope.csv')}: no such file`,
    );
    // online.csv's one interval ends at 4 s: a period of 3 s cannot hold it.
    const short = availabilitySpec.parse({ kind: 'trace', file: 'online.csv', period: '3 s' });
    const late = expectInputError(() => availabilityProcess(short, rng, { baseDir: dir, namedIn }));
    expect(late.problems).toEqual([
      {
        path: 'fleet[0].availability.period',
        message: `${join(dir, 'online.csv')}, line 2: an interval ends (at 4 s) after the trace's period`,
        value: 3,
      },
    ]);
  });
});

/** Ten one-device cells (`lan#0` ... `lan#9`) that take the uplink trace of cell `lan`. */
function cellsScenario(uplinkTrace: string): Parameters<typeof buildCells>[1] {
  const group = {
    name: 'cams',
    count: 10,
    network: { technology: 'wifi5', cell: 'lan', devicesPerCell: 1 },
  };
  return { fleet: [group], cells: { lan: { uplinkTrace } } } as unknown as Parameters<
    typeof buildCells
  >[1];
}

describe('each trace is read once per run', () => {
  it('ten cells naming one Mahimahi trace read it once', () => {
    clearInputCache();
    const dir = scratch();
    const before = inputFileReads();
    const plan = buildCells(new Simulation(), cellsScenario('ten.mahimahi'), { baseDir: dir });
    expect(plan.cells).toHaveLength(10);
    expect(inputFileReads() - before).toBe(1);
  });

  it('ten devices replaying one arrival trace and one availability trace read each once', () => {
    clearInputCache();
    const dir = scratch();
    const arrivals = arrivalSpec.parse({ kind: 'trace', file: 'arrivals.csv' });
    const availability = availabilitySpec.parse({ kind: 'trace', file: 'online.csv' });
    const before = inputFileReads();
    for (let d = 0; d < 10; d++) {
      const streams = new RandomStreams(1);
      const first = arrivalProcess(arrivals, streams.stream('arrivals', d), { baseDir: dir });
      expect(first.next()).toBe(0.5);
      availabilityProcess(availability, streams.stream('availability', d), { baseDir: dir });
    }
    expect(inputFileReads() - before).toBe(2);
  });

  it('a trace touched but unchanged keeps its parse; a changed trace is parsed again', () => {
    clearInputCache();
    const dir = scratch();
    const file = join(dir, 'ten.mahimahi');
    const first = readBandwidthTrace(file);
    utimesSync(file, new Date(2001, 0, 1), new Date(2001, 0, 1));
    const before = inputFileReads();
    expect(readBandwidthTrace(file)).toBe(first);
    expect(inputFileReads() - before).toBe(1); // read to compare its hash, not parsed again
    writeFileSync(file, '1\n2\n3\n4\n5\n'); // 5 packets in 5 ms: still 12 Mbit/s, a new parse
    const second = readBandwidthTrace(file);
    expect(second).not.toBe(first);
    expect(second.periodS).toBe(0.005);
  });
});

describe('reading one input file', () => {
  it('a scenario above 1 MB is refused before it is read, with its size and the limit', () => {
    const dir = scratch();
    const file = join(dir, 'big.yaml');
    writeFileSync(file, '');
    truncateSync(file, 1_500_000);
    const error = expectInputError(() => readDataFile(file));
    expect(error.message).toBe(`${file}: is 1.5 MB, above the 1 MB limit for scenario files`);
  });

  it('decodes strict UTF-8: overlong forms, surrogates and cut sequences are errors at their offset', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xc0, 0x80], 1], // overlong NUL
      [[0x61, 0x0a, 0x62, 0xed, 0xa0, 0x80], 3], // a UTF-16 surrogate
      [[0x61, 0x62, 0x63, 0xe2, 0x82], 3], // "€" cut short at the end
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    ];
    for (const [bytes, offset] of cases) {
      expect(expectInputError(() => decodeUtf8(Uint8Array.from(bytes), 'f')).message).toContain(
        `at byte offset ${offset} `,
      );
    }
    expect(decodeUtf8(Uint8Array.from([0xe2, 0x82, 0xac, 0x0a]), 'f')).toBe('€\n');
  });

  it("an extends base that is a device is refused at the scenario's extends field", () => {
    const file = join(scratch(), 'derived.yaml');
    writeFileSync(file, 'extends: /dev/zero\nname: derived\n');
    expect(expectInputError(() => readMergedScenario(file)).message).toBe(
      `${file}: extends: /dev/zero: is a character device, expected a regular file`,
    );
  });

  it('reads a regular file whole', () => {
    expect(readInputText(join(fixtures, 'arrivals.csv'), 'trace')).toBe('time_s\n0.5\n1.5\n2.5\n');
  });
});

describe('bounded, escaped error text', () => {
  it('echoes a value as an escaped excerpt of at most 60 characters', () => {
    expect(describeValue('a\u001b[31mred\u0007')).toBe('"a\\u001b[31mred\\u0007"');
    expect(describeValue('\u202eevil')).toBe('"\\u202eevil"');
    const long = describeValue('x'.repeat(1000));
    expect(long).toHaveLength(60);
    expect(long.endsWith('...')).toBe(true);
  });

  it('a value with a cycle is described, not thrown on', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(describeValue(cycle)).toBe('[object Array]');
  });

  it('lists at most 10 problems, then how many more', () => {
    const text = ['time_s', ...Array.from({ length: 25 }, (_, i) => `bad${i}`)].join('\n');
    const error = expectInputError(() => parseNumericCsv(text, 'many.csv', ['time_s']));
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('many.csv: and 15 more problems');
    // Only the first bad line is echoed: the file may not be data at all.
    expect(lines[0]).toBe('many.csv: line 2: expected a number in column time_s (got "bad0")');
    expect(lines[1]).toBe('many.csv: line 3: expected a number in column time_s');
  });
});

describe('the Mahimahi parser', () => {
  it('reads CRLF lines, tabs and other white space around numbers as the simple rule does', () => {
    const trace = parseMahimahi('1\r\n\t2 \r\n\u00a03\u00a0\n\n4', 'ws.trace');
    expect([...trace.timestampsMs]).toEqual([1, 2, 3, 4]);
    expect(trace.periodMs).toBe(4);
  });

  it('rejects a space inside a number and a number followed by text', () => {
    const error = expectInputError(() => parseMahimahi('1\n2 3\n4ms\n', 'bad.trace'));
    expect(error.problems.map((p) => p.path)).toEqual(['line 2', 'line 3']);
  });
});

function mkfifo(path: string): void {
  const result = spawnSync('mkfifo', [path]);
  if (result.status !== 0) throw new Error(`mkfifo ${path} failed: ${result.stderr}`);
}
