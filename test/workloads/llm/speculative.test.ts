/**
 * Speculative decoding across tiers, one request worked by hand on
 * one-pi.ts's scenario: the Pi 5 drafts with Llama 3.2 1B, the L4 verifies
 * with Llama 3.1 8B, 4 drafts a round. Times come from each model's timing (tested in
 * test/fleet/llm-timing.test.ts); the sums are speculative.ts's rules.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedLlm } from '../../../src/workloads/llm/resolve.js';
import { simulateLlm } from '../../../src/workloads/llm/run.js';
import { BITS, BPS, O, onePiScenario, P, prepareLlm, RTT } from './one-pi.js';

const N = 4;

function prepare(
  speculative: Record<string, unknown> | undefined,
  group: Record<string, unknown> = {},
  lengths: { output?: number } = {},
): ResolvedLlm {
  const output =
    lengths.output === undefined ? {} : { output: { kind: 'fixed', tokens: lengths.output } };
  return prepareLlm(
    onePiScenario(
      { ...(speculative === undefined ? {} : { speculative }), ...output },
      // A long answer takes minutes of rounds: the run must not end before it does.
      { name: 'llm-speculative', ...(lengths.output === undefined ? {} : { duration: '1 h' }) },
      group,
    ),
  );
}

/** The hand sum: first token as without speculation, then rounds of `gain(n)` tokens. */
function handEnd(
  resolved: ResolvedLlm,
  gain: (n: number) => number,
): { first: number; last: number } {
  const draft = resolved.deviceModels[0]!.timing;
  const server = resolved.servers[0]!.timing;
  const up = (tokens: number) => (tokens * BITS) / BPS;
  const submitted = 2 + up(P) + RTT / 2;
  const first = submitted + server.iterationS(P, 0, 0) + RTT / 2 + up(1);
  let t = Math.max(first, submitted + draft.prefillS(P));
  let have = 1;
  while (have < O) {
    const n = Math.min(N, O - have - 1);
    for (let j = 0; j < n; j++) t += draft.decodeS(P + have + j);
    const gained = gain(n);
    t +=
      up(Math.max(n, 1)) + RTT / 2 + server.iterationS(Math.max(n, 1), 0, 0) + RTT / 2 + up(gained);
    have = Math.min(O, have + gained);
  }
  return { first, last: t };
}

describe('speculative decoding across tiers', () => {
  it('with every draft accepted: rounds of n + 1 tokens at the draft model speed plus verification', () => {
    const resolved = prepare({ draftTokens: N, acceptance: 1 });
    const { log, tables } = simulateLlm(resolved, 1);
    const hand = handEnd(resolved, (n) => n + 1);
    expect(log.firstS[0]!).toBeCloseTo(hand.first, 9);
    expect(log.lastS[0]!).toBeCloseTo(hand.last, 9);
    const summary = tables.summary!;
    const cell = (c: string) => summary.rows[0]![summary.columns.indexOf(c)];
    // 1 + 7 rounds of 5 tokens + 1 round of 4 = 40 tokens in 8 rounds.
    expect(cell('spec_rounds')).toBe(8);
    expect(cell('spec_acceptance')).toBe(1);
  });

  it('with none accepted: one token a round, slower than no speculation', () => {
    const resolved = prepare({ draftTokens: N, acceptance: 0 });
    const { log } = simulateLlm(resolved, 1);
    const hand = handEnd(resolved, () => 1);
    expect(log.lastS[0]!).toBeCloseTo(hand.last, 9);
    const plain = simulateLlm(prepare(undefined), 1).log;
    expect(log.firstS[0]!).toBeCloseTo(plain.firstS[0]!, 12);
    expect(log.lastS[0]! - log.firstS[0]!).toBeGreaterThan(plain.lastS[0]! - plain.firstS[0]!);
  });

  it("matches Leviathan et al.'s tokens per round at acceptance 0.7 over a long answer", () => {
    // One answer of 2,000 tokens: about 720 rounds of n = 4 drafts. A round accepts the
    // leading k of its drafts, P(k >= j) = a^j, and adds one token: E[k + 1] =
    // (1 - a^(n+1)) / (1 - a) = 2.7731, and the share of drafts accepted is E[k] / n =
    // a (1 - a^n) / ((1 - a) n) = 0.4433 (ICML 2023, Section 3.3). Per round k + 1 has a
    // standard deviation of about 1.3, so over 720 rounds the mean's is about 0.05.
    const resolved = prepare({ draftTokens: N, acceptance: 0.7 }, {}, { output: 2000 });
    const { tables } = simulateLlm(resolved, 1);
    const summary = tables.summary!;
    const cell = (c: string) => summary.rows[0]![summary.columns.indexOf(c)] as number;
    expect(cell('spec_rounds')).toBeGreaterThan(650);
    expect(Math.abs(cell('spec_tokens_per_round') - 2.7731)).toBeLessThan(0.2);
    expect(Math.abs(cell('spec_acceptance') - 0.4433)).toBeLessThan(0.05);
  });

  it('fails the requests of a device that goes down mid-draft, and the run drains', () => {
    const flaky = prepare(
      { draftTokens: N, acceptance: 0.7 },
      {
        count: 20,
        arrivals: { kind: 'poisson', rate: 0.2 },
        availability: { kind: 'markov', meanOn: 20, meanOff: 5 },
      },
    );
    const { log, endS } = simulateLlm(flaky, 1);
    let failed = 0;
    for (let r = 0; r < log.count; r++) if (log.status[r] === 2) failed++;
    expect(failed).toBeGreaterThan(0);
    // Every request ended: the run stopped draining well before twice the 60 s duration.
    expect(endS).toBeLessThan(90);
  });
});
