import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetCostBreakdown, MONTH_S } from '../../src/cost/fleet-cost.js';
import {
  asFleetScenario,
  type FleetScenarioInput,
  type InferenceTables,
  resolveScenario,
  runInference,
  type Table,
  validateScenario,
} from '../../src/index.js';
import { column } from '../helpers/tables.js';

const FILE = resolve('test/fixtures/inline.yaml');

/*
 * The hand-worked deployment: 2 T4 edge servers at $2,000 bought for 3 years,
 * 1 cloud A100 rented at $3/h, 100 phones on LTE at $2/GB. Every request goes
 * to the cloud, so the T4s serve nothing: they still cost their purchase,
 * their idle power and their hosts. Each phone asks every 10 s for 1,000 s:
 * 100 requests each, 10,000 in all, 100 kB up and 2 kB down.
 */
function deployment(): FleetScenarioInput {
  return {
    name: 'priced',
    duration: '1000 s',
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: [
      {
        name: 'phones',
        profile: 'phone-midrange',
        count: 100,
        network: { technology: 'lte', devicesPerCell: 10 },
        arrivals: { kind: 'periodic', interval: '10 s' },
        overrides: { price: '$400' },
      },
    ],
    servers: [
      { name: 't4-a', profile: 'edge-server-t4', overrides: { price: '$2000' } },
      { name: 't4-b', profile: 'edge-server-t4', overrides: { price: '$2000' } },
      {
        name: 'a100',
        profile: 'cloud-a100',
        workers: 1,
        rtt: '20 ms',
        overrides: { price: { perHour: '$3/h' } },
      },
    ],
    workload: { inference: { placement: 'cloud', input: '100 kB', output: '2 kB', slo: '1 s' } },
    cost: {
      amortisation: '3 years',
      includeDevices: true,
      hostPower: '200 W',
      pue: 1.5,
      data: { lte: '$2/GB' },
    },
  };
}

function run(input: FleetScenarioInput): InferenceTables {
  return runInference(resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE), 1);
}

function value(table: Table, name: string): number {
  return column(table, name)[0] as number;
}

