import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RADIO_MODELS,
  RADIO_MODEL_SETS,
  RADIO_MODELS,
  RADIO_TECHNOLOGIES,
  RadioMeter,
  type RadioModel,
  radioModels,
} from '../../src/energy/radio.js';
import {
  asFleetScenario,
  type FleetScenarioInput,
  resolveScenario,
  runInference,
  validateScenario,
} from '../../src/index.js';
import type { Table } from '../../src/results/table.js';
import { prepareScenario } from '../../src/run.js';
import type { ResolvedFederated } from '../../src/workloads/federated/resolve.js';
import { runFederated } from '../../src/workloads/federated/run.js';
import { expectInputError } from '../helpers/input-error.js';
import { column } from '../helpers/tables.js';

const HUANG = RADIO_MODEL_SETS.lte.huang2012;
const ARO = RADIO_MODEL_SETS.lte['att-aro'];

/**
 * One isolated upload from IDLE: 1 MB (8e6 bits) at 9 Mbit/s, so data flows
 * for 8/9 s after the promotion; observed when the tail has just ended.
 */
function isolatedUpload(model: RadioModel) {
  const meter = new RadioMeter(model);
  const promotionS = meter.beginTransfer(0);
  const endS = promotionS + 8e6 / 9e6;
  meter.endTransfer(endS, 8e6, 0);
  return meter.energy(endS + model.tailS);
}

describe('LTE parameter sets', () => {
  it('huang2012 charges the paper’s promotion, transfer and tail for an isolated 1 MB upload at 9 Mbit/s', () => {
    const e = isolatedUpload(HUANG);
    // Promotion: T_pro 260.1 ms x P_pro 1210.7 mW = 0.2601 * 1.2107 = 0.31490307 J.
    expect(e.promotionJ).toBeCloseTo(0.31490307, 12);
    // Transfer: alpha_u 438.39 mW/Mbps x 8 Mbit = 3.50712 J, plus beta 1288.04 mW x 8/9 s
    // = 1.14492444... J: 4.65204444... J.
    expect(e.transferJ).toBeCloseTo(3.50712 + (1.28804 * 8) / 9, 12);
    // Tail: T_tail 11.576 s x P_tail 1060.0 mW = 12.27056 J.
    expect(e.tailJ).toBeCloseTo(12.27056, 12);
    expect(e.idleJ).toBe(0);
    // Total 17.2375075144 J: the "17.24 J by the paper".
    expect(e.totalJ).toBeCloseTo(0.31490307 + 3.50712 + (1.28804 * 8) / 9 + 12.27056, 12);
    expect(e.totalJ.toFixed(2)).toBe('17.24');
  });

  it('att-aro charges ARO’s defaults for the same upload: 15.94 J, as edgesim did before named sets', () => {
    const e = isolatedUpload(ARO);
    // Promotion 0.26 s x 1.21 W = 0.3146 J.
    expect(e.promotionJ).toBeCloseTo(0.3146, 12);
    // Transfer 3.50712 J + beta 1.2 W x 8/9 s = 1.0666... J.
    expect(e.transferJ).toBeCloseTo(3.50712 + (1.2 * 8) / 9, 12);
    // Tail 0.1 s x 1.2 W + 0.02 s x 1.122 W + 10 s x 1.091 W = 0.12 + 0.02244 + 10.91 = 11.05244 J.
    expect(e.tailJ).toBeCloseTo(11.05244, 12);
    // Total 15.9408266667 J.
    expect(e.totalJ).toBeCloseTo(0.3146 + 3.50712 + (1.2 * 8) / 9 + 11.05244, 12);
    expect(e.totalJ.toFixed(2)).toBe('15.94');
  });

  it('huang2012 idles at the paper’s paging average, att-aro at ARO’s', () => {
    // 43.2 ms at 594.3 mW every 1280.2 ms; ARO: 43 ms at 0.594 W every 1.28 s.
    expect(HUANG.idleW).toBeCloseTo((0.0432 * 0.5943) / 1.2802, 15);
    expect(ARO.idleW).toBeCloseTo(0.0199546875, 15);
  });

  it('takes the alphas of Huang Table 4, which ARO shares, in J/bit', () => {
    for (const model of [HUANG, ARO]) {
      expect(model.alphaUpJPerBit).toBeCloseTo(438.39e-9, 18);
      expect(model.alphaDownJPerBit).toBeCloseTo(51.97e-9, 18);
    }
  });

  it('tags each recalled Huang figure [E] and cites ARO for the att-aro set', () => {
    expect(HUANG.sources).toContain('beta 1288.04 mW [E]');
    expect(HUANG.sources).toContain('tail 11576 ms @ 1060.0 mW [E]');
    expect(ARO.sources).toContain('[aro]');
  });
});

