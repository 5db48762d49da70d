import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asFleetScenario,
  type FleetScenarioInput,
  type InferenceTables,
  RADIO_MODELS,
  resNet50,
  resolveScenario,
  runInference,
  type Table,
  TECHNOLOGIES,
  validateScenario,
  weightBytes,
} from '../../../src/index.js';
import { expectInputError } from '../../helpers/input-error.js';
import { column } from '../../helpers/tables.js';

const FILE = resolve('test/fixtures/inline.yaml');

type GroupInput = FleetScenarioInput['fleet'][number];

function group(overrides: Partial<GroupInput> = {}): GroupInput {
  return {
    name: 'cams',
    profile: 'raspberry-pi-4',
    count: 1,
    network: { technology: 'ethernet' },
    arrivals: { kind: 'periodic', interval: '100 s' },
    ...overrides,
  };
}

function scenario(overrides: Partial<FleetScenarioInput> = {}): FleetScenarioInput {
  return {
    name: 'hand',
    duration: '1000 s',
    model: { card: 'mobilenet-v2', precision: 'int8' },
    fleet: [group()],
    servers: [{ name: 'edge', profile: 'edge-server-t4', rtt: '1 ms' }],
    workload: { inference: { placement: 'edge', input: '100 kB', output: '2 kB', slo: '1 s' } },
    ...overrides,
  };
}

function resolved(input: FleetScenarioInput) {
  return resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE);
}

function run(input: FleetScenarioInput, seed = 1): InferenceTables {
  return runInference(resolved(input), seed);
}

function value(table: Table, name: string): number {
  return column(table, name)[0] as number;
}

describe('inference requests', () => {
  it('a lone offloaded request takes upload + half RTT + service + half RTT + download', () => {
    const input = scenario();
    const r = resolved(input);
    const serviceS = r.servers[0]!.batchTimeS[1]!;
    const ethernet = TECHNOLOGIES.ethernet;
    const oneWayS = (ethernet.rttS + 0.001) / 2;
    const expected =
      (100_000 * 8) / ethernet.uplinkBps +
      oneWayS +
      serviceS +
      oneWayS +
      (2000 * 8) / ethernet.downlinkBps;
    const latencies = column(run(input).requests, 'latency_s') as number[];
    expect(latencies).toHaveLength(10);
    for (const latency of latencies) expect(latency).toBeCloseTo(expected, 12);
  });

  it('an on-device request takes the roofline time divided by the device spread factor', () => {
    const input = scenario({
      fleet: [group({ spread: { throughputCv: 0.3 } })],
      workload: { inference: { placement: 'device', input: '100 kB', output: '2 kB', slo: '1 s' } },
    });
    const tables = run(input);
    const factor = column(tables.devices, 'throughput_factor')[0] as number;
    const expected = resolved(input).deviceTimeS[0]!.timeS / factor;
    expect(factor).not.toBe(1);
    for (const latency of column(tables.requests, 'latency_s') as number[])
      expect(latency).toBeCloseTo(expected, 12);
  });

  it('k devices uploading at once through one access point each finish at k*S/C', () => {
    const k = 5;
    const input = scenario({
      fleet: [
        group({
          count: k,
          network: { technology: 'wifi5', cell: 'ap' },
          arrivals: { kind: 'trace', file: 'traces/once-at-1s.csv' },
        }),
      ],
      duration: '10 s',
    });
    const wifi = TECHNOLOGIES.wifi5;
    const airBits = (100_000 * 8) / (1 - wifi.loss);
    const uploads = column(run(input).requests, 'upload_s') as number[];
    expect(uploads).toHaveLength(k);
    for (const upload of uploads) expect(upload).toBeCloseTo((k * airBits) / wifi.uplinkBps, 12);
  });

  it('a cell driven by a Mahimahi trace uploads at the trace rate', () => {
    // One 1500-byte packet per ms: 12 Mbit/s. 100 kB with Wi-Fi loss 0.001 carries 800,000 / 0.999 bits.
    const input = scenario({
      fleet: [group({ network: { technology: 'wifi5', cell: 'traced' } })],
      cells: { traced: { uplinkTrace: 'traces/12mbps.mahimahi' } },
    });
    const uploads = column(run(input).requests, 'upload_s') as number[];
    for (const upload of uploads) expect(upload).toBeCloseTo(800_000 / 0.999 / 12e6, 9);
  });

  it('LoRaWAN holds the next uplink for the duty cycle', () => {
    // 1 kB at 5,470 bit/s with loss 0.01: t = 8,000 / 0.99 / 5,470 s on air, then 99 t off the air.
    const input = scenario({
      fleet: [
        group({
          profile: 'esp32-s3',
          network: { technology: 'lorawan' },
          arrivals: { kind: 'periodic', interval: '1 s' },
        }),
      ],
      workload: { inference: { placement: 'edge', input: '1 kB', output: '10 B', slo: '10 s' } },
      duration: '3 s',
    });
    const tables = run(input);
    const airtimeS = 8000 / 0.99 / 5470;
    const arrivals = column(tables.requests, 'arrival_s') as number[];
    const uploads = column(tables.requests, 'upload_s') as number[];
    expect(uploads[0]).toBeCloseTo(airtimeS, 9);
    // The second request waits until the first upload's end + 99 airtimes.
    expect(arrivals[1]! + uploads[1]!).toBeCloseTo(
      arrivals[0]! + airtimeS + 99 * airtimeS + airtimeS,
      6,
    );
  });

  it('drops requests that find the server queue full, with the reason', () => {
    const input = scenario({
      fleet: [group({ count: 50, arrivals: { kind: 'poisson', rate: '200/s' } })],
      servers: [{ name: 'edge', profile: 'raspberry-pi-5', queueCapacity: 2 }],
      duration: '5 s',
    });
    const tables = run(input);
    expect(new Set(column(tables.requests, 'outcome'))).toEqual(
      new Set(['completed', 'queue-full']),
    );
    expect(value(tables.summary, 'failed_queue_full')).toBeGreaterThan(0);
  });

  it('marks requests slower than the deadline as failed', () => {
    const input = scenario({
      fleet: [group({ count: 20, arrivals: { kind: 'poisson', rate: '50/s' } })],
      servers: [{ name: 'edge', profile: 'raspberry-pi-5' }],
      workload: {
        inference: {
          placement: 'edge',
          input: '100 kB',
          output: '2 kB',
          slo: '1 s',
          deadline: '2 s',
        },
      },
      duration: '5 s',
    });
    const tables = run(input);
    const outcomes = column(tables.requests, 'outcome');
    const latencies = column(tables.requests, 'latency_s') as number[];
    outcomes.forEach((outcome, i) => {
      expect(outcome === 'deadline-missed').toBe(latencies[i]! > 2);
    });
    expect(outcomes).toContain('deadline-missed');
  });
});

