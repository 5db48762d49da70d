/**
 * Which precision a request runs at on a device: the one asked for, or the
 * first its profile's fallback chain reaches (int4 -> int8 -> fp16).
 */
import { PRECISIONS, type Precision } from '../vocabulary/cost-card.js';
import type { DeviceCompute } from './roofline.js';

/** The precision a request runs at, or why it cannot run. */
export type PrecisionResolution =
  | { ok: true; precision: Precision; fellBack: boolean }
  | { ok: false; reason: string };

/**
 * Follows the device's fallback chain from `wanted` to the first precision it
 * supports. Fails, naming `wanted` and the supported precisions, when the
 * chain ends at an unsupported precision or loops.
 */
export function resolvePrecision(device: DeviceCompute, wanted: Precision): PrecisionResolution {
  const chain: Precision[] = [wanted];
  let current = wanted;
  while (device.throughput[current] === undefined) {
    const next = device.fallback[current];
    const supported = supportedList(device);
    if (next === undefined) {
      const via =
        chain.length > 1
          ? ` (fallback chain ${chain.join(' -> ')} ends at ${current}, which has no fallback)`
          : ' and has no fallback for it';
      return {
        ok: false,
        reason: `device does not support ${wanted}${via}; it supports ${supported}`,
      };
    }
    if (chain.includes(next)) {
      return {
        ok: false,
        reason: `fallback chain for ${wanted} loops (${[...chain, next].join(' -> ')}); the device supports ${supported}`,
      };
    }
    chain.push(next);
    current = next;
  }
  return { ok: true, precision: current, fellBack: current !== wanted };
}

function supportedList(device: DeviceCompute): string {
  const supported = PRECISIONS.filter((p) => device.throughput[p] !== undefined);
  return supported.length > 0 ? supported.join(', ') : 'no precision';
}
