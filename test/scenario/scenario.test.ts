import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asFleetScenario,
  type InputError,
  loadScenario,
  scenarioJsonSchema,
} from '../../src/index.js';
import { expectInputError } from '../helpers/input-error.js';

const fixtures = 'test/fixtures/scenarios';
const quickstart = readFileSync('scenarios/quickstart.yaml', 'utf8');

/** Writes `text` to a fresh temporary file and returns its path. */
function scenarioFile(text: string, name = 'scenario.yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'edgesim-scenario-')), name);
  writeFileSync(path, text);
  return path;
}

/** The InputError thrown while loading `file`. */
function loadError(file: string): InputError {
  return expectInputError(() => loadScenario(file));
}

describe('loading scenarios', () => {
  it('converts quantities with units to base units once, at load', () => {
    const scenario = asFleetScenario(loadScenario('scenarios/quickstart.yaml').scenario);
    expect(scenario.duration).toBe(600);
    expect(scenario.servers[1]!.rtt).toBe(0.04);
    expect(scenario.servers[1]!.ingress).toBe(1e9);
    expect(scenario.workload.inference.input).toBe(150_000);
    expect(scenario.fleet[0]!.arrivals).toEqual({ kind: 'poisson', rate: 2 });
    expect(scenario.fleet[1]!.battery!.initialCharge).toBe(0.6);
    // The ownership fields take their defaults: 3 years of 8,760 h, no host, PUE 1, no data plan.
    expect(scenario.cost).toEqual({
      electricity: 0.127,
      carbon: 370,
      egress: 0.09,
      amortisation: 3 * 8760 * 3600,
      includeDevices: false,
      hostPower: 0,
      pue: 1,
      data: {},
    });
  });

  it('reads the same scenario from JSON as from YAML, with the same hash', () => {
    const { scenario, hash } = loadScenario('scenarios/quickstart.yaml');
    const json = scenarioFile(JSON.stringify({ ...scenario, duration: '10 min' }), 'q.json');
    const fromJson = loadScenario(json);
    expect(fromJson.scenario).toEqual(scenario);
    expect(fromJson.hash).toBe(hash);
  });

  it('merges a scenario over the one it extends', () => {
    const scenario = asFleetScenario(loadScenario(join(fixtures, 'derived.yaml')).scenario);
    expect(scenario.name).toBe('derived');
    expect(scenario.workload.inference.placement.policy).toBe('device');
    expect(scenario.workload.inference.input).toBe(10_000);
    expect(scenario.fleet[0]!.count).toBe(3);
  });

  it('expands YAML anchors and merge keys, with x- fields to hold them', () => {
    const text = quickstart.replace(
      /fleet:[\s\S]*?\nservers:/,
      [
        'x-camera: &camera',
        '  profile: raspberry-pi-4',
        '  network: { technology: wifi5 }',
        '  arrivals: { kind: poisson, rate: 2/s }',
        'fleet:',
        '  - { <<: *camera, name: a, count: 2 }',
        '  - { <<: *camera, name: b, count: 3 }',
        'servers:',
      ].join('\n'),
    );
    const scenario = asFleetScenario(loadScenario(scenarioFile(text)).scenario);
    expect(scenario.fleet.map((g) => [g.name, g.count, g.profile, g.network.technology])).toEqual([
      ['a', 2, 'raspberry-pi-4', 'wifi5'],
      ['b', 3, 'raspberry-pi-4', 'wifi5'],
    ]);
  });

  it('defaults the seed to 1', () => {
    const { scenario } = loadScenario(join(fixtures, 'base.yaml'));
    expect(scenario.seed).toBe(1);
  });
});

describe('bad scenario input', () => {
  const cases: [string, string, RegExp][] = [
    [
      'unknown field',
      quickstart.replace('count: 40', 'count: 40\n    colour: red'),
      /fleet\[0\]\.colour: unknown field; expected one of: name, profile, count, network, spread, availability, failures, battery, stack, arrivals, balancer, overrides/,
    ],
    [
      'wrong type',
      quickstart.replace('workers: 2', 'workers: two'),
      /servers\[0\]\.workers: expected number \(got "two"\)/,
    ],
    [
      'negative rate',
      quickstart.replace('rate: 2/s }', 'rate: -2/s }'),
      /fleet\[0\]\.arrivals\.rate: must be > 0\/s, got "-2\/s"/,
    ],
    [
      'unknown unit',
      quickstart.replace('rtt: 1 ms', 'rtt: 2 parsecs'),
      /servers\[0\]\.rtt: unknown unit "parsecs" in "2 parsecs"; expected a duration/,
    ],
    [
      'wrong dimension',
      quickstart.replace('rtt: 1 ms', 'rtt: 20 Mbps'),
      /servers\[0\]\.rtt: expected a duration \(e\.g\. "250 ms", or a number of seconds\), got "20 Mbps", which is a bit rate/,
    ],
    [
      'missing field',
      quickstart.replace(/\nduration: .*\n/, '\n'),
      /duration: missing required field/,
    ],
    [
      'unknown enum value',
      quickstart.replace('placement: adaptive', 'placement: fog'),
      /workload\.inference\.placement: expected one of: "device", "edge", "cloud", "adaptive", "least-loaded", "split" \(got "fog"\)/,
    ],
    ['empty file', '', /the file is empty; expected a scenario mapping/],
    [
      'malformed YAML',
      'name: [unclosed\nduration: 1 s\n',
      /malformed YAML\/JSON: line \d+, column \d+/,
    ],
    ['a list instead of a mapping', '- 1\n- 2\n', /expected object/],
  ];

  it.each(cases)(
    '%s: one message naming the file, the path, the value and what was expected',
    (_, text, pattern) => {
      const file = scenarioFile(text);
      const error = loadError(file);
      expect(error.exitCode).toBe(2);
      expect(error.message.startsWith(file)).toBe(true);
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toMatch(/\n\s+at /);
    },
  );

  it('missing file: says so', () => {
    expect(loadError('no/such/scenario.yaml').message).toBe('no/such/scenario.yaml: no such file');
  });

  it('reports every problem in the file, not just the first', () => {
    const text = quickstart.replace('workers: 2', 'workers: 0').replace('slo: 100 ms', 'slo: 5 W');
    expect(loadError(scenarioFile(text)).problems.map((p) => p.path)).toEqual([
      'servers[0].workers',
      'workload.inference.slo',
    ]);
  });

  it('refuses circular extends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-extends-'));
    writeFileSync(join(dir, 'a.yaml'), 'extends: b.yaml\nname: a\n');
    writeFileSync(join(dir, 'b.yaml'), 'extends: a.yaml\nname: b\n');
    expect(loadError(join(dir, 'a.yaml')).message).toMatch(/extends: circular extends/);
  });
});

describe('JSON Schema', () => {
  it('is checked in and up to date (regenerate with npm run schema)', () => {
    const checkedIn = JSON.parse(readFileSync('scenario.schema.json', 'utf8'));
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('describes quantity fields as a number in the base unit or text with units', () => {
    // One schema per scenario kind (fleet, compress, federated, rollout, learn, llm); the fleet kind has a duration.
    const schema = scenarioJsonSchema() as {
      anyOf: { properties: Record<string, { type: string[]; description: string }> }[];
    };
    expect(schema.anyOf.map((kind) => Object.keys(kind.properties).at(-1))).toHaveLength(6);
    const fleet = schema.anyOf.find((kind) => 'duration' in kind.properties)!;
    expect(fleet.properties.duration!.type).toEqual(['number', 'string']);
    expect(fleet.properties.duration!.description).toMatch(/Duration in s/);
  });
});
