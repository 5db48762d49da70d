import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asFleetScenario,
  BatchingServer,
  type FleetScenarioInput,
  resolveScenario,
  runInference,
  Simulation,
  scenarioJsonSchema,
  UsageError,
  validateScenario,
} from '../../../src/index.js';
import {
  ON_DEVICE,
  PLACEMENT_POLICIES,
  PLACEMENT_POLICY_NAMES,
  type PlacementView,
  placementPolicy,
} from '../../../src/workloads/inference/placement.js';
import { expectInputError } from '../../helpers/input-error.js';
import { column } from '../../helpers/tables.js';

const FILE = resolve('test/fixtures/inline.yaml');

/** One Raspberry Pi on Ethernet asking every 100 s, and two idle T4 edge servers: far (50 ms) first, near (1 ms) second. */
function scenario(placement: unknown): FleetScenarioInput {
  return {
    name: 'placement',
    duration: '1000 s',
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: [
      {
        name: 'cams',
        profile: 'raspberry-pi-4',
        count: 1,
        network: { technology: 'ethernet' },
        arrivals: { kind: 'periodic', interval: '100 s' },
      },
    ],
    servers: [
      { name: 'far', profile: 'edge-server-t4', rtt: '50 ms' },
      { name: 'near', profile: 'edge-server-t4', rtt: '1 ms' },
    ],
    workload: {
      inference: { placement, input: '100 kB', output: '2 kB', slo: '1 s' },
    } as FleetScenarioInput['workload'],
  };
}

function runPlacement(placement: unknown): unknown[] {
  const validated = asFleetScenario(validateScenario(scenario(placement), FILE));
  return column(runInference(resolveScenario(validated, FILE), 1).requests, 'placement');
}

describe('placement policy registry', () => {
  it('an unknown policy is an input error at its path listing every registered one', () => {
    for (const [placement, path] of [
      ['nearest', 'workload.inference.placement'],
      [{ policy: 'nearest' }, 'workload.inference.placement.policy'],
    ] as const) {
      const error = expectInputError(() => validateScenario(scenario(placement), FILE));
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]!.path).toBe(path);
      expect(error.problems[0]!.message).toBe(
        'expected one of: "device", "edge", "cloud", "adaptive", "least-loaded", "split"',
      );
    }
  });

  it('the library refuses an unknown name too, listing the known ones', () => {
    expect(() => placementPolicy('nearest')).toThrow(UsageError);
    expect(() => placementPolicy('nearest')).toThrow(
      'unknown placement policy "nearest"; known policies: device, edge, cloud, adaptive, least-loaded, split',
    );
    expect(placementPolicy('least-loaded')).toBe(PLACEMENT_POLICIES['least-loaded']);
  });

  it("the scenario schema's list of policies is the registry's", () => {
    const text = JSON.stringify(scenarioJsonSchema());
    const enums = [...text.matchAll(/"enum":(\[[^\]]*\])/g)].map((m) => JSON.parse(m[1]!));
    expect(enums).toContainEqual([...PLACEMENT_POLICY_NAMES]);
    expect(PLACEMENT_POLICY_NAMES).toEqual(Object.keys(PLACEMENT_POLICIES));
  });

  it('a run uses the registered policy it names: least-loaded and edge part ways on idle servers', () => {
    // Both servers idle at every arrival: least-loaded ties and takes the first (far);
    // edge takes the lowest expected latency, the near one (49 ms less of RTT).
    expect(runPlacement('least-loaded')).toEqual(Array(10).fill('far'));
    expect(runPlacement('edge')).toEqual(Array(10).fill('near'));
    expect(runPlacement('device')).toEqual(Array(10).fill('device'));
  });

  it("a policy's own check refuses a scenario it cannot serve", () => {
    const input = { ...scenario('least-loaded'), servers: [] };
    const error = expectInputError(() =>
      resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE),
    );
    expect(error.problems).toEqual([
      {
        path: 'workload.inference.placement',
        message: 'placement "least-loaded" needs a server in `servers`; there is none',
      },
    ]);
  });
});

describe('least-loaded placement', () => {
  /** Servers of 1, 2 and 4 workers holding `jobs[s]` requests each (service 10 s: none ends). */
  function viewOf(jobs: number[]): PlacementView {
    const sim = new Simulation();
    const servers = [1, 2, 4].map(
      (workers) =>
        new BatchingServer(sim, {
          workers,
          queueCapacity: 100,
          maxBatch: 1,
          maxWaitS: 0,
          serviceTimeS: () => 10,
        }),
    );
    jobs.forEach((n, s) => {
      for (let i = 0; i < n; i++) servers[s]!.submit({ done: () => {} });
    });
    return { servers } as unknown as PlacementView;
  }

  const choose = (jobs: number[]) =>
    placementPolicy('least-loaded').chooser(viewOf(jobs), 'latency')(0);

  it('picks the fewest requests per worker, waiting and in service alike', () => {
    // Loads 3/1 = 3, 5/2 = 2.5, 9/4 = 2.25 (4 in service, 5 waiting): the third.
    expect(choose([3, 5, 9])).toBe(2);
    // 1/1 = 1, 1/2 = 0.5, 3/4 = 0.75: the second.
    expect(choose([1, 1, 3])).toBe(1);
  });

  it('takes the first among equals and never the device', () => {
    // 2/1 = 4/2 = 8/4 = 2: the first.
    expect(choose([2, 4, 8])).toBe(0);
    expect(choose([0, 0, 0])).toBe(0);
    expect(choose([0, 0, 0])).not.toBe(ON_DEVICE);
  });
});
