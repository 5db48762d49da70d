import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileLibrary } from '../../src/fleet/profiles.js';
import { type DeviceCompute, inferenceTime } from '../../src/fleet/roofline.js';
import { withStack } from '../../src/fleet/stack.js';
import {
  asFleetScenario,
  type FleetScenarioInput,
  resolveScenario,
  validateScenario,
} from '../../src/index.js';
import { dense, mobileNetV2, sequential } from '../../src/ml/cost/index.js';
import { expectInputError } from '../helpers/input-error.js';

/**
 * A device running as another software stack than its calibration's
 * reference: a call the reference takes t over takes factor x t + added
 * (the relation `edgesim calibrate` fits, src/calibration/stacks.ts).
 * Worked by hand on one dense layer and a made-up calibration.
 */
const calibration = {
  efficiency: { conv: 1, depthwise: 1, pointwise: 1, dense: 1, elementwise: 1 },
  halfOutputs: 0,
  bandwidthFactor: 1,
  layerOverheadS: 10e-6,
  callOverheadS: 100e-6,
  framework: 'Reference RT',
  otherFrameworks: { 'Other RT': { factor: 1.5, addedS: 0.5e-3 } },
};

const device: DeviceCompute = {
  throughput: {
    fp32: { achievableFlops: 1e9, peakFlops: 1e9, sparseSpeedup: 1, calibration },
    int8: {
      achievableFlops: 1e9,
      peakFlops: 1e9,
      sparseSpeedup: 1,
      calibration: { ...calibration, otherFrameworks: {} },
    },
  },
  fallback: {},
  memoryBandwidthBps: 1e15, // every layer compute-bound
};

// 1,000 inputs to 1,000 units: 2,000,000 FLOPs (1,000,000 multiply-accumulates).
const card = sequential('one-dense', [1000], [dense({ units: 1000 })]);

function time(dev: DeviceCompute, precision: 'fp32' | 'int8' = 'fp32', layers?: [number, number]) {
  const result = inferenceTime(card, dev, precision, layers && { layers });
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('a device running as another software stack', () => {
  it('takes factor x the reference time + the added time, as worked by hand', () => {
    expect(card.layers[0]?.flops).toBe(2e6);
    // Reference: 2e6 / 1e9 = 2 ms of arithmetic + 10 us dispatch + 100 us call = 2.11 ms.
    const reference = time(device);
    expect(reference.timeS).toBeCloseTo(2.11e-3, 12);
    // Other RT: 1.5 x 2.11 ms + 0.5 ms = 3.665 ms; overhead 1.5 x 0.11 ms + 0.5 ms = 0.665 ms.
    const other = time({ ...device, stack: 'Other RT' });
    expect(other.timeS).toBeCloseTo(3.665e-3, 12);
    expect(other.overheadS).toBeCloseTo(0.665e-3, 12);
    expect(other.computeBoundS).toBeCloseTo(3e-3, 12);
  });

  it('is the reference when it names the reference', () => {
    expect(time({ ...device, stack: 'Reference RT' })).toEqual(time(device));
  });

  it('adds nothing to an empty slice (split computing cuts before the first layer)', () => {
    expect(time({ ...device, stack: 'Other RT' }, 'fp32', [1, 1]).timeS).toBe(0);
  });

  it('cannot run at a precision the stack was not measured at, and says where it was', () => {
    const result = inferenceTime(card, { ...device, stack: 'Other RT' }, 'int8');
    expect(result).toEqual({
      ok: false,
      reason: 'software stack "Other RT" was not measured at int8 on this device (only at fp32)',
      cause: 'stack',
    });
  });
});

describe('withStack', () => {
  const pi4 = new ProfileLibrary().resolve('raspberry-pi-4');
  const where = { file: 'scenario.yaml', path: 'fleet[0].stack' };

  it('names the stacks a profile knows when asked for one it does not', () => {
    const error = expectInputError(() => withStack(pi4, 'TFLite 2.9', where));
    expect(error.file).toBe('scenario.yaml');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.path).toBe('fleet[0].stack');
    expect(error.problems[0]?.message).toContain('no measurements of software stack "TFLite 2.9"');
    expect(error.problems[0]?.message).toContain('"TFLite 2.7.1 (ruy)"');
    expect(error.problems[0]?.message).toContain('"ArmNN 22.11 (Neon)"');
  });

  it('times the shipped Pi 4 on TFLite as its fitted factor and added time say', () => {
    const tflite = withStack(pi4, 'TFLite 2.7.1 (ruy)', where);
    const fitted = pi4.throughput.int8?.calibration?.otherFrameworks?.['TFLite 2.7.1 (ruy)'];
    if (fitted === undefined) throw new Error('the Pi 4 profile lost its TFLite int8 fit');
    const reference = inferenceTime(mobileNetV2(), pi4, 'int8');
    const onTflite = inferenceTime(mobileNetV2(), tflite, 'int8');
    if (!reference.ok || !onTflite.ok) throw new Error('MobileNetV2 int8 must run on the Pi 4');
    expect(onTflite.timeS).toBeCloseTo(fitted.factor * reference.timeS + fitted.addedS, 15);
    expect(pi4.stack).toBeUndefined(); // the library's profile is not changed
  });
});

