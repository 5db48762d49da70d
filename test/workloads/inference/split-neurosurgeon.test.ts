import { describe, expect, it } from 'vitest';
import type { FleetScenarioInput } from '../../../src/index.js';
import { column } from '../../helpers/tables.js';
import { run } from './split-harness.js';

/*
 * Measured (vitest prints it): split after, then all-device, all-server and
 * split latency, ms.
 *   alexnet      wifi5  pool1        14.57    11.37     9.50
 *   alexnet      lte    fc8          14.57   428.13    14.57
 *   alexnet      nbiot  fc8          14.57 24568.49    14.57
 *   mobilenet-v2 wifi5  predictions   5.12    11.07     5.12
 *   mobilenet-v2 lte    predictions   5.12   427.83     5.12
 *   resnet-50    wifi5  input        29.98    12.00    12.00
 *   resnet-50    lte    predictions  29.98   428.76    29.98
 * (All-server on LTE includes the radio's promotion from idle, 260 ms in
 * Huang et al.'s LTE model.)
 *
 * Neurosurgeon's qualitative finding (Kang et al., ASPLOS 2017): a network
 * whose early activations are larger than its input and shrink at each
 * pooling (AlexNet) is best split in the middle, after a pooling layer, on a
 * fast uplink, and best run whole on the device on a slow one. Here: a
 * Jetson Nano (fp16, its GPU; Neurosurgeon's mobile platform was the Jetson
 * TK1) with a T4 edge server 1 ms beyond the cell, sending a 224x224x3 8-bit
 * image (150,528 B) and getting 1,000 fp32 scores (4,000 B) back, over the
 * technologies' default links (network/technologies.ts): Wi-Fi 5 (200 Mbit/s
 * up, 3 ms), LTE (the US median, 9 Mbit/s up, 31 ms) and NB-IoT (60 kbit/s
 * up, 837 ms). The Nano's developer kit has only Ethernet; the radios are
 * taken to be add-on cards (its profile notes Wi-Fi needs an M.2 card).
 */
const LINKS = ['wifi5', 'lte', 'nbiot'] as const;
const MODELS = ['alexnet', 'mobilenet-v2', 'resnet-50'] as const;

function scenario(
  model: string,
  link: (typeof LINKS)[number],
  placement: 'device' | 'edge' | 'split',
): FleetScenarioInput {
  return {
    name: 'neurosurgeon',
    duration: '60 s',
    model: { card: model, precision: 'fp16' },
    fleet: [
      {
        name: 'nano',
        profile: 'jetson-nano',
        count: 1,
        network: { technology: link },
        arrivals: { kind: 'periodic', interval: '20 s' },
        overrides: { network: { interfaces: ['ethernet', 'wifi5', 'lte', 'nbiot'] } },
      },
    ],
    servers: [{ name: 'edge', profile: 'edge-server-t4', rtt: '1 ms' }],
    workload: {
      inference: { placement, input: '150528 B', output: '4000 B', slo: '10 s' },
    },
    outputs: { requests: 'always', devices: 'never' },
  } as FleetScenarioInput;
}

/** Mean latency of a lone request (every request of these runs is alone). */
function latencyS(
  model: string,
  link: (typeof LINKS)[number],
  placement: 'device' | 'edge' | 'split',
) {
  const tables = run(scenario(model, link, placement));
  return { latency: column(tables.summary, 'latency_mean_s')[0] as number, tables };
}

interface Row {
  model: string;
  link: string;
  split: string;
  deviceMs: number;
  serverMs: number;
  splitMs: number;
}

const table: Row[] = [];
for (const model of MODELS) {
  for (const link of LINKS) {
    const split = latencyS(model, link, 'split');
    table.push({
      model,
      link,
      split: column(split.tables.requests, 'split_after')[0] as string,
      deviceMs: latencyS(model, link, 'device').latency * 1e3,
      serverMs: latencyS(model, link, 'edge').latency * 1e3,
      splitMs: split.latency * 1e3,
    });
  }
}
// The table the README reports (vitest prints it with the test's output).
console.log(
  ['model | link | split after | all-device ms | all-server ms | split ms']
    .concat(
      table.map((r) =>
        [r.model, r.link, r.split, r.deviceMs, r.serverMs, r.splitMs]
          .map((v) => (typeof v === 'number' ? v.toFixed(2) : v))
          .join(' | '),
      ),
    )
    .join('\n'),
);

const row = (model: string, link: string) =>
  table.find((r) => r.model === model && r.link === link)!;

describe('Neurosurgeon on the zoo cards', () => {
  it('AlexNet on Wi-Fi splits in the middle, after a pooling layer', () => {
    expect(['pool1', 'pool2', 'pool5']).toContain(row('alexnet', 'wifi5').split);
  });

  it('AlexNet on LTE and NB-IoT runs whole on the device', () => {
    expect(row('alexnet', 'lte').split).toBe('fc8');
    expect(row('alexnet', 'nbiot').split).toBe('fc8');
  });

  it('no split is slower than the better of all-device and all-server', () => {
    for (const r of table)
      expect(r.splitMs).toBeLessThanOrEqual(Math.min(r.deviceMs, r.serverMs) + 1e-9);
  });

  it('on Wi-Fi the AlexNet split beats both all-device and all-server', () => {
    const r = row('alexnet', 'wifi5');
    expect(r.splitMs).toBeLessThan(r.deviceMs);
    expect(r.splitMs).toBeLessThan(r.serverMs);
  });
});
