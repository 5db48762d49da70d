/**
 * Scenarios for the split-computing tests: a hand-built three-layer card
 * whose per-layer times are exact (plain roofline, no calibration, no
 * memory traffic) on a device and a server of known speed, behind one
 * Ethernet cell whose uplink the test sets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  asFleetScenario,
  type FleetScenarioInput,
  type InferenceTables,
  resolveScenario,
  runInference,
  validateScenario,
} from '../../../src/index.js';
import type { ResolvedInference } from '../../../src/workloads/inference/resolve.js';

export const FILE = resolve('test/fixtures/inline.yaml');

/** Each layer of the hand-built card: 10 MFLOP, so 10 ms at 1 GFLOP/s. */
export const LAYER_FLOPS = 1e7;
/** Elements of each layer's output: at fp16, 10,000 B after `a`, 1,000 B after `b`, 20 B after `c`. */
export const OUTPUT_ELEMENTS = [5000, 500, 10] as const;

/** The hand-built card: three layers, no weights, no memory traffic. */
export function handCardFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgesim-split-'));
  const file = join(dir, 'three-layers.json');
  const layer = (name: string, elements: number) => ({
    name,
    kind: 'dense',
    flops: LAYER_FLOPS,
    params: 0,
    inputElements: 0,
    outputElements: 0,
    outputShape: [elements],
  });
  writeFileSync(
    file,
    JSON.stringify({
      name: 'three-layers',
      inputShape: [1000],
      layers: [
        layer('a', OUTPUT_ELEMENTS[0]),
        layer('b', OUTPUT_ELEMENTS[1]),
        layer('c', OUTPUT_ELEMENTS[2]),
      ],
    }),
  );
  return file;
}

/** A profile override giving fp16 (which the Raspberry Pi 4 profile lacks) a plain roofline at `rate`. */
export function fp16At(rate: string) {
  const figure = (value: string | number) => ({ value, source: 'E' });
  return {
    compute: {
      fp16: { peak: figure(rate), achievable: figure(rate), sparseSpeedup: figure(1) },
    },
  };
}

/** The split options and network of a hand scenario. */
export interface HandOptions {
  uplink: string;
  /** Device and server rates (default 1 and 10 GFLOP/s). */
  deviceRate?: string;
  serverRate?: string;
  /** Cell round trip (default 1 ms). */
  rtt?: string;
  split?: Record<string, unknown>;
  objective?: 'latency' | 'energy';
  requests?: number;
}

/** One device sending a request every 10 s (each alone), over a cell with `uplink`. */
export function handScenario(card: string, options: HandOptions): FleetScenarioInput {
  const requests = options.requests ?? 3;
  return {
    name: 'split-hand',
    duration: `${10 * requests} s`,
    model: { card, precision: 'fp16' },
    fleet: [
      {
        name: 'cams',
        profile: 'raspberry-pi-4',
        count: 1,
        network: { technology: 'ethernet', cell: 'lan' },
        arrivals: { kind: 'periodic', interval: '10 s' },
        overrides: fp16At(options.deviceRate ?? '1 GFLOP/s'),
      },
    ],
    cells: { lan: { uplink: options.uplink, rtt: options.rtt ?? '1 ms' } },
    servers: [
      {
        name: 'edge',
        profile: 'raspberry-pi-4',
        overrides: fp16At(options.serverRate ?? '10 GFLOP/s'),
      },
    ],
    workload: {
      inference: {
        placement: { policy: 'split', objective: options.objective ?? 'latency' },
        ...(options.split === undefined ? {} : { split: options.split }),
        input: '100 kB',
        output: '100 B',
        slo: '1 s',
      },
    },
    outputs: { requests: 'always', devices: 'always' },
  } as FleetScenarioInput;
}

export function resolved(input: FleetScenarioInput): ResolvedInference {
  return resolveScenario(asFleetScenario(validateScenario(input, FILE)), FILE) as ResolvedInference;
}

export function run(input: FleetScenarioInput, seed = 1): InferenceTables {
  return runInference(resolved(input), seed);
}
