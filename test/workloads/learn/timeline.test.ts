/**
 * The learn timeline (timeline.ts) against times and energies worked out by
 * hand: no TF.js, only the fleet model. Profiles are read through the
 * ProfileLibrary as resolve.ts reads them, so the rates and powers below are
 * the shipped ones:
 * - hardware-profiles/raspberry-pi-4.json: fp32 achievable 28.98 GFLOP/s,
 *   idle 1.6 W, active 5.0 W, mains-powered;
 * - hardware-profiles/esp32-s3.json: fp32 achievable 0.4858 GFLOP/s,
 *   a 10.8 Wh battery;
 * - the wifi5 radio's default model (radio-models.ts `huang2012-aro-tail`)
 *   idles at 0.02 W whenever the device is on, and nothing is sent, so
 *   fleet.radioEnergyJ is 0.02 W x the device's on time.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RADIO_MODELS } from '../../../src/energy/radio.js';
import type { FleetGroup } from '../../../src/fleet/fleet.js';
import { ProfileLibrary } from '../../../src/fleet/profiles.js';
import { deviceClassSpec } from '../../../src/fleet/spec.js';
import {
  simulateLearning,
  type TimelineInputs,
  trainingRates,
} from '../../../src/workloads/learn/timeline.js';

const FIXTURES = join(__dirname, '../../fixtures/learn');
const library = new ProfileLibrary();

/** A group (one device unless `fields` say otherwise), its spec validated as a scenario's would be. */
function group(fields: Record<string, unknown>): FleetGroup {
  const spec = deviceClassSpec.parse({ name: 'g', count: 1, ...fields });
  return { spec, profile: library.resolve(spec.profile), first: 0 };
}

const pi = (extra: Record<string, unknown> = {}) =>
  group({ profile: 'raspberry-pi-4', network: { technology: 'wifi5' }, ...extra });

function inputs(groups: FleetGroup[], rest: Partial<TimelineInputs>): TimelineInputs {
  return {
    groups,
    baseDir: FIXTURES,
    radio: RADIO_MODELS,
    seed: 1,
    flops: [],
    everyS: 3600,
    when: 'arrival',
    horizonS: 600,
    ...rest,
  };
}

describe('the profiles the hand calculations use', () => {
  it('read the shipped figures', () => {
    const g = pi();
    expect(g.profile.throughput.fp32!.achievableFlops).toBe(28.98e9);
    expect(g.profile.idleW).toBe(1.6);
    expect(g.profile.activeW).toBe(5);
    expect(trainingRates([g])).toEqual([28.98e9]);
    expect(RADIO_MODELS.wifi5.idleW).toBe(0.02);
  });
});