describe('energy', () => {
  const busy = scenario({
    fleet: [
      group({
        name: 'phones',
        profile: 'phone-midrange',
        count: 20,
        network: { technology: 'lte', devicesPerCell: 5 },
        availability: { kind: 'markov', meanOn: '2 min', meanOff: '1 min' },
        battery: { initialCharge: '50%' },
        arrivals: { kind: 'poisson', rate: '1/s' },
      }),
      group({
        name: 'pis',
        count: 5,
        network: { technology: 'wifi5' },
        arrivals: { kind: 'poisson', rate: '3/s' },
      }),
    ],
    workload: { inference: { placement: 'adaptive', input: '100 kB', output: '2 kB', slo: '1 s' } },
    duration: '10 min',
  });

  it('each device: compute = active power x busy time, idle = idle power x idle time, times add up', () => {
    const tables = run(busy);
    const r = resolved(busy);
    const end = value(tables.summary, 'end_s');
    const groups = column(tables.devices, 'group');
    const busyS = column(tables.devices, 'busy_s') as number[];
    const onlineS = column(tables.devices, 'online_s') as number[];
    const offlineS = column(tables.devices, 'offline_s') as number[];
    const computeJ = column(tables.devices, 'energy_compute_j') as number[];
    const idleJ = column(tables.devices, 'energy_idle_j') as number[];
    const radioJ = column(tables.devices, 'energy_radio_j') as number[];
    const totalJ = column(tables.devices, 'energy_total_j') as number[];
    groups.forEach((g, d) => {
      const profile = r.groups.find((x) => x.spec.name === g)!.profile;
      expect(computeJ[d]).toBeCloseTo(profile.activeW * busyS[d]!, 9);
      expect(idleJ[d]).toBeCloseTo(profile.idleW * (onlineS[d]! - busyS[d]!), 9);
      expect(onlineS[d]! + offlineS[d]!).toBeCloseTo(end, 9);
      expect(totalJ[d]).toBeCloseTo(computeJ[d]! + radioJ[d]! + idleJ[d]!, 9);
    });
    expect(busyS.some((s) => s > 0)).toBe(true);
    expect(offlineS.some((s) => s > 0)).toBe(true);
  });

  it('totals equal the sum of their components and of the devices', () => {
    const tables = run(busy);
    const sum = (name: string) =>
      (column(tables.devices, name) as number[]).reduce((a, b) => a + b, 0);
    const s = tables.summary;
    expect(value(s, 'energy_devices_compute_j')).toBeCloseTo(sum('energy_compute_j'), 6);
    expect(value(s, 'energy_devices_radio_j')).toBeCloseTo(sum('energy_radio_j'), 6);
    expect(value(s, 'energy_devices_idle_j')).toBeCloseTo(sum('energy_idle_j'), 6);
    expect(value(s, 'energy_devices_j')).toBeCloseTo(
      value(s, 'energy_devices_compute_j') +
        value(s, 'energy_devices_radio_j') +
        value(s, 'energy_devices_idle_j'),
      6,
    );
    const kwh = (value(s, 'energy_devices_j') + value(s, 'energy_servers_j')) / 3.6e6;
    expect(value(s, 'energy_total_kwh')).toBeCloseTo(kwh, 12);
    expect(value(s, 'energy_cost_usd')).toBeCloseTo(kwh * 0.127, 12);
    expect(value(s, 'co2_kg')).toBeCloseTo((kwh * 370) / 1000, 12);
  });

  it('an empty battery takes the device offline at the moment its draw exhausts it, and is counted', () => {
    // 10 J at idle 0.1 W (phone) + LTE paging (huang2012, the default) 43.2 ms at 0.5943 W every
    // 1.2802 s: empty at 10 / (0.1 + 0.0432 x 0.5943 / 1.2802) s.
    const input = scenario({
      fleet: [
        group({
          profile: 'phone-midrange',
          network: { technology: 'lte' },
          overrides: { battery: { capacity: '10 J' } },
          battery: {},
          arrivals: { kind: 'trace', file: 'traces/no-arrivals.csv' },
        }),
      ],
      duration: '200 s',
    });
    const tables = run(input);
    expect(column(tables.devices, 'battery_empty_events')).toEqual([1]);
    const emptyAtS = 10 / (0.1 + (0.0432 * 0.5943) / 1.2802);
    expect(column(tables.devices, 'online_s')[0]).toBeCloseTo(emptyAtS, 9);
  });
});

