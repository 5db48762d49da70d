/**
 * The scenario the llm tests work by hand: one Raspberry Pi 5 on Ethernet
 * (no radio promotion or tail: src/energy/radio-models.ts ETHERNET) in a
 * cell of 80 Mbit/s each way asks once, at 2 s (test/fixtures/llm/
 * one-arrival.csv), with a prompt of P = 300 tokens and an output of O = 40
 * at 4 bytes a token; an L4 edge server (Llama 3.1 8B, q4_0) is 20 ms away;
 * the Pi's own model is Llama 3.2 1B, q4_0.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareScenario } from '../../../src/run.js';
import type { ResolvedLlm } from '../../../src/workloads/llm/resolve.js';

export const ONE_ARRIVAL = join(__dirname, '../../fixtures/llm/one-arrival.csv');
export const P = 300;
export const O = 40;
export const BPS = 80e6;
export const RTT = 0.02;
/** Bits of one token on the wire (bytesPerToken's default, 4). */
export const BITS = 4 * 8;

/** The scenario, with `llm` fields, top-level fields and fields of the Pi's group replaced. */
export function onePiScenario(
  llm: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
  group: Record<string, unknown> = {},
) {
  return {
    name: 'llm-test',
    seed: 1,
    duration: '1 min',
    fleet: [
      {
        name: 'pis',
        profile: 'raspberry-pi-5',
        count: 1,
        network: { technology: 'ethernet', cell: 'lan' },
        arrivals: { kind: 'trace', file: ONE_ARRIVAL },
        ...group,
      },
    ],
    cells: { lan: { uplink: BPS, downlink: BPS } },
    servers: [
      {
        name: 'edge',
        profile: 'edge-server-l4',
        tier: 'edge',
        model: { card: 'llama-3.1-8b', precision: 'q4_0' },
        rtt: RTT,
      } as Record<string, unknown>,
    ],
    llm: {
      placement: 'edge',
      device: { card: 'llama-3.2-1b', precision: 'q4_0' },
      prompt: { kind: 'fixed', tokens: P },
      output: { kind: 'fixed', tokens: O },
      slo: { ttft: '1 s', tpot: '100 ms' },
      ...llm,
    } as Record<string, unknown>,
    ...extra,
  };
}

/** Writes `content` (as JSON, which YAML reads) to a fresh temporary scenario file; its path. */
export function writeScenario(content: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-llm-')), 'scenario.yaml');
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** Validates and resolves `content` as `edgesim run` does. */
export function prepareLlm(content: object): ResolvedLlm {
  const { prepared } = prepareScenario(writeScenario(content));
  if (prepared.kind !== 'llm') throw new Error(`expected an llm scenario, got ${prepared.kind}`);
  return prepared.resolved;
}
