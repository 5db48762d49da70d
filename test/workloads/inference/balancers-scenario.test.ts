/**
 * Balancers in scenarios: the `balancer` fields, the checks that need the
 * resolved servers, and whole inference runs.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import {
  asFleetScenario,
  type FleetScenarioInput,
  resolveScenario,
  runInference,
  validateScenario,
} from '../../../src/index.js';
import { balancerProblems } from '../../../src/workloads/inference/balancers/check.js';
import { expectInputError } from '../../helpers/input-error.js';
import { column } from '../../helpers/tables.js';

const FILE = resolve('test/fixtures/inline.yaml');

interface Options {
  placement?: unknown;
  servers?: unknown[];
  fleet?: unknown[];
  duration?: string;
  input?: string;
}

/** Cameras on two cells (north, south) asking every second; edge servers a, b, c (T4, idle). */
function scenario(o: Options = {}): FleetScenarioInput {
  const group = (name: string, cell: string, extra = {}) => ({
    name,
    profile: 'raspberry-pi-4',
    count: 2,
    network: { technology: 'ethernet', cell },
    arrivals: { kind: 'periodic', interval: '1 s' },
    ...extra,
  });
  return {
    name: 'balancers',
    duration: o.duration ?? '10 s',
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: o.fleet ?? [group('north', 'n'), group('south', 's')],
    servers: o.servers ?? [
      { name: 'a', profile: 'edge-server-t4', near: ['n'] },
      { name: 'b', profile: 'edge-server-t4', near: ['s'] },
      { name: 'c', profile: 'edge-server-t4' },
    ],
    workload: {
      inference: {
        placement: o.placement ?? 'edge',
        input: o.input ?? '10 kB',
        output: '1 kB',
        slo: '1 s',
      },
    } as FleetScenarioInput['workload'],
  } as FleetScenarioInput;
}

const validate = (input: FleetScenarioInput) => asFleetScenario(validateScenario(input, FILE));
const resolved = (input: FleetScenarioInput) => resolveScenario(validate(input), FILE);
const run = (input: FleetScenarioInput, seed = 1) => runInference(resolved(input), seed);
/**
 * The problems resolving a scenario whose schema accepts it finds: `balancerProblems`'
 * among them (resolution lists them with the others), none when it resolves.
 */
function problemsOf(input: FleetScenarioInput) {
  try {
    const r = resolved(input);
    expect(balancerProblems(r.scenario, r.servers)).toEqual([]);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems;
  }
}

describe('the balancer field', () => {
  it('takes a name alone, a balancer with units, or one per tier', () => {
    const placement = (balancer: unknown) =>
      validate(scenario({ placement: { policy: 'edge', balancer } })).workload.inference.placement
        .balancer;
    expect(placement('random')).toEqual({
      edge: { policy: 'random', staleness: 0 },
      cloud: { policy: 'random', staleness: 0 },
      perTier: false,
    });
    expect(placement({ policy: 'power-of-d', staleness: '500 ms' })!.edge).toEqual({
      policy: 'power-of-d',
      staleness: 0.5,
      d: 2,
    });
    expect(placement({ edge: { policy: 'nearest', overflow: 2 }, cloud: 'round-robin' })).toEqual({
      edge: { policy: 'nearest', staleness: 0, overflow: 2 },
      cloud: { policy: 'round-robin', staleness: 0 },
      perTier: true,
    });
  });

  it('refuses bad input at its path, with the value and what was expected', () => {
    const NAMES =
      'expected one of: "oracle", "round-robin", "random", "least-outstanding", "power-of-d", "weighted", "nearest"';
    const at = 'workload.inference.placement.balancer';
    const cases: [unknown, string, string][] = [
      ['fastest', at, NAMES],
      [{ policy: 'fastest' }, `${at}.policy`, NAMES],
      [{ edge: 'fastest' }, `${at}.edge`, NAMES],
      [{ policy: 'power-of-d', d: 0 }, `${at}.d`, 'd must be at least 1'],
      [{ edge: { policy: 'power-of-d', d: 1.5 } }, `${at}.edge.d`, 'expected int'],
      [
        { policy: 'random', d: 2 },
        `${at}.d`,
        'd (=2) applies to balancer "power-of-d" only, not to "random"',
      ],
      [{ policy: 'random', staleness: '-1 s' }, `${at}.staleness`, 'must be >= 0 s, got "-1 s"'],
      [
        { policy: 'nearest', overflow: 0.5 },
        `${at}.overflow`,
        'overflow must be at least 1 (a home may hold the mean load)',
      ],
      [
        { edge: 'random', staleness: 1 },
        `${at}.staleness`,
        'staleness goes inside edge or cloud when the balancer is named per tier',
      ],
    ];
    for (const [balancer, path, message] of cases) {
      const error = expectInputError(() =>
        validateScenario(scenario({ placement: { policy: 'edge', balancer } }), FILE),
      );
      expect(error.problems.map((p) => [p.path, p.message])).toEqual([[path, message]]);
    }
  });

  it('a device group may name its own, checked the same way', () => {
    const fleet = scenario().fleet.map((g, i) => (i === 1 ? { ...g, balancer: 'fastest' } : g));
    const error = expectInputError(() => validateScenario(scenario({ fleet }), FILE));
    expect(error.problems[0]!.path).toBe('fleet[1].balancer');
  });
});

