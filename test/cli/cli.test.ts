import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgesim } from '../helpers/cli.js';

const small = resolve('test/fixtures/scenarios/small.yaml');

function csvFiles(dir: string): Record<string, string> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('edgesim run', () => {
  it('writes summary.csv, requests.csv and manifest.json to results/<name> by default', () => {
    const { code, cwd, stdout } = edgesim(['run', small]);
    expect(code).toBe(0);
    expect(readdirSync(join(cwd, 'results', 'small')).sort()).toEqual([
      'breakdown.csv',
      'costs.csv',
      'devices.csv',
      'groups.csv',
      'latency.csv',
      'manifest.json',
      'requests.csv',
      'servers.csv',
      'summary.csv',
    ]);
    expect(stdout).toContain('latency_p99_s');
  });

  it('writes byte-identical CSVs for the same scenario and seed', () => {
    const first = edgesim(['run', small, '--out', 'a']);
    expect(edgesim(['run', small, '--out', 'b'], first.cwd).code).toBe(0);
    const a = csvFiles(join(first.cwd, 'a'));
    expect(Object.keys(a)).toHaveLength(8);
    expect(csvFiles(join(first.cwd, 'b'))).toEqual(a);
  });

  it('changes the results with a different seed', () => {
    const { cwd } = edgesim(['run', small, '--out', 'a']);
    edgesim(['run', small, '--out', 'b', '--seed', '8'], cwd);
    expect(readFileSync(join(cwd, 'b', 'requests.csv'), 'utf8')).not.toBe(
      readFileSync(join(cwd, 'a', 'requests.csv'), 'utf8'),
    );
  });

  it('writes nothing to stderr when it is not a terminal: no progress, no warning', () => {
    const { code, stderr } = edgesim(['run', small, '--out', 'a']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('warns on stderr that a sweep block is ignored, names the command that runs it, and runs the base point', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-cli-'));
    const sweep = '\nsweep:\n  grid:\n    workload.inference.placement: [device, edge]\n';
    writeFileSync(join(dir, 'swept.yaml'), readFileSync(small, 'utf8') + sweep);
    const swept = edgesim(['run', 'swept.yaml', '--out', 'a'], dir);
    expect(swept.code).toBe(0);
    expect(swept.stderr).toBe(
      'edgesim: warning: swept.yaml has a sweep: block; this runs its base scenario only (to run the sweep: edgesim sweep swept.yaml)\n',
    );
    expect(edgesim(['run', small, '--out', 'b'], dir).code).toBe(0);
    expect(csvFiles(join(dir, 'a'))).toEqual(csvFiles(join(dir, 'b')));
  });

  it('warns likewise of plan: and expect: blocks, naming plan and check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-cli-'));
    const blocks =
      '\nplan:\n  variables:\n    servers[0].workers: { min: 1, max: 4, monotone: increasing }\n' +
      '  constraints:\n    - { metric: latency_p95_s, op: "<=", bound: 1 s }\n' +
      '  objective: { minimise: energy_servers_j }\n' +
      'expect:\n  metrics:\n    latency_p95_s: { max: 1 s }\n';
    writeFileSync(join(dir, 'both.yaml'), readFileSync(small, 'utf8') + blocks);
    const run = edgesim(['run', 'both.yaml', '--out', 'a'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'edgesim: warning: both.yaml has a plan: block; this runs its base scenario only (to search the plan: edgesim plan both.yaml)\n' +
        'edgesim: warning: both.yaml has an expect: block; this runs its base scenario only (to check the expectations: edgesim check both.yaml)\n',
    );
  });

  it('keeps wall time out of the CSVs and records it in the manifest', () => {
    const { cwd } = edgesim(['run', small, '--out', 'a', '--seed', '3']);
    const manifest = JSON.parse(readFileSync(join(cwd, 'a', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      edgesim: expect.any(String),
      seed: 3,
      scenario: { name: 'small' },
    });
    expect(manifest.wallTimeS).toBeGreaterThan(0);
    expect(manifest.scenario.sha256).toMatch(/^[0-9a-f]{64}$/);
    const summary = readFileSync(join(cwd, 'a', 'summary.csv'), 'utf8');
    expect(summary).not.toMatch(/wall/);
  });
});

describe('bad input on the command line', () => {
  const quickstart = readFileSync('scenarios/quickstart.yaml', 'utf8');
  const cases: [string, string][] = [
    ['unknown field', quickstart.replace('count: 40', 'count: 40\n    colour: red')],
    ['wrong type', quickstart.replace('workers: 2', 'workers: two')],
    ['negative rate', quickstart.replace('rate: 2/s', 'rate: -2/s')],
    ['unknown unit', quickstart.replace('rtt: 1 ms', 'rtt: 2 parsecs')],
    ['bit rate for a duration', quickstart.replace('rtt: 1 ms', 'rtt: 20 Mbps')],
    [
      'unknown hardware profile',
      quickstart.replace('profile: raspberry-pi-4', 'profile: raspberry-pi-9'),
    ],
    ['empty file', ''],
    ['malformed YAML', 'name: [unclosed\n'],
  ];

  it.each(cases)('%s: exit code 2, one message, no stack trace, nothing written', (_, text) => {
    const cwd = mkdtempSync(join(tmpdir(), 'edgesim-bad-'));
    writeFileSync(join(cwd, 'bad.yaml'), text);
    const { code, stderr, stdout } = edgesim(['run', 'bad.yaml'], cwd);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^edgesim: bad\.yaml: /);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });

  it('missing file: exit code 2 and nothing written', () => {
    const { code, stderr, cwd } = edgesim(['run', 'missing.yaml']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('edgesim: missing.yaml: no such file');
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });

  it('a bad --seed is a usage error', () => {
    const { code, stderr } = edgesim(['run', small, '--seed', '-1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--seed/);
  });

  it('--verbose adds the stack', () => {
    const { stderr } = edgesim(['--verbose', 'run', 'missing.yaml']);
    expect(stderr).toMatch(/\n\s+at /);
  });

  it('an unknown command is a usage error', () => {
    expect(edgesim(['frobnicate']).code).toBe(2);
  });

  it('an unknown command is a usage error with --help too, not the main help', () => {
    for (const args of [['nosuch'], ['nosuch', '--help'], ['nosuch', '-h'], ['--help', 'nosuch']]) {
      const { code, stdout, stderr } = edgesim(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toContain("error: unknown command 'nosuch'");
      expect(stdout, args.join(' ')).toBe('');
    }
  });
});

describe('other commands', () => {
  it('--help and --version exit 0', () => {
    const help = edgesim(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/run \[options\] <scenario>/);
    const version = edgesim(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('validate accepts a good scenario and rejects a bad one', () => {
    expect(edgesim(['validate', small]).code).toBe(0);
    const bad = edgesim(['validate', small, 'missing.yaml']);
    expect(bad.code).toBe(2);
  });

  it('schema prints the JSON Schema', () => {
    const { code, stdout } = edgesim(['schema']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).title).toBe('edgesim scenario');
  });
});

describe('edgesim fidelity', () => {
  it('writes the rows as CSV and the picture as SVG with its Vega-Lite spec beside it', () => {
    const { code, cwd } = edgesim([
      'fidelity',
      'stm32h7',
      '--csv',
      'rows.csv',
      '--plot',
      'fit.svg',
    ]);
    expect(code).toBe(0);
    expect(readFileSync(join(cwd, 'rows.csv'), 'utf8').split('\n')[0]).toMatch(/^profile,set,/);
    expect(readFileSync(join(cwd, 'fit.svg'), 'utf8')).toMatch(/^<svg/);
    expect(JSON.parse(readFileSync(join(cwd, 'fit.vl.json'), 'utf8')).layer).toHaveLength(2);
  });

  it('refuses a picture not named .svg, and an unknown profile named as from the command line', () => {
    const png = edgesim(['fidelity', 'stm32h7', '--plot', 'fit.png']);
    expect(png.code).toBe(2);
    expect(png.stderr).toMatch(/^edgesim: --plot fit\.png: the picture is SVG/);
    const unknown = edgesim(['fidelity', 'nosuch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^edgesim: the command line: profile: unknown hardware profile "nosuch"/,
    );
  });

  it('refuses a path it cannot write as a usage error, naming the flag and the path, no stack', () => {
    const args = ['fidelity', 'stm32h7', '--csv', 'rows.csv', '--plot', 'no/such/dir/fit.svg'];
    const { code, stderr, cwd } = edgesim(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^edgesim: --plot no\/such\/dir\/fit\.svg: cannot write it \(ENOENT/);
    expect(stderr).not.toMatch(/ at /);
    // Checked before anything is written: no CSV left behind.
    expect(existsSync(join(cwd, 'rows.csv'))).toBe(false);
  });
});

describe('profiles of one’s own (EDGESIM_PROFILES)', () => {
  /** A directory with `my-board`: the Pi 5's file renamed, its fits removed, and its rows. */
  function boards(): string {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-boards-'));
    const profile = JSON.parse(readFileSync('hardware-profiles/raspberry-pi-5.json', 'utf8'));
    profile.name = 'my-board';
    for (const entry of Object.values(profile.compute) as { calibration?: unknown }[])
      delete entry.calibration;
    writeFileSync(join(dir, 'my-board.json'), JSON.stringify(profile, null, 2));
    const rows = readFileSync('hardware-profiles/measurements/raspberry-pi-5.csv', 'utf8');
    mkdirSync(join(dir, 'measurements'));
    writeFileSync(
      join(dir, 'measurements', 'my-board.csv'),
      rows.replaceAll(/^raspberry-pi-5,/gm, 'my-board,'),
    );
    return dir;
  }

  it('calibrates a profile from its own folder, and a scenario runs it by name', () => {
    const dir = boards();
    const env = { ...process.env, EDGESIM_PROFILES: dir };
    const fit = edgesim(['calibrate', 'my-board', '--write'], undefined, env);
    expect(fit.code).toBe(0);
    // Each stack besides the reference, with its factor and added time.
    expect(fit.stdout).toMatch(
      / {4}TFLite \(tflite_runtime, 4 threads\): x[\d.]+ \+ [\d.e-]+ ms a call/,
    );
    const written = readFileSync(join(dir, 'my-board.json'), 'utf8');
    // The Pi 5's int8 rows fit exactly as the built-in profile's: the same measurements.
    const builtin = JSON.parse(readFileSync('hardware-profiles/raspberry-pi-5.json', 'utf8'));
    expect(JSON.parse(written).compute.int8.achievable.value).toBe(
      builtin.compute.int8.achievable.value,
    );
    expect(written).toContain('calibration rows of measurements/my-board.csv');
    expect(edgesim(['calibrate', 'my-board', '--check'], undefined, env).code).toBe(0);
    expect(edgesim(['fidelity', 'my-board'], undefined, env).stdout).toMatch(
      /^my-board +calibration/m,
    );
    const scenario = readFileSync(small, 'utf8').replace(
      'profile: raspberry-pi-4',
      'profile: my-board',
    );
    const cwd = mkdtempSync(join(tmpdir(), 'edgesim-test-'));
    writeFileSync(join(cwd, 'mine.yaml'), scenario);
    expect(edgesim(['run', 'mine.yaml'], cwd, env).code).toBe(0);
    const manifest = JSON.parse(
      readFileSync(join(cwd, 'results', 'small', 'manifest.json'), 'utf8'),
    );
    expect(manifest.profileDirs).toEqual([dir]);
    expect(manifest.profilesSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(edgesim(['run', 'mine.yaml'], cwd).stderr).toMatch(
      /unknown hardware profile "my-board"/,
    );
  });

  it('says a named profile has no measurements, and a malformed profile file is an input error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-boards-'));
    const profile = JSON.parse(readFileSync('hardware-profiles/raspberry-pi-5.json', 'utf8'));
    profile.name = 'bare';
    writeFileSync(join(dir, 'bare.json'), JSON.stringify(profile));
    const env = { ...process.env, EDGESIM_PROFILES: dir };
    const bare = edgesim(['fidelity', 'bare'], undefined, env);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(
      `bare has no measurements to compare: expected ${join(dir, 'measurements', 'bare.csv')}`,
    );
    writeFileSync(join(dir, 'broken.json'), '{bad');
    const broken = edgesim(['calibrate', '--check'], undefined, env);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json: malformed YAML\/JSON/);
    expect(broken.stderr).not.toMatch(/internal error/);
  });

  it('refuses a folder it cannot read, naming it and the variable', () => {
    const env = { ...process.env, EDGESIM_PROFILES: '/no/such/folder' };
    const { code, stderr } = edgesim(['validate', small], undefined, env);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /profile directory \/no\/such\/folder cannot be read .*EDGESIM_PROFILES/,
    );
  });
});
