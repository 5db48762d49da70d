/**
 * The software stack a device runs a model with. A profile's calibration
 * describes one stack, its `framework` (TensorRT on a Jetson, ArmNN on a Pi
 * 4), and relates every other stack measured on the device to it: a call the
 * reference takes t over takes factor x t + added on that stack (fitted by
 * `edgesim calibrate`, src/calibration/stacks.ts). A device group may run as
 * one of those (`stack:` in a scenario): its times are the reference's,
 * scaled and added to as the fit found, and its energy follows its time.
 */
import { InputError } from '../errors.js';
import type { Precision } from '../vocabulary/cost-card.js';
import type { DeviceCompute } from './roofline.js';

/**
 * Another stack's time for a call the reference stack takes t over: factor x t
 * + addedS (its own kernels' speed, and per-call work such as pre- and
 * post-processing that the reference does not do).
 */
export interface StackTiming {
  factor: number;
  addedS: number;
}

/** The reference stack's own timing: a factor of 1 and nothing added. */
export const REFERENCE_TIMING: Readonly<StackTiming> = Object.freeze({ factor: 1, addedS: 0 });

/** Seconds a call the reference takes `timeS` over takes on a stack timed as `timing`. */
export function onStack(timing: StackTiming, timeS: number): number {
  return timing.factor * timeS + timing.addedS;
}

/** A stack's timing at one precision, or why it has none. */
export type StackTimingResult =
  | { ok: true; timing: Readonly<StackTiming> }
  | { ok: false; reason: string };

/**
 * How `device.stack` times at `precision` (the precision the model runs at,
 * after any fallback): the reference's timing when the device names no stack
 * or names the reference, the fitted one when the calibration measured it,
 * else why not.
 */
export function stackTiming(device: DeviceCompute, precision: Precision): StackTimingResult {
  const stack = device.stack;
  const calibration = device.throughput[precision]?.calibration;
  if (stack === undefined || calibration?.framework === stack)
    return { ok: true, timing: REFERENCE_TIMING };
  const timing = calibration?.otherFrameworks?.[stack];
  if (timing !== undefined) return { ok: true, timing };
  const measured = knownStacks(device).get(stack) ?? [];
  return {
    ok: false,
    reason: `software stack "${stack}" was not measured at ${precision} on this device (${
      measured.length > 0 ? `only at ${measured.join(', ')}` : 'never'
    })`,
  };
}

/** Every stack the device's calibrations know (reference and others), with the precisions each was measured at. */
export function knownStacks(device: DeviceCompute): Map<string, Precision[]> {
  const known = new Map<string, Precision[]>();
  for (const [precision, throughput] of Object.entries(device.throughput)) {
    const calibration = throughput?.calibration;
    if (calibration === undefined) continue;
    const names = [
      ...(calibration.framework === undefined ? [] : [calibration.framework]),
      ...Object.keys(calibration.otherFrameworks ?? {}),
    ];
    for (const name of names) known.set(name, [...(known.get(name) ?? []), precision as Precision]);
  }
  return known;
}

/**
 * `device` running as software stack `stack`, or as it is when `stack` is
 * undefined. Throws an InputError at `where` (a scenario's `fleet[0].stack`)
 * when no calibration of the device knows the stack, listing those that do.
 */
export function withStack<D extends DeviceCompute & { name: string }>(
  device: D,
  stack: string | undefined,
  where: { file: string; path: string },
): D {
  if (stack === undefined) return device;
  const known = knownStacks(device);
  if (!known.has(stack)) {
    const listed = [...known.keys()].sort().map((name) => `"${name}"`);
    throw new InputError(where.file, [
      {
        path: where.path,
        message: `hardware profile "${device.name}" has no measurements of software stack "${stack}"; ${
          listed.length > 0 ? `it knows ${listed.join(', ')}` : 'it has no calibrated stacks'
        }`,
      },
    ]);
  }
  return { ...device, stack };
}