describe('balancer checks against the servers', () => {
  it('refuses d larger than the servers of the tier it samples', () => {
    const placement = { policy: 'edge', balancer: { edge: { policy: 'power-of-d', d: 4 } } };
    expect(problemsOf(scenario({ placement }))).toEqual([
      {
        path: 'workload.inference.placement.balancer.edge.d',
        message: 'd is more than the 3 servers of tier edge it samples from',
        value: 4,
      },
    ]);
  });

  it('skips a tier of one server: there is nothing to choose', () => {
    const placement = { policy: 'adaptive', balancer: { policy: 'power-of-d', d: 3 } };
    const servers = [...scenario().servers!, { name: 'cloud', profile: 'cloud-a100' }];
    expect(problemsOf(scenario({ placement, servers }))).toEqual([]);
  });

  it('refuses `near` naming a cell no group is on, listing the cells', () => {
    const servers = [{ name: 'a', profile: 'edge-server-t4', near: ['n', 'east'] }];
    expect(problemsOf(scenario({ servers }))).toEqual([
      {
        path: 'servers[0].near[1]',
        message: "unknown cell; the fleet's cells are n, s",
        value: 'east',
      },
    ]);
  });

  it('refuses nearest when no server of the tier is home to any cell', () => {
    const servers = scenario().servers!.map((s) => ({ ...s, near: undefined }));
    const placement = { policy: 'edge', balancer: 'nearest' };
    expect(problemsOf(scenario({ placement, servers }))).toEqual([
      {
        path: 'workload.inference.placement.balancer',
        message:
          'balancer "nearest" needs a server of tier edge with `near` (the cells it is home to); none has',
      },
    ]);
  });

  it('refuses a balancer where the placement picks no server through one', () => {
    const fleet = scenario().fleet.map((g) => ({ ...(g as object), balancer: 'random' }));
    expect(problemsOf(scenario({ placement: 'device', fleet })).map((p) => p.path)).toEqual([
      'fleet[0].balancer',
      'fleet[1].balancer',
    ]);
    expect(
      problemsOf(scenario({ placement: { policy: 'device', balancer: 'random' } }))[0],
    ).toEqual({
      path: 'workload.inference.placement.balancer',
      message:
        'placement "device" picks no server through a balancer (edge, cloud and adaptive do)',
    });
  });
});

/** Requests per `group->server` in a run's requests table. */
function routes(input: FleetScenarioInput): Record<string, number> {
  const requests = run(input).requests;
  const groups = column(requests, 'group');
  const counts: Record<string, number> = {};
  column(requests, 'placement').forEach((server, i) => {
    const key = `${groups[i]}->${server}`;
    counts[key] = (counts[key] ?? 0) + 1;
  });
  return counts;
}

const camera = (name: string, cell: string, count: number, interval: string, extra = {}) => ({
  name,
  profile: 'raspberry-pi-4',
  count,
  network: { technology: 'ethernet', cell },
  arrivals: { kind: 'periodic', interval },
  ...extra,
});

