/**
 * The llm workload through the path `edgesim run` takes: one request's
 * times worked out from the model's timing (fleet/llm-timing.ts, tested on
 * its own) and the network's exact transfer times, on the device and on a
 * server; repeatability; and input refused with the file, the field and the
 * numbers.
 *
 * The hand sums are on one-pi.ts's scenario.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableToCsv } from '../../../src/results/csv.js';
import type { Table } from '../../../src/results/table.js';
import { prepareScenario, runPrepared } from '../../../src/run.js';
import { simulateLlm } from '../../../src/workloads/llm/run.js';
import { expectInputError } from '../../helpers/input-error.js';
import { BPS, O, onePiScenario, P, prepareLlm, RTT, writeScenario } from './one-pi.js';

const scenario = onePiScenario;
const write = writeScenario;
const prepare = prepareLlm;

const cell = (t: Table, column: string, row = 0) => t.rows[row]![t.columns.indexOf(column)];

describe('one request', () => {
  it('on the device: the first token after the prefill, then one decode per token', () => {
    const resolved = prepare(scenario({ placement: 'device' }));
    const timing = resolved.deviceModels[0]!.timing;
    const { log } = simulateLlm(resolved, 1);
    expect(log.count).toBe(1);
    let decodeS = 0;
    for (let i = 1; i < O; i++) decodeS += timing.decodeS(P + i);
    expect(log.firstS[0]! - 2).toBeCloseTo(timing.prefillS(P), 12);
    expect(log.lastS[0]! - log.firstS[0]!).toBeCloseTo(decodeS, 12);
    expect(decodeS).toBeGreaterThan(0);
  });

  it('on the edge: upload, half the RTT, prefill, half the RTT, download; then the decodes', () => {
    const resolved = prepare(scenario({}));
    const server = resolved.servers[0]!.timing;
    const { log, tables } = { ...simulateLlm(resolved, 1) };
    const uploadS = (P * 4 * 8) / BPS;
    const firstDownS = (1 * 4 * 8) / BPS;
    const lastDownS = (16 * 4 * 8) / BPS; // the last chunk: streamChunk 16 tokens
    const ttft = uploadS + RTT / 2 + server.iterationS(P, 0, 0) + RTT / 2 + firstDownS;
    expect(log.firstS[0]! - 2).toBeCloseTo(ttft, 9);
    let decodeS = 0;
    for (let i = 1; i < O; i++) decodeS += server.iterationS(0, 1, P + i);
    const e2e = uploadS + RTT / 2 + server.iterationS(P, 0, 0) + decodeS + RTT / 2 + lastDownS;
    expect(log.lastS[0]! - 2).toBeCloseTo(e2e, 9);
    expect(cell(tables.summary!, 'completed')).toBe(1);
    expect(cell(tables.summary!, 'tokens')).toBe(O);
  });
});

describe('reproducibility', () => {
  it('gives byte-identical tables for the same seed, and others for another seed', async () => {
    const busy = scenario(
      { placement: 'adaptive', prompt: { kind: 'lognormal', mean: 300, cv: 1, max: 2000 } },
      {
        fleet: [
          {
            name: 'pis',
            profile: 'raspberry-pi-5',
            count: 20,
            network: { technology: 'ethernet', cell: 'lan' },
            arrivals: { kind: 'poisson', rate: '2/min' },
          },
        ],
      },
    );
    const file = write(busy);
    const run = async (seed: number) => {
      const { prepared } = prepareScenario(file);
      const { tables } = await runPrepared(prepared, seed);
      return Object.values(tables).map(tableToCsv).join('\n');
    };
    const first = await run(3);
    expect(await run(3)).toBe(first);
    expect(await run(4)).not.toBe(first);
  });
});

describe('refused input', () => {
  it('a request longer than the context window', () => {
    const error = expectInputError(() =>
      prepare(
        scenario({
          prompt: { kind: 'fixed', tokens: 3000 },
          output: { kind: 'fixed', tokens: 2000 },
          device: { card: 'phi-3-mini-4k', precision: 'q4_0' },
          placement: 'device',
        }),
      ),
    );
    const problem = error.problems.find((p) => p.path === 'llm.output')!;
    expect(problem.message).toMatch(/at most: 5000\).*context window of 4096/);
  });

  it('an output length distribution with support below one token', () => {
    const error = expectInputError(() =>
      prepare(scenario({ output: { kind: 'uniform', min: -5, max: 10 } })),
    );
    expect(error.problems.some((p) => p.path.startsWith('llm.output'))).toBe(true);
  });

  it('a KV budget smaller than one request, with the numbers', () => {
    const content = scenario({});
    (content.servers[0] as Record<string, unknown>).kvTokens = 100;
    const error = expectInputError(() => prepare(content));
    const problem = error.problems.find((p) => p.path === 'servers[0].kvTokens')!;
    expect(problem.message).toMatch(/100 tokens cannot hold one request of 340 tokens/);
  });

  it('a device model that does not fit, naming the bytes needed and available', () => {
    const error = expectInputError(() =>
      prepare(
        scenario({ placement: 'device', device: { card: 'llama-3.1-70b', precision: 'q4_0' } }),
      ),
    );
    const problem = error.problems.find((p) => p.path === 'fleet[0].profile')!;
    expect(problem.message).toMatch(
      /llama-3.1-70b at q4_0 needs [\d.]+ GB on raspberry-pi-5.*but [\d.]+ GB is available/,
    );
  });

  it('placement device without a device model', () => {
    const content = scenario({ placement: 'device' });
    delete (content.llm as Record<string, unknown>).device;
    const error = expectInputError(() => prepare(content));
    expect(error.problems.some((p) => p.path === 'llm.device')).toBe(true);
  });
});

describe('a length trace', () => {
  const AZURE = join(__dirname, '../../../scenarios/traces/azure-llm-conv-2023.csv');
  const traced = (extra: Record<string, unknown>) => {
    const content = scenario(extra);
    const llm = content.llm as Record<string, unknown>;
    delete llm.prompt;
    delete llm.output;
    llm.lengths = { file: AZURE };
    return content;
  };

  it('draws each request as a row of the Azure 2023 conversation trace', () => {
    const resolved = prepare(traced({}));
    // The trace's longest row: 14,050 prompt (its largest) or 14,089 with the output.
    expect(resolved.lengths.longest).toBe(14_089);
    expect(resolved.lengths.longestPrompt).toBe(14_050);
    expect(resolved.lengths.longestOutput).toBe(1_000);
  });

  it("refuses a model whose window the trace's longest row passes, naming the field", () => {
    const error = expectInputError(() =>
      prepare(
        traced({ placement: 'device', device: { card: 'phi-3-mini-4k', precision: 'q4_0' } }),
      ),
    );
    expect(
      error.problems.some((p) => p.path === 'llm.lengths.file' && /4096/.test(p.message)),
    ).toBe(true);
  });

  it('refuses a trace beside prompt and output distributions', () => {
    const content = scenario({});
    (content.llm as Record<string, unknown>).lengths = { file: AZURE };
    const error = expectInputError(() => prepare(content));
    expect(error.problems.some((p) => p.path === 'llm.lengths')).toBe(true);
  });
});