describe('battery charging', () => {
  it('a charging window brings an empty device back and refills its battery', () => {
    // Empties at e = 10 J / 0.1199546875 W = 83.36 s; the window (3 min to 9 min) powers it
    // and refills the battery to 10 J; it empties again e after the window closes.
    const input = scenario({
      fleet: [
        group({
          profile: 'phone-midrange',
          network: { technology: 'lte' },
          overrides: { battery: { capacity: '10 J' } },
          battery: { charging: { startHour: 0.05, hours: 0.1, power: '5 W' } },
          arrivals: { kind: 'trace', file: 'traces/no-arrivals.csv' },
        }),
      ],
      duration: '700 s',
    });
    const tables = run(input);
    const emptyS = 10 / (0.1 + (0.0432 * 0.5943) / 1.2802);
    expect(column(tables.devices, 'battery_empty_events')).toEqual([2]);
    expect(column(tables.devices, 'online_s')[0]).toBeCloseTo(emptyS + (540 - 180) + emptyS, 9);
  });
});

describe('model download', () => {
  // ResNet-50 at fp32 is about 102 MB: seconds on a Wi-Fi 5 downlink (268 Mbit/s, loss 0.001).
  const wifi = TECHNOLOGIES.wifi5;
  const modelBytes = weightBytes(resNet50(), 'fp32');
  const downloadS = (modelBytes * 8) / (1 - wifi.loss) / wifi.downlinkBps;
  const onWifi = (overrides: Partial<GroupInput> = {}): GroupInput =>
    group({ network: { technology: 'wifi5', cell: 'ap' }, ...overrides });
  const fetching = (
    fleet: GroupInput[],
    placement: 'device' | 'adaptive' = 'device',
  ): FleetScenarioInput =>
    scenario({
      duration: '100 s',
      model: { card: 'resnet-50', precision: 'fp32' },
      fleet,
      workload: {
        inference: { placement, input: '100 kB', output: '2 kB', slo: '1 s', modelDownload: true },
      },
    });

  it('k devices fetching the model through one access point each have it at k*S/C; a request waits for it', () => {
    const k = 3;
    const input = fetching([
      onWifi({ count: k, arrivals: { kind: 'trace', file: 'traces/once-at-1s.csv' } }),
    ]);
    const tables = run(input);
    // Each asks for the model and waits one round trip (network/transfer.ts), then the k share the downlink.
    const readyS = wifi.rttS + k * downloadS;
    expect(readyS).toBeGreaterThan(1);
    for (const at of column(tables.devices, 'model_ready_s') as number[])
      expect(at).toBeCloseTo(readyS, 9);
    const s = tables.summary;
    expect(value(s, 'model_bytes')).toBe(modelBytes);
    expect(value(s, 'model_downloads')).toBe(k);
    expect(value(s, 'model_download_bytes')).toBe(k * modelBytes);
    expect(value(s, 'model_ready_max_s')).toBeCloseTo(readyS, 9);
    // The request at 1 s queues on its device until the model is there, then runs.
    const serviceS = resolved(input).deviceTimeS[0]!.timeS;
    for (const latency of column(tables.requests, 'latency_s') as number[])
      expect(latency).toBeCloseTo(readyS - 1 + serviceS, 9);
  });

  it('a device that goes offline mid-download loses it, is charged for what moved, and starts over when back', () => {
    // Online [0, 1) s, offline [1, 2) s, then online: 1 s of download is lost.
    const input = fetching([
      onWifi({
        availability: { kind: 'trace', file: 'traces/offline-1-to-2s.csv' },
        arrivals: { kind: 'trace', file: 'traces/no-arrivals.csv' },
      }),
    ]);
    const tables = run(input);
    // Each attempt waits one round trip for its first byte, the radio in its tail (no promotion on Wi-Fi).
    const movedBytes = (wifi.downlinkBps * (1 - wifi.loss) * (1 - wifi.rttS)) / 8;
    const s = tables.summary;
    expect(value(s, 'model_downloads_interrupted')).toBe(1);
    expect(value(s, 'model_downloads')).toBe(1);
    expect(value(s, 'model_download_bytes')).toBeCloseTo(movedBytes + modelBytes, 3);
    const readyS = 2 + wifi.rttS + downloadS;
    expect(column(tables.devices, 'model_ready_s')[0]).toBeCloseTo(readyS, 9);
    // Radio: tail for a round trip, transfer to 1 s, off for 1 s, tail for a round trip,
    // transfer again, one tail, idle the rest of the 100 s.
    const radio = RADIO_MODELS.wifi5;
    expect(radio.promotionS).toBe(0);
    const transferS = 1 - wifi.rttS + downloadS;
    const tailS = 2 * wifi.rttS + radio.tailS;
    const idleS = 100 - 1 - transferS - tailS;
    const expectedJ =
      radio.betaW * transferS +
      radio.alphaDownJPerBit * (movedBytes + modelBytes) * 8 +
      radio.tailW * tailS +
      radio.idleW * idleS;
    expect(column(tables.devices, 'energy_radio_j')[0]).toBeCloseTo(expectedJ, 6);
  });

  it('adaptive placement offloads until the model has arrived, then may run on the device', () => {
    const input = fetching(
      [onWifi({ arrivals: { kind: 'periodic', interval: '2 s' } })],
      'adaptive',
    );
    const tables = run(input);
    const arrivals = column(tables.requests, 'arrival_s') as number[];
    const placements = column(tables.requests, 'placement') as string[];
    arrivals.forEach((at, i) => {
      if (at < downloadS) expect(placements[i]).toBe('edge');
    });
    expect(arrivals.some((at) => at < downloadS)).toBe(true);
  });

  it('is off unless asked for: nothing is downloaded and the model size is still reported', () => {
    const s = run(scenario({ model: { card: 'resnet-50', precision: 'int8' } })).summary;
    expect(value(s, 'model_bytes')).toBe(weightBytes(resNet50(), 'int8'));
    expect(value(s, 'model_downloads')).toBe(0);
    expect(value(s, 'model_download_bytes')).toBe(0);
  });
});

