import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandSweep,
  loadScenario,
  metricUnit,
  parseBound,
  readMergedScenario,
} from '../../src/index.js';
import { mdcScenario, writeScenario } from './mdc.js';

describe('a metric unit comes from its summary column name', () => {
  it('reads bounds with units in the metric unit', () => {
    expect(parseBound('latency_p95_s', '150 ms')).toEqual({ ok: true, value: 0.15 });
    expect(parseBound('cost_per_month_usd', '$2,000')).toEqual({ ok: true, value: 2000 });
    expect(parseBound('cost_per_month_usd', '2000 USD')).toEqual({ ok: true, value: 2000 });
    expect(parseBound('slo_attainment', '99%')).toEqual({ ok: true, value: 0.99 });
    expect(parseBound('energy_total_kwh', '2 kWh')).toEqual({ ok: true, value: 2 });
    expect(parseBound('energy_servers_j', '1 kJ')).toEqual({ ok: true, value: 1000 });
    expect(parseBound('throughput_per_s', '100/s')).toEqual({ ok: true, value: 100 });
  });

  it('takes a bare number in the metric unit, and refuses units on a unitless metric', () => {
    expect(parseBound('latency_p95_s', 0.15)).toEqual({ ok: true, value: 0.15 });
    expect(parseBound('requests', '5')).toEqual({ ok: true, value: 5 });
    expect(parseBound('requests', '5 ms')).toMatchObject({ ok: false });
    expect(metricUnit('utilisation_edge').kind).toBe('fraction');
    expect(metricUnit('latency_queue_p95_s').kind).toBe('duration');
  });
});

describe('a plan: block is the planner’s', () => {
  const plan = {
    variables: { 'servers[0].workers': { min: 1, max: 4 } },
    objective: { minimise: 'energy_servers_j' },
  };

  it('a run leaves it out', () => {
    const file = writeScenario(mkdtempSync(join(tmpdir(), 'edgesim-plan-')), mdcScenario(1, plan));
    expect(loadScenario(file).scenario).not.toHaveProperty('plan');
  });

  it('a sweep leaves it out of every run', () => {
    const file = writeScenario(mkdtempSync(join(tmpdir(), 'edgesim-plan-')), mdcScenario(1, plan));
    const sweep = expandSweep(readMergedScenario(file), file, 1);
    expect(sweep.runs[0]!.scenario).not.toHaveProperty('plan');
  });
});