describe('Wi-Fi parameter sets', () => {
  it('att-aro draws ARO’s one active power while transferring and in the tail, with no per-bit term', () => {
    const model = RADIO_MODEL_SETS.wifi5['att-aro'];
    const meter = new RadioMeter(model);
    expect(meter.beginTransfer(0)).toBe(0);
    meter.endTransfer(2, 8e6, 8e6);
    // 2 s x 0.403 W + 0.25 s x 0.403 W = 0.90675 J; then 7.75 s standby at 0.02 W = 0.155 J.
    expect(meter.energy(10).totalJ).toBeCloseTo(0.90675 + 0.155, 12);
  });

  it('the default keeps the model Wi-Fi had before named sets: Huang’s transfer, ARO’s tail and standby', () => {
    const model = RADIO_MODELS.wifi5;
    expect(DEFAULT_RADIO_MODELS.wifi5).toBe('huang2012-aro-tail');
    expect(model.promotionS).toBe(0);
    expect(model.betaW).toBe(0.13286);
    expect([model.tailS, model.tailW, model.idleW]).toEqual([0.25, 0.403, 0.02]);
    expect(RADIO_MODELS.wifi6).toBe(model);
  });
});

describe('default and chosen sets', () => {
  it('defaults LTE to huang2012, the paper the README cites', () => {
    expect(DEFAULT_RADIO_MODELS.lte).toBe('huang2012');
    expect(RADIO_MODELS.lte).toBe(HUANG);
  });

  it('offers every technology at least one set, its default among them', () => {
    for (const technology of RADIO_TECHNOLOGIES) {
      const sets: Readonly<Record<string, RadioModel>> = RADIO_MODEL_SETS[technology];
      expect(sets[DEFAULT_RADIO_MODELS[technology]]).toBe(RADIO_MODELS[technology]);
    }
  });

  it('every set is a model a meter accepts', () => {
    for (const technology of RADIO_TECHNOLOGIES) {
      for (const model of Object.values(RADIO_MODEL_SETS[technology]) as RadioModel[]) {
        expect(() => new RadioMeter(model)).not.toThrow();
      }
    }
  });

  it('radioModels picks the named set for that technology only', () => {
    const models = radioModels({ lte: { model: 'att-aro' } });
    expect(models.lte).toBe(ARO);
    for (const technology of RADIO_TECHNOLOGIES.filter((t) => t !== 'lte'))
      expect(models[technology]).toBe(RADIO_MODELS[technology]);
    expect(radioModels()).toBe(RADIO_MODELS);
    expect(radioModels({})).toBe(RADIO_MODELS);
  });

  it('radioModels refuses a name that is no set, naming the names allowed', () => {
    const bad = { lte: { model: 'aro' } } as unknown as Parameters<typeof radioModels>[0];
    expect(() => radioModels(bad)).toThrow(
      'radio.lte.model(="aro") must be one of: huang2012, att-aro',
    );
  });
});

const FILE = resolve('test/fixtures/inline.yaml');

function scenario(extra: Partial<FleetScenarioInput> = {}): FleetScenarioInput {
  return {
    name: 'radio',
    duration: '200 s',
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: [
      {
        name: 'phones',
        profile: 'phone-midrange',
        count: 1,
        network: { technology: 'lte' },
        overrides: { battery: { capacity: '10 J' } },
        battery: {},
        arrivals: { kind: 'trace', file: 'traces/no-arrivals.csv' },
      },
    ],
    servers: [{ name: 'edge', profile: 'edge-server-t4', rtt: '1 ms' }],
    workload: { inference: { placement: 'edge', input: '100 kB', output: '2 kB', slo: '1 s' } },
    ...extra,
  };
}

function resolved(input: FleetScenarioInput) {
  return resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE);
}