describe('fleet behaviour', () => {
  it('the long-run offline fraction matches the availability model within 1%', () => {
    const input = scenario({
      fleet: [
        group({
          count: 200,
          availability: { kind: 'markov', meanOn: '30 min', meanOff: '10 min' },
          arrivals: { kind: 'periodic', interval: '1 day' },
        }),
      ],
      duration: '3 days',
    });
    expect(Math.abs(value(run(input).summary, 'device_offline_fraction') - 0.25)).toBeLessThan(
      0.01,
    );
  });

  it('changing the placement policy changes neither arrivals, nor device spreads, nor outages', () => {
    const base: Partial<FleetScenarioInput> = {
      fleet: [
        group({
          count: 10,
          spread: { throughputCv: 0.2 },
          availability: { kind: 'markov', meanOn: '1 min', meanOff: '20 s' },
          failures: { mtbf: '5 min', mttr: '30 s' },
          arrivals: { kind: 'poisson', rate: '2/s' },
        }),
      ],
      duration: '5 min',
    };
    const runs = (['device', 'edge', 'adaptive'] as const).map((placement) =>
      run(
        scenario({
          ...base,
          workload: { inference: { placement, input: '100 kB', output: '2 kB', slo: '1 s' } },
        }),
        9,
      ),
    );
    const arrivals = (t: InferenceTables) =>
      (column(t.requests, 'device') as string[])
        .map((d, i) => `${d}@${column(t.requests, 'arrival_s')[i]}`)
        .sort();
    for (const other of runs.slice(1)) {
      expect(arrivals(other)).toEqual(arrivals(runs[0]!));
      expect(column(other.devices, 'throughput_factor')).toEqual(
        column(runs[0]!.devices, 'throughput_factor'),
      );
      // Same outages (the offline seconds differ only by when each run's last request ends).
      expect(column(other.devices, 'outages')).toEqual(column(runs[0]!.devices, 'outages'));
    }
    expect(column(runs[1]!.requests, 'latency_s')).not.toEqual(
      column(runs[0]!.requests, 'latency_s'),
    );
    expect((column(runs[0]!.devices, 'outages') as number[]).every((n) => n > 0)).toBe(true);
  });

  it('adaptive placement with the energy objective keeps cheap work on the device', () => {
    const input = scenario({
      fleet: [group({ profile: 'jetson-orin-nano', network: { technology: 'wifi5' } })],
      workload: {
        inference: {
          placement: { policy: 'adaptive', objective: 'energy' },
          input: '100 kB',
          output: '2 kB',
          slo: '1 s',
        },
      },
    });
    expect(new Set(column(run(input).requests, 'placement'))).toEqual(new Set(['device']));
  });
});