describe('simulateLearning', () => {
  it('charges a task FLOPs / fp32 rate at active power, the rest of the run at idle, and the radio idle throughout', () => {
    const g = pi();
    const rate = g.profile.throughput.fp32!.achievableFlops; // 28.98 GFLOP/s
    const flops = [2e12, 5e12]; // 66.45 s and 166.11 s on a Pi 4
    const t = simulateLearning(inputs([g], { flops }));
    const endS = 3600 + 600; // last arrival + horizon
    expect(t.endS).toBe(endS);
    expect([...t.arrivalS]).toEqual([0, 3600]);
    expect(t.doneAtS[0]![0]).toBeCloseTo(2e12 / rate, 9);
    expect(t.doneAtS[1]![0]).toBeCloseTo(3600 + 5e12 / rate, 9);
    const busyS = 7e12 / rate;
    const e = t.fleet.energy;
    expect(e.busyS[0]).toBeCloseTo(busyS, 9);
    expect(e.computeJ[0]).toBeCloseTo(busyS * 5, 9);
    expect(e.idleJ[0]).toBeCloseTo((endS - busyS) * 1.6, 9);
    expect(t.fleet.radioEnergyJ(0)).toBeCloseTo(0.02 * endS, 9); // 84 J
    expect(t.restarts[0]).toBe(0);
    expect(t.lostS[0]).toBe(0);
  });

  it('does not learn a base task on the device; the first on-device task arrives at 0', () => {
    const g = pi();
    const rate = g.profile.throughput.fp32!.achievableFlops;
    const t = simulateLearning(inputs([g], { flops: [null, 2e12, 5e12] }));
    expect(Number.isNaN(t.arrivalS[0]!)).toBe(true);
    expect(Number.isNaN(t.doneAtS[0]![0]!)).toBe(true);
    expect([...t.arrivalS.slice(1)]).toEqual([0, 3600]);
    expect(t.doneAtS[1]![0]).toBeCloseTo(2e12 / rate, 9);
    expect(t.endS).toBe(3600 + 600);
    expect(t.fleet.energy.busyS[0]).toBeCloseTo(7e12 / rate, 9);
  });

  it('leaves a task unfinished when the horizon ends first', () => {
    const g = pi();
    const rate = g.profile.throughput.fp32!.achievableFlops;
    // 30e12 FLOPs take 996.7 s, more than the 600 s horizon after it arrives at 3600.
    const t = simulateLearning(inputs([g], { flops: [2e12, 30e12] }));
    expect(t.doneAtS[0]![0]).toBeCloseTo(2e12 / rate, 9);
    expect(Number.isNaN(t.doneAtS[1]![0]!)).toBe(true);
    expect(t.fleet.energy.busyS[0]).toBeCloseTo(2e12 / rate + 600, 9);
  });

  it('with when: charging, starts a task that arrived at 0 when the 02:00 window opens', () => {
    const g = group({
      profile: 'esp32-s3',
      network: { technology: 'wifi5' },
      battery: { charging: { startHour: 2, hours: 1, power: '5 W' } },
    });
    const rate = g.profile.throughput.fp32!.achievableFlops;
    expect(rate).toBe(0.4858e9);
    const flops = 1e11; // 205.85 s, within the one-hour window
    const t = simulateLearning(
      inputs([g], { flops: [flops], when: 'charging', horizonS: 3 * 3600 }),
    );
    expect(t.arrivalS[0]).toBe(0);
    expect(t.doneAtS[0]![0]).toBeCloseTo(2 * 3600 + flops / rate, 9);
    expect(t.fleet.energy.busyS[0]).toBeCloseTo(flops / rate, 9);
  });

  it('with when: charging, lets a mains-powered group learn on arrival beside a group that waits', () => {
    const mains = pi();
    const battery = group({
      name: 'nodes',
      profile: 'esp32-s3',
      network: { technology: 'wifi5' },
      battery: { charging: { startHour: 2, hours: 1, power: '5 W' } },
    });
    const flops = 1e11;
    const t = simulateLearning(
      inputs([mains, { ...battery, first: 1 }], {
        flops: [flops],
        when: 'charging',
        horizonS: 3 * 3600,
      }),
    );
    expect(t.doneAtS[0]![0]).toBeCloseTo(flops / 28.98e9, 9); // the Pi, at once
    expect(t.doneAtS[0]![1]).toBeCloseTo(2 * 3600 + flops / 0.4858e9, 9); // the ESP32, at 02:00
  });

  it('restarts a task the device lost to an outage, and counts the time lost', () => {
    // Up 0-100 s, down 100-200 s, up again (test/fixtures/learn/outage-100-to-200s.csv).
    const g = pi({ availability: { kind: 'trace', file: 'outage-100-to-200s.csv' } });
    const rate = g.profile.throughput.fp32!.achievableFlops;
    const taskS = 150;
    const t = simulateLearning(inputs([g], { flops: [taskS * rate] }));
    expect(t.restarts[0]).toBe(1);
    expect(t.lostS[0]).toBeCloseTo(100, 9); // started at 0, down at 100
    expect(t.doneAtS[0]![0]).toBeCloseTo(200 + taskS, 9); // started again at 200
    const e = t.fleet.energy;
    expect(e.busyS[0]).toBeCloseTo(100 + taskS, 9); // the lost work was still paid for
    expect(e.offS[0]).toBeCloseTo(100, 9);
    expect(e.idleS[0]).toBeCloseTo(600 - 100 - (100 + taskS), 9); // end 600: one task + horizon
  });
});