describe('stack: in a scenario', () => {
  const FILE = resolve('test/fixtures/inline.yaml');

  function scenario(
    stack: string,
    serverStack?: string,
    placement = 'adaptive',
    profile = 'raspberry-pi-4',
  ): FleetScenarioInput {
    return {
      name: 'stacks',
      duration: '10 s',
      model: { card: 'mobilenet-v2', precision: 'int8' },
      fleet: [
        {
          name: 'cam',
          profile,
          stack,
          count: 1,
          network: { technology: 'ethernet' },
          arrivals: { kind: 'poisson', rate: '1/s' },
        },
      ],
      servers: [
        {
          name: 'edge',
          profile: 'raspberry-pi-4',
          ...(serverStack !== undefined && { stack: serverStack }),
        },
      ],
      workload: {
        inference: { placement, input: '10 kB', output: '1 kB', slo: '1 s' },
      },
    } as FleetScenarioInput;
  }

  function resolved(input: FleetScenarioInput) {
    return resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE);
  }

  it('sets the group’s and the server’s service times', () => {
    const pi4 = new ProfileLibrary().resolve('raspberry-pi-4');
    const tflite = withStack(pi4, 'TFLite 2.7.1 (ruy)', { file: FILE, path: '' });
    const expected = inferenceTime(mobileNetV2(), tflite, 'int8');
    if (!expected.ok) throw new Error(expected.reason);
    const run = resolved(scenario('TFLite 2.7.1 (ruy)', 'TFLite 2.7.1 (ruy)'));
    expect(run.deviceTimeS[0]?.timeS).toBe(expected.timeS);
    expect(run.servers[0]?.batchTimeS[1]).toBe(expected.timeS);
  });

  it('is an error at the group’s stack when unknown, or not measured at the model’s precision', () => {
    const unknown = expectInputError(() => resolved(scenario('TFLite 2.9')));
    expect(unknown.problems.map((p) => p.path)).toEqual(['fleet[0].stack']);
    const fp32Only = expectInputError(() => resolved(scenario('TFLite 2.2.0 (ruy)')));
    expect(fp32Only.problems).toEqual([
      {
        path: 'fleet[0].stack',
        message:
          'model "mobilenet-v2" at int8 cannot run on "raspberry-pi-4": software stack "TFLite 2.2.0 (ruy)" was not measured at int8 on this device (only at fp32)',
      },
    ]);
    const server = expectInputError(() => resolved(scenario('TFLite 2.7.1 (ruy)', 'TFLite 2.9')));
    expect(server.problems.map((p) => p.path)).toEqual(['servers[0].stack']);
    const serverFp32Only = expectInputError(() =>
      resolved(scenario('TFLite 2.7.1 (ruy)', 'TFLite 2.2.0 (ruy)')),
    );
    expect(serverFp32Only.problems[0]?.path).toBe('servers[0].stack');
  });

  it('does not check a precision on devices that never run the model (placement edge)', () => {
    const run = resolved(scenario('TFLite 2.2.0 (ruy)', undefined, 'edge'));
    expect(run.deviceTimeS[0]).toBeUndefined();
  });

  it('reports a scenario problem met while resolving at its own path, once', () => {
    const error = expectInputError(() =>
      resolved(scenario('TFLite 2.7.1 (ruy)', undefined, 'adaptive', 'raspberry-pi-9')),
    );
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.path).toBe('fleet[0].profile');
    expect(error.problems[0]?.message).toMatch(
      /^unknown hardware profile "raspberry-pi-9"; available: /,
    );
  });
});