describe('bad fleet input', () => {
  it('an unknown profile lists the available ones', () => {
    const error = expectInputError(() =>
      resolved(scenario({ fleet: [group({ profile: 'pi-9000' })] })),
    );
    expect(error.message).toMatch(
      /fleet\[0\]\.profile: unknown hardware profile "pi-9000"; available: cloud-a100, /,
    );
  });

  it('a precision the device class lacks, with no fallback, names both', () => {
    const input = scenario({
      model: { card: 'mobilenet-v2', precision: 'fp32' },
      fleet: [group({ profile: 'coral-dev-board' })],
      workload: { inference: { placement: 'device', input: '100 kB', output: '2 kB', slo: '1 s' } },
    });
    expect(expectInputError(() => resolved(input)).message).toMatch(
      /fleet\[0\]\.profile: model "mobilenet-v2" at fp32 cannot run on "coral-dev-board": device does not support fp32 .*it supports int8/,
    );
  });

  it('a battery on a mains-powered class, and edge placement without an edge server, are refused', () => {
    const input = scenario({
      fleet: [group({ battery: {} })],
      servers: [{ name: 'c', profile: 'cloud-a100' }],
    });
    const message = expectInputError(() => resolved(input)).message;
    expect(message).toMatch(
      /fleet\[0\]\.battery: hardware profile "raspberry-pi-4" has no battery/,
    );
    expect(message).toMatch(
      /workload\.inference\.placement: placement "edge" needs a server of tier edge/,
    );
  });

  it('an interface the device lacks is refused', () => {
    const input = scenario({ fleet: [group({ network: { technology: 'lte' } })] });
    expect(expectInputError(() => resolved(input)).message).toMatch(
      /has no lte interface; it has ethernet, wifi5/,
    );
  });
});
