import { describe, expect, it } from 'vitest';
import { ProcessorSharing, Simulation } from '../../src/engine/index.js';

/** A link of capacity C and class cap K, and when each flow (by its arg) finished. */
function link(capacity: number, cap: number) {
  const sim = new Simulation();
  const ps = new ProcessorSharing(sim, capacity);
  ps.setClassCap(cap);
  const doneS: number[] = [];
  const order: number[] = [];
  const done = (arg: number) => {
    doneS[arg] = sim.now;
    order.push(arg);
  };
  return { sim, ps, doneS, order, done };
}

describe('processor sharing with a capped class (water-filling)', () => {
  it('a binding cap gives capped flows K/m and ordinary ones (C - K)/n', () => {
    // C = 10, K = 4; one ordinary flow of 30, two capped of 8, all at 0. m C / (n + m) =
    // 20/3 > 4, so each capped flow gets 2 and the ordinary one 6. The capped flows end
    // together at 8/2 = 4 s; the ordinary one has done 24 then and finishes its last 6
    // alone at 10/s: 4.6 s.
    const { sim, ps, doneS, order, done } = link(10, 4);
    ps.start(30, done, 0);
    const a = ps.start(8, done, 1, true);
    ps.start(8, done, 2, true);
    expect(ps.cappedFlows).toBe(2);
    sim.run({ untilS: 2 });
    expect(a.remaining()).toBeCloseTo(4, 12);
    expect(ps.totalWork).toBeCloseTo(20, 12);
    sim.run();
    expect(doneS[1]).toBeCloseTo(4, 12);
    expect(doneS[2]).toBeCloseTo(4, 12);
    expect(doneS[0]).toBeCloseTo(4.6, 12);
    expect(order).toEqual([1, 2, 0]);
    expect(ps.totalWork).toBeCloseTo(46, 12);
  });

  it('a cap that does not bind leaves plain processor sharing: C/(n + m) each', () => {
    // C = 10, K = 8, one ordinary and one capped flow of 10: m C / (n + m) = 5 <= 8, so each
    // gets 5 and both end at 2 s (the two classes finishing together).
    const { sim, ps, doneS, done } = link(10, 8);
    ps.start(10, done, 0);
    ps.start(10, done, 1, true);
    sim.run();
    expect(doneS[0]).toBeCloseTo(2, 12);
    expect(doneS[1]).toBeCloseTo(2, 12);
  });

  it('with only capped flows they share min(C, K)', () => {
    // Two capped flows of 8 alone: K = 4 < C = 10 gives 2 each (end at 4 s);
    // K = 30 > C gives C/2 = 5 each (end at 1.6 s).
    const tight = link(10, 4);
    tight.ps.start(8, tight.done, 0, true);
    tight.ps.start(8, tight.done, 1, true);
    tight.sim.run({ untilS: 1 });
    expect(tight.ps.totalWork).toBeCloseTo(4, 12);
    tight.sim.run();
    expect(tight.doneS).toEqual([expect.closeTo(4, 12), expect.closeTo(4, 12)]);
    const loose = link(10, 30);
    loose.ps.start(8, loose.done, 0, true);
    loose.ps.start(8, loose.done, 1, true);
    loose.sim.run();
    expect(loose.doneS).toEqual([expect.closeTo(1.6, 12), expect.closeTo(1.6, 12)]);
  });

  it('a capacity change mid-flow settles work at the old rates and re-fills', () => {
    // C = 10, K = 4, ordinary 30 and capped 12: 5 > 4 binds, capped 4 and ordinary 6.
    // At 1 s: capped 8 left, ordinary 24. C drops to 6: 1 x 6 / 2 = 3 <= 4, so each gets 3.
    // The capped flow ends at 1 + 8/3 = 11/3 s; the ordinary has 16 left, alone at 6/s:
    // 11/3 + 16/6 = 19/3 s.
    const { sim, ps, doneS, done } = link(10, 4);
    ps.start(30, done, 0);
    ps.start(12, done, 1, true);
    sim.schedule(1, () => ps.setCapacity(6));
    sim.run();
    expect(doneS[1]).toBeCloseTo(11 / 3, 12);
    expect(doneS[0]).toBeCloseTo(19 / 3, 12);
  });

  it('lifting the cap mid-flow gives every flow an equal share again', () => {
    // As above until 1 s (capped 8 left, ordinary 24), then no cap: 5 each. The capped
    // flow ends at 1 + 8/5 = 2.6 s; the ordinary has 16 left at 10/s: 4.2 s.
    const { sim, ps, doneS, done } = link(10, 4);
    ps.start(30, done, 0);
    ps.start(12, done, 1, true);
    sim.schedule(1, () => ps.setClassCap(Number.POSITIVE_INFINITY));
    sim.run();
    expect(doneS[1]).toBeCloseTo(2.6, 12);
    expect(doneS[0]).toBeCloseTo(4.2, 12);
  });

  it('an aborted capped flow reports its work and its class re-shares the cap', () => {
    // C = 10, K = 4: ordinary 30, capped 8 and 8 (2 each, ordinary 6). At 1 s one capped
    // flow aborts having done 2. Then m = 1: 1 x 10 / 2 = 5 > 4, so the other capped flow
    // gets 4 for its last 6 (ends at 2.5 s) and the ordinary one still 6: 24 - 9 = 15
    // left at 2.5 s, alone at 10/s: 4 s. Work done: 30 + 8 + the aborted flow's 2 = 40.
    const { sim, ps, doneS, done } = link(10, 4);
    ps.start(30, done, 0);
    const aborted = ps.start(8, done, 1, true);
    ps.start(8, done, 2, true);
    let workDone = 0;
    sim.schedule(1, () => {
      workDone = aborted.abort();
    });
    sim.run();
    expect(workDone).toBeCloseTo(2, 12);
    expect(doneS[1]).toBeUndefined();
    expect(doneS[2]).toBeCloseTo(2.5, 12);
    expect(doneS[0]).toBeCloseTo(4, 12);
    expect(ps.totalWork).toBeCloseTo(40, 12);
  });

  it('an aborted ordinary flow leaves the capped flows at min(C, K)/m', () => {
    // C = 10, K = 4: the ordinary flow (30) aborts at 1 s having done 6; the capped flows
    // (8 each) keep 2 each (n = 0: min(10, 4)/2) and end at 4 s.
    const { sim, ps, doneS, done } = link(10, 4);
    const ordinary = ps.start(30, done, 0);
    ps.start(8, done, 1, true);
    ps.start(8, done, 2, true);
    let workDone = 0;
    sim.schedule(1, () => {
      workDone = ordinary.abort();
    });
    sim.run();
    expect(workDone).toBeCloseTo(6, 12);
    expect(doneS[1]).toBeCloseTo(4, 12);
    expect(doneS[2]).toBeCloseTo(4, 12);
  });

  it('a cap without capped flows changes nothing', () => {
    // Two ordinary flows of 10 on C = 10 with K = 1: 5 each, both end at 2 s.
    const { sim, ps, doneS, done } = link(10, 1);
    ps.start(10, done, 0);
    ps.start(10, done, 1);
    sim.run();
    expect(doneS).toEqual([2, 2]);
  });

  it('refuses a negative or NaN cap, naming the value', () => {
    const { ps } = link(10, 4);
    expect(() => ps.setClassCap(-1)).toThrow(/cap\(=-1\) must be a number >= 0/);
    expect(() => ps.setClassCap(Number.NaN)).toThrow(/cap\(=NaN\)/);
  });
});