/** The costs.csv amount of `column` for a component and tier (summed over groups). */
function line(costs: Table, component: string, tier: string, name: string): number {
  const components = column(costs, 'component');
  const tiers = column(costs, 'tier');
  const values = column(costs, name) as number[];
  return values.reduce(
    (sum, v, i) => (components[i] === component && tiers[i] === tier ? sum + v : sum),
    0,
  );
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

describe('cost model', () => {
  const tables = run(deployment());
  const { summary, costs } = tables;

  it('serves the known traffic: 10,000 requests, all completed in the cloud', () => {
    expect(value(summary, 'requests')).toBe(10_000);
    expect(value(summary, 'completed')).toBe(10_000);
  });

  it('amortises 2 T4 at $2,000 over 3 years: $111.11 a month', () => {
    // 2 x $2,000 x 730 h / (3 x 8,760 h) = $4,000 / 36 = $111.111
    expect(cents(line(costs, 'capex', 'edge', 'per_month_usd'))).toBe(111.11);
  });

  it('rents the A100 by the hour instead of buying it: $2,190.00 a month, no capex, no energy bill', () => {
    // $3/h x 730 h = $2,190
    expect(cents(line(costs, 'rental', 'cloud', 'per_month_usd'))).toBe(2190);
    expect(line(costs, 'capex', 'cloud', 'period_usd')).toBe(0);
    expect(line(costs, 'energy', 'cloud', 'period_usd')).toBe(0);
    expect(line(costs, 'host_energy', 'cloud', 'period_usd')).toBe(0);
  });

  it('charges the idle T4s their idle power: $1.85 a month', () => {
    // 2 x 10 W x 730 h = 14.6 kWh x $0.127/kWh = $1.8542
    expect(cents(line(costs, 'energy', 'edge', 'per_month_usd'))).toBe(1.85);
  });

  it('charges each T4 host 200 W and the PUE of 1.5 over card and host: $56.55 a month', () => {
    // per server 200 W + 0.5 x (10 W + 200 W) = 305 W; 2 x 305 W x 730 h = 445.3 kWh x $0.127 = $56.5531
    expect(cents(line(costs, 'host_energy', 'edge', 'per_month_usd'))).toBe(56.55);
  });

  it('amortises 100 phones at $400 over 3 years: $1,111.11 a month', () => {
    // 100 x $400 x 730 h / 26,280 h = $40,000 / 36 = $1,111.111
    expect(cents(line(costs, 'capex', 'device', 'per_month_usd'))).toBe(1111.11);
  });

  it('charges LTE data both ways: 1.02 GB at $2/GB = $2.04 over the run', () => {
    // 10,000 x (100,000 + 2,000) B = 1.02e9 B
    expect(value(summary, 'data_bytes')).toBe(1.02e9);
    expect(cents(value(summary, 'data_cost_usd'))).toBe(2.04);
    expect(line(costs, 'data', 'device', 'period_usd')).toBeCloseTo(2.04, 12);
  });

  it('charges cloud egress on the responses: 0.02 GB at $0.09/GB = $0.0018', () => {
    // 10,000 x 2,000 B = 2e7 B
    expect(value(summary, 'egress_cost_usd')).toBeCloseTo(0.0018, 12);
  });

  it('totals the components; per month scales by 30 days over the period; per 1,000 divides by inferences', () => {
    const endS = value(summary, 'end_s');
    const total = value(summary, 'total_cost_usd');
    const periodSum = (column(costs, 'period_usd') as number[]).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(periodSum, 9);
    expect(value(summary, 'cost_per_month_usd')).toBeCloseTo((total * MONTH_S) / endS, 9);
    expect(value(summary, 'cost_per_1000_inferences_usd')).toBeCloseTo((1000 * total) / 10_000, 12);
    expect(value(summary, 'capex_per_month_usd')).toBeCloseTo(
      line(costs, 'capex', 'edge', 'per_month_usd') +
        line(costs, 'capex', 'device', 'per_month_usd'),
      9,
    );
    expect(value(summary, 'cloud_rental_usd')).toBeCloseTo(3 * (endS / 3600), 12);
  });

  it('with a warm-up, costs cover the whole run and per 1,000 counts the inferences measured', () => {
    // Warm-up 500 s: each phone's requests at phase + 10k s with k = 50..99 count, 5,000 in all,
    // over the 500 s after it. Per 1,000 = monthly cost / monthly inferences
    // = 1000 x (total x 30 d / end) / (5,000 x 30 d / (end - 500 s)).
    const warmed = run({ ...deployment(), warmup: '500 s' }).summary;
    const endS = value(warmed, 'end_s');
    const total = value(warmed, 'total_cost_usd');
    expect(value(warmed, 'completed')).toBe(5000);
    expect(total).toBe(value(summary, 'total_cost_usd'));
    expect(value(warmed, 'cost_per_1000_inferences_usd')).toBeCloseTo(
      (1000 * total * (endS - 500)) / (endS * 5000),
      12,
    );
  });

  it('a server not listed costs nothing; one listed and idle costs its full share', () => {
    const withoutB = deployment();
    withoutB.servers = withoutB.servers!.filter((s) => s.name !== 't4-b');
    const fewer = run(withoutB).costs;
    // One T4 instead of two: half the capex, $2,000 / 36 = $55.56 a month.
    expect(cents(line(fewer, 'capex', 'edge', 'per_month_usd'))).toBe(55.56);
  });
});

describe('fleetCostBreakdown', () => {
  it('without devices, data, host or rental prices it is energy and egress, as fleetCost was', () => {
    // 3.6e6 J = 1 kWh at $0.2 = $0.20; 5e9 B out at $0.1/GB = $0.50; 1 kWh at 400 g = 0.4 kg.
    const cost = fleetCostBreakdown(
      {
        electricity: 0.2,
        carbon: 400,
        egress: 0.1,
        amortisationS: 1e9,
        includeDevices: false,
        hostPowerW: 0,
        pue: 1,
      },
      {
        periodS: 100,
        servers: [
          { tier: 'edge', units: 1, priceUsd: 0, rentalUsdPerHour: undefined, energyJ: 1.8e6 },
        ],
        groups: [
          { name: 'g', devices: 10, priceUsd: 50, energyJ: 1.8e6, cellBytes: 1e9, dataUsdPerGB: 0 },
        ],
        egressBytes: 5e9,
      },
    );
    expect(cost.byComponent.energy).toBeCloseTo(0.2, 12);
    expect(cost.byComponent.egress).toBeCloseTo(0.5, 12);
    expect(cost.byComponent.capex).toBe(0);
    expect(cost.totalUsd).toBeCloseTo(0.7, 12);
    expect(cost.co2Kg).toBeCloseTo(0.4, 12);
  });
});