describe('balancers in a run', () => {
  it('nearest sends each device to the server near its cell while it is lightly loaded', () => {
    const placement = { policy: 'edge', balancer: 'nearest' };
    expect(routes(scenario({ placement }))).toEqual({ 'north->a': 20, 'south->b': 20 });
  });

  it('nearest overflows a full home to the least loaded servers, and keeps the other cell home', () => {
    // North: 30 cameras every 10 ms in step (3000/s) against one T4 (about 1460/s alone).
    const fleet = [camera('north', 'n', 30, '10 ms'), camera('south', 's', 2, '1 s')];
    const placement = { policy: 'edge', balancer: 'nearest' };
    const counts = routes(scenario({ placement, fleet, duration: '2 s' }));
    // Measured: a 2600, b 2190, c 1210 of north's 6000; south's 4 all at b.
    expect(counts['south->b']).toBe(4);
    expect(counts['north->a']! + counts['north->b']! + counts['north->c']!).toBe(6000);
    expect(counts['north->a']!).toBeGreaterThan(counts['north->b']!);
    expect(counts['north->c']!).toBeGreaterThan(0);
  });

  it("round-robin cycles a tier's servers request by request", () => {
    const fleet = [camera('one', 'n', 1, '1 s')];
    const placement = { policy: 'edge', balancer: 'round-robin' };
    // No `near`: server b's cell s has no group here.
    const edge = scenario().servers!.map((s) => ({ ...(s as object), near: undefined }));
    const servers = column(
      run(scenario({ placement, fleet, servers: edge })).requests,
      'placement',
    );
    expect(servers).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it("a device group's own balancer replaces the placement's for its requests only", () => {
    // Idle servers: the oracle sends north to a (first among equals); south cycles.
    const fleet = [
      camera('north', 'n', 1, '1 s'),
      camera('south', 's', 1, '1 s', { balancer: 'round-robin' }),
    ];
    const requests = run(scenario({ fleet })).requests;
    const groups = column(requests, 'group');
    const of = (g: string) => column(requests, 'placement').filter((_, i) => groups[i] === g);
    expect(of('north')).toEqual(Array(10).fill('a'));
    expect(of('south')).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('without a balancer, edge and adaptive give exactly what the oracle named explicitly gives', () => {
    const fleet = [camera('north', 'n', 20, '3 ms'), camera('south', 's', 10, '2 ms')];
    const servers = [
      ...scenario().servers!,
      { name: 'cloud', profile: 'cloud-a100', rtt: '30 ms' },
    ];
    for (const policy of ['edge', 'adaptive']) {
      const base = run(scenario({ placement: policy, fleet, servers, duration: '1 s' }));
      for (const balancer of ['oracle', { edge: 'oracle', cloud: 'oracle' }]) {
        const placement = { policy, balancer };
        expect(run(scenario({ placement, fleet, servers, duration: '1 s' }))).toEqual(base);
      }
    }
  });

  it('the same seed gives the same results; another seed other draws', () => {
    const fleet = [camera('north', 'n', 20, '3 ms'), camera('south', 's', 10, '2 ms')];
    const placement = { policy: 'edge', balancer: { policy: 'power-of-d', staleness: '5 ms' } };
    const input = scenario({ placement, fleet, duration: '1 s' });
    expect(run(input, 7)).toEqual(run(input, 7));
    expect(column(run(input, 8).requests, 'placement')).not.toEqual(
      column(run(input, 7).requests, 'placement'),
    );
  });

  it('power-of-2 beats random on p99 across 10 edge servers at load 0.9 in a whole run', () => {
    // 100 cameras, Poisson at 131.6/s each: 0.9 x 10 servers / 0.684 ms (T4, mobilenet-v2 int8).
    // Measured p99 over 10 s (seed 1): random 15.3 ms, power-of-2 3.8 ms.
    const fleet = [
      { ...camera('cams', 'n', 100, '1 s'), arrivals: { kind: 'poisson', rate: '131.6/s' } },
    ];
    const servers = Array.from({ length: 10 }, (_, i) => ({
      name: `e${i}`,
      profile: 'edge-server-t4',
    }));
    const p99 = (balancer: string) => {
      // 1 kB requests: at 10 kB, 13,160 uploads/s would fill the 940 Mbit/s Ethernet cell.
      const placement = { policy: 'edge', balancer };
      const input = scenario({ placement, fleet, servers, duration: '10 s', input: '1 kB' });
      const summary = run({ ...input, outputs: { requests: 'never', devices: 'never' } }).summary;
      return column(summary, 'latency_p99_s')[0] as number;
    };
    expect(p99('power-of-d')).toBeLessThan(p99('random') / 2);
  });
});
