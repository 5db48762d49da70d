import { describe, expect, it } from 'vitest';
import { runInference, type ScenarioInput, validateScenario } from '../src/index.js';

function scenario(overrides: Partial<ScenarioInput> = {}) {
  const base: ScenarioInput = {
    name: 'hand',
    duration: '10 s',
    fleet: [
      { name: 'cams', count: 1, network: 'lan', arrivals: { kind: 'poisson', rate: '0.1/s' } },
    ],
    networks: { lan: { uplink: '8 Mbps', downlink: '16 Mbps', latency: '5 ms' } },
    servers: { edge: { workers: 1, serviceTime: '30 ms' } },
    workload: {
      inference: { server: 'edge', requestSize: '100 kB', responseSize: '2 kB', slo: '1 s' },
    },
  };
  return validateScenario({ ...base, ...overrides }, 'test');
}

function column(
  table: { columns: readonly string[]; rows: readonly (readonly unknown[])[] },
  name: string,
) {
  const index = table.columns.indexOf(name);
  return table.rows.map((row) => row[index]);
}

describe('inference workload', () => {
  it('a lone request takes upload + latency + service + latency + download', () => {
    // 100 kB = 800,000 bit at 8 Mbps: 0.1 s up; 2 kB = 16,000 bit at 16 Mbps: 0.001 s down.
    const { requests } = runInference(scenario({ duration: '1000 s' }), 1);
    const latencies = column(requests, 'latency_s') as number[];
    const arrivals = column(requests, 'arrival_s') as number[];
    // Requests far apart (rate 0.1/s) never meet; check the ones that are alone.
    const gapAfter = (i: number) => (arrivals[i + 1] ?? Number.POSITIVE_INFINITY) - arrivals[i]!;
    const alone = latencies.filter((_, i) => gapAfter(i) > 1 && (i === 0 || gapAfter(i - 1) > 1));
    expect(alone.length).toBeGreaterThan(50);
    for (const latency of alone)
      expect(latency).toBeCloseTo(0.1 + 0.005 + 0.03 + 0.005 + 0.001, 12);
  });

  it('drops requests that find the queue full, with the reason', () => {
    const crowded = scenario({
      fleet: [
        { name: 'cams', count: 20, network: 'lan', arrivals: { kind: 'poisson', rate: '5/s' } },
      ],
      networks: { lan: { uplink: '10 Gbps', downlink: '10 Gbps' } },
      servers: { edge: { workers: 1, queueCapacity: 2, serviceTime: '100 ms' } },
    });
    const { requests, summary } = runInference(crowded, 1);
    const reasons = new Set(column(requests, 'reason'));
    expect(reasons).toEqual(new Set(['', 'queue-full']));
    expect(column(summary, 'dropped')[0]).toBeGreaterThan(0);
  });

  it('keeps arrivals unchanged when the server changes (common random numbers)', () => {
    const slow = runInference(
      scenario({ duration: '1000 s', servers: { edge: { workers: 1, serviceTime: '5 s' } } }),
      3,
    );
    const fast = runInference(
      scenario({ duration: '1000 s', servers: { edge: { workers: 4, serviceTime: '5 ms' } } }),
      3,
    );
    expect(fast.requests.rows.length).toBeGreaterThan(50);
    expect(column(fast.requests, 'arrival_s')).toEqual(column(slow.requests, 'arrival_s'));
    expect(column(fast.requests, 'latency_s')).not.toEqual(column(slow.requests, 'latency_s'));
  });

  it('stops arrivals at the scenario duration', () => {
    const { requests } = runInference(scenario({ duration: '100 s' }), 2);
    expect(Math.max(...(column(requests, 'arrival_s') as number[]))).toBeLessThan(100);
  });
});
