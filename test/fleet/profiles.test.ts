import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILE_DIR, ProfileLibrary } from '../../src/fleet/profiles.js';
import { inferenceTime } from '../../src/fleet/roofline.js';
import { MODEL_ZOO } from '../../src/ml/cost/index.js';
import { expectInputError } from '../helpers/input-error.js';

const library = new ProfileLibrary();

describe('hardware profiles', () => {
  it('ships the 13 required device classes and the Snapdragon 8 Elite phone', () => {
    expect(library.names).toEqual([
      'cloud-a100',
      'coral-dev-board',
      'edge-server-l4',
      'edge-server-t4',
      'esp32-s3',
      'gateway-n100',
      'jetson-nano',
      'jetson-orin-nano',
      'phone-flagship',
      'phone-midrange',
      'phone-snapdragon-8-elite',
      'raspberry-pi-4',
      'raspberry-pi-5',
      'stm32h7',
    ]);
  });

  it.each(library.names)('%s validates against the profile schema', (name) => {
    const profile = library.resolve(name);
    expect(profile.name).toBe(name);
    for (const entry of Object.values(profile.throughput)) {
      expect(entry.achievableFlops).toBeLessThanOrEqual(entry.peakFlops);
    }
  });

  it('converts figures with units to base units', () => {
    const pi = library.resolve('raspberry-pi-4');
    expect(pi.idleW).toBe(1.6);
    expect(pi.activeW).toBe(5);
    expect(pi.priceUsd).toBe(75);
    expect(pi.batteryJ).toBeUndefined();
    expect(library.resolve('phone-flagship').batteryJ).toBe(15 * 3600);
  });

  it('lets a scenario override any field, with a bare value', () => {
    const pi = library.resolve('raspberry-pi-4', { power: { idle: '2.5 W' }, price: '$60' });
    expect(pi.idleW).toBe(2.5);
    expect(pi.priceUsd).toBe(60);
    expect(pi.activeW).toBe(5);
  });

  it('lists the available profiles when a name is unknown', () => {
    const error = expectInputError(() =>
      library.resolve('raspberry-pi-9', undefined, { file: 's.yaml', path: 'fleet[0].profile' }),
    );
    expect(error.message).toMatch(
      /^s\.yaml: fleet\[0\]\.profile: unknown hardware profile "raspberry-pi-9"; available: cloud-a100, .*stm32h7$/,
    );
  });

  it('predicts the Snapdragon 8 Elite faster than the 8 Gen 2 on ResNet-50 int8, as measured', () => {
    // AI Hub, TFLite on the NPU: 0.491 ms on a Galaxy S25 (8 Elite) against 0.778 ms on a
    // Galaxy S23 (8 Gen 2), calibration rows of hardware-profiles/measurements/; each
    // profile is fitted to its own rows, so the ratio (0.63) must come out within 15%.
    const card = MODEL_ZOO['resnet-50']!();
    const time = (name: string) => {
      const t = inferenceTime(card, library.resolve(name), 'int8');
      if (!t.ok) throw new Error(t.reason);
      return t.timeS;
    };
    const ratio = time('phone-snapdragon-8-elite') / time('phone-flagship');
    expect(Math.abs(ratio / (0.491 / 0.778) - 1)).toBeLessThan(0.15);
  });

  it('concatenates in place on GPUs and NPUs, by copying on CPUs and microcontrollers', () => {
    expect(library.resolve('edge-server-t4').concatInPlace).toBe(true);
    expect(library.resolve('coral-dev-board').concatInPlace).toBe(true);
    expect(library.resolve('raspberry-pi-4').concatInPlace).toBeUndefined();
    expect(library.resolve('stm32h7').concatInPlace).toBeUndefined();
  });

  it('lists in hardware-profiles/README.md the fitted rates the profile files hold', () => {
    // `edgesim calibrate --write` rewrites the files, not the README's table: this
    // catches a refit the table did not follow. A fitted cell reads "<value> F".
    const readme = readFileSync(join(BUILTIN_PROFILE_DIR, 'README.md'), 'utf8');
    const precisions = ['fp32', 'fp16', 'int8', 'int4'] as const;
    for (const name of library.names) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` | `));
      expect(row, name).toBeDefined();
      const cells = row!.split(' | ').slice(2, 6);
      const file = JSON.parse(readFileSync(join(BUILTIN_PROFILE_DIR, `${name}.json`), 'utf8'));
      precisions.forEach((precision, i) => {
        const achievable = file.compute[precision]?.achievable;
        if (achievable?.source !== 'fit') return;
        expect(
          cells[i]?.startsWith(`${achievable.value} F`),
          `${name} ${precision}: ${cells[i]}`,
        ).toBe(true);
      });
    }
  });

  it('reads an Edge TPU weight cache and its stream rate, and wants both or neither', () => {
    // hardware-profiles/coral-dev-board.json: 8 MB on-chip SRAM, PCIe Gen 2 x1 at 500 MB/s.
    expect(library.resolve('coral-dev-board').weightCache).toEqual({
      bytes: 8e6,
      streamBps: 500e6,
    });
    expect(library.resolve('raspberry-pi-4').weightCache).toBeUndefined();
    const error = expectInputError(() =>
      library.resolve('raspberry-pi-4', { memory: { weightCache: '1 MB' } }),
    );
    expect(error.message).toMatch(/memory: weightCache and weightStream go together/);
  });

  it('reads another stack as a bare factor or as a factor and an added time', () => {
    const stacks = (otherFrameworks: unknown) =>
      library.resolve('raspberry-pi-4', {
        compute: { int8: { calibration: { otherFrameworks } } },
      }).throughput.int8?.calibration?.otherFrameworks;
    const read = stacks({ X: 1.5, Y: { factor: 2, addedTime: '3 ms' } });
    expect(read?.X).toEqual({ factor: 1.5, addedS: 0 });
    expect(read?.Y?.factor).toBe(2);
    expect(read?.Y?.addedS).toBeCloseTo(0.003, 12);
    const error = expectInputError(() => stacks({ Y: { factor: 2 } }));
    expect(error.message).toMatch(/otherFrameworks/);
  });

  it('refuses a profile file with a bare figure, naming the field, and takes one in an override', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgesim-profiles-'));
    try {
      const pi = JSON.parse(readFileSync(join(BUILTIN_PROFILE_DIR, 'raspberry-pi-4.json'), 'utf8'));
      pi.power.idle = '2.7 W';
      pi.memory.capacity = 4e9;
      writeFileSync(join(dir, 'raspberry-pi-4.json'), JSON.stringify(pi));
      const mine = new ProfileLibrary([dir]);
      const error = expectInputError(() => mine.resolve('raspberry-pi-4'));
      expect(error.file).toBe(join(dir, 'raspberry-pi-4.json'));
      expect(error.problems.map((p) => [p.path, p.value])).toEqual([
        ['memory.capacity', 4e9],
        ['power.idle', '2.7 W'],
      ]);
      expect(error.message).toMatch(/needs a source/);
      // Refused again on a second look, not cached as read; refused under an
      // override of another field; taken when the override gives that field.
      expect(expectInputError(() => mine.resolve('raspberry-pi-4')).problems).toHaveLength(2);
      const under = expectInputError(() => mine.resolve('raspberry-pi-4', { tier: 'gateway' }));
      expect(under.file).toBe(join(dir, 'raspberry-pi-4.json'));
      expect(under.problems).toHaveLength(2);
      const overridden = { memory: { capacity: '4 GB' }, power: { idle: '2.7 W' } };
      expect(mine.resolve('raspberry-pi-4', overridden).idleW).toBe(2.7);
      // A file valid only under an override is checked too.
      delete pi.power.active;
      writeFileSync(join(dir, 'raspberry-pi-4.json'), JSON.stringify(pi));
      const partial = expectInputError(() =>
        new ProfileLibrary([dir]).resolve('raspberry-pi-4', { power: { active: '5 W' } }),
      );
      expect(partial.problems.map((p) => p.path)).toEqual(['memory.capacity', 'power.idle']);
      pi.power.active = { value: '5.0 W', source: 'E' };
      // A figure whose source key happens to be "scenario" is sourced.
      pi.memory.capacity = { value: '4 GB', source: 'scenario' };
      pi.power.idle = { value: '2.7 W', source: 'scenario' };
      pi.sources.scenario = 'a source keyed "scenario"';
      writeFileSync(join(dir, 'raspberry-pi-4.json'), JSON.stringify(pi));
      expect(new ProfileLibrary([dir]).resolve('raspberry-pi-4').idleW).toBe(2.7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(library.resolve('raspberry-pi-4', { power: { idle: '2.7 W' } }).idleW).toBe(2.7);
  });

  it('rejects an override that breaks the profile, naming the field', () => {
    const error = expectInputError(() =>
      library.resolve('raspberry-pi-4', { power: { idle: '2 Mbps' } }),
    );
    expect(error.message).toMatch(/power\.idle/);
    expect(error.message).toMatch(/expected a power/);
  });
});