describe('the scenario radio block', () => {
  it('selects the LTE set: an idle phone empties 10 J at 10 / (0.1 W + the set’s paging average)', () => {
    const emptyAtS = (input: FleetScenarioInput) =>
      column(runInference(resolved(input), 1).devices, 'online_s')[0] as number;
    // phone-midrange idles at 0.1 W; the radio adds its paging average.
    expect(emptyAtS(scenario())).toBeCloseTo(10 / (0.1 + (0.0432 * 0.5943) / 1.2802), 9);
    const aro = scenario({ radio: { lte: { model: 'att-aro' } } });
    expect(emptyAtS(aro)).toBeCloseTo(10 / (0.1 + (0.043 * 0.594) / 1.28), 9);
  });

  it('resolves each technology to its chosen set, the rest to their defaults', () => {
    const r = resolved(
      scenario({ radio: { lte: { model: 'att-aro' }, wifi5: { model: 'huang2012' } } }),
    );
    expect(r.radio.lte).toBe(ARO);
    expect(r.radio.wifi5).toBe(RADIO_MODEL_SETS.wifi5.huang2012);
    expect(r.radio.wifi6).toBe(RADIO_MODELS.wifi6);
    expect(resolved(scenario()).radio).toBe(RADIO_MODELS);
  });

  it('changes only the chosen technology’s devices', () => {
    const mixed = (radio?: FleetScenarioInput['radio']) =>
      scenario({
        fleet: [
          {
            name: 'phones',
            profile: 'phone-midrange',
            count: 2,
            network: { technology: 'lte' },
            arrivals: { kind: 'poisson', rate: '0.05/s' },
          },
          {
            name: 'pis',
            profile: 'raspberry-pi-4',
            count: 2,
            network: { technology: 'wifi5' },
            arrivals: { kind: 'poisson', rate: '0.05/s' },
          },
        ],
        ...(radio === undefined ? {} : { radio }),
      });
    const radioJ = (input: FleetScenarioInput) =>
      column(runInference(resolved(input), 3).devices, 'energy_radio_j') as number[];
    const huang = radioJ(mixed());
    const aro = radioJ(mixed({ lte: { model: 'att-aro' } }));
    expect(aro.slice(0, 2)).not.toEqual(huang.slice(0, 2));
    expect(aro.slice(2)).toEqual(huang.slice(2));
  });

  it('rejects an unknown technology, naming the path and the technologies', () => {
    const input = { ...scenario(), radio: { lte4: { model: 'huang2012' } } } as FleetScenarioInput;
    const error = expectInputError(() => validateScenario(input, FILE));
    expect(error.message).toContain('radio.lte4: unknown field; expected one of: ethernet, wifi5');
    expect(error.message).toContain('lte, 5g, lorawan, nbiot');
  });

  it('rejects an unknown set name, naming the path, the value and the sets', () => {
    const input = scenario({ radio: { lte: { model: 'aro' as 'att-aro' } } });
    const error = expectInputError(() => validateScenario(input, FILE));
    expect(error.message).toContain('radio.lte.model: expected one of: "huang2012", "att-aro"');
    expect(error.message).toContain('"aro"');
  });

  it('rejects a set of another technology', () => {
    const input = scenario({ radio: { ethernet: { model: 'huang2012' as 'estimate' } } });
    const error = expectInputError(() => validateScenario(input, FILE));
    expect(error.message).toContain('radio.ethernet.model: expected one of: "estimate"');
  });
});

describe('the radio block in a federated scenario', () => {
  /** The small federated fixture, with `radio` added, run in this process. */
  async function federated(radio: string) {
    const text = readFileSync('test/fixtures/federated/small.yaml', 'utf8') + radio;
    const file = join(mkdtempSync(join(tmpdir(), 'edgesim-radio-fl-')), 'scenario.yaml');
    writeFileSync(file, text);
    const { prepared } = prepareScenario(file);
    return (await runFederated(prepared.resolved as ResolvedFederated, 1, undefined, () => {}))
      .tables;
  }
  const energy = (table: Table | undefined, group: string) =>
    column(table, 'energy_j').filter((_, i) => column(table, 'group')[i] === group);

  it('charges the LTE phones by the chosen set and leaves the Wi-Fi devices alone', async () => {
    const huang = await federated('');
    const aro = await federated('radio: { lte: { model: att-aro } }\n');
    const fleetJ = (t: typeof huang) => column(t.summary, 'fleet_energy_j')[0] as number;
    // huang2012's higher beta, longer tail and paging power cost the phones more.
    expect(fleetJ(huang)).toBeGreaterThan(fleetJ(aro));
    expect(energy(huang.clients, 'phones')).not.toEqual(energy(aro.clients, 'phones'));
    expect(energy(huang.clients, 'pis')).toEqual(energy(aro.clients, 'pis'));
  }, 120_000);
});
