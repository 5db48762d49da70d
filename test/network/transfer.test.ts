import { describe, expect, it } from 'vitest';
import { RadioMeter, type RadioModel } from '../../src/energy/radio.js';
import { ProcessorSharing } from '../../src/engine/processor-sharing.js';
import { Simulation } from '../../src/engine/simulation.js';
import type { Cell } from '../../src/network/cells.js';
import { DOWN, Transfers, UP } from '../../src/network/transfer.js';

// A radio with round numbers: 0.5 s promotion, 2 s tail.
const MODEL: RadioModel = {
  promotionS: 0.5,
  promotionW: 1,
  alphaUpJPerBit: 1e-6,
  alphaDownJPerBit: 1e-7,
  betaW: 2,
  tailS: 2,
  tailW: 0.5,
  idleW: 0.01,
  sources: 'test',
};

/** `devices` devices in one cell of 1 Mbit/s each way, RTT 0.1 s, no loss. */
function setup(devices = 1, cell: Partial<Cell> = {}) {
  const sim = new Simulation();
  const radios = Array.from({ length: devices }, () => new RadioMeter(MODEL));
  let settled = 0;
  const fleet = { radio: (d: number) => radios[d]!, settleRadio: () => settled++ };
  const theCell: Cell = {
    name: 'c',
    technology: 'lte',
    uplink: new ProcessorSharing(sim, 1e6),
    downlink: new ProcessorSharing(sim, 1e6),
    rttS: 0.1,
    airBitsPerBit: 1,
    dutyCycle: 1,
    ...cell,
  };
  const transfers = new Transfers(sim, fleet, [theCell], new Uint32Array(devices));
  const done: [number, number][] = [];
  const onDone = (arg: number) => done.push([arg, sim.now]);
  return { sim, radios, transfers, done, onDone, settledCount: () => settled };
}

describe('Transfers: the one way bytes move', () => {
  it('takes the promotion, then bits / capacity, and charges the radio for the payload', () => {
    const { sim, radios, transfers, done, onDone, settledCount } = setup();
    transfers.start(0, UP, 1e6, onDone, 7);
    sim.run();
    expect(done).toEqual([[7, 0.5 + 1]]);
    expect(settledCount()).toBe(1);
    const times = radios[0]!.timeInStates(10);
    expect(times.promotionS).toBeCloseTo(0.5, 12);
    expect(times.transferS).toBeCloseTo(1, 12);
    expect(times.tailS).toBeCloseTo(2, 12);
    // promotion 0.5 J + beta 2 W x 1 s + alpha_up 1e-6 J/bit x 1e6 bit + tail 1 J + idle 0.065 J
    expect(radios[0]!.totalJ(10)).toBeCloseTo(0.5 + 2 + 1 + 1 + 0.01 * 6.5, 12);
  });

  it('spends a round-trip lead in the radio tail, not transferring', () => {
    const { sim, radios, transfers, done, onDone } = setup();
    transfers.start(0, DOWN, 1e6, onDone, 1, 0.3);
    sim.run();
    expect(done).toEqual([[1, 0.5 + 0.3 + 1]]);
    const times = radios[0]!.timeInStates(1.8);
    expect(times.promotionS).toBeCloseTo(0.5, 12);
    expect(times.tailS).toBeCloseTo(0.3, 12);
    expect(times.transferS).toBeCloseTo(1, 12);
  });

  it('promotes the radio again when the lead outlasts its tail', () => {
    const { sim, radios, transfers, done, onDone } = setup();
    transfers.start(0, DOWN, 1e6, onDone, 1, 3);
    sim.run();
    // promotion, tail 2 s, idle 1 s, promotion again, then the flow
    expect(done).toEqual([[1, 0.5 + 3 + 0.5 + 1]]);
    const times = radios[0]!.timeInStates(5);
    expect(times.promotionS).toBeCloseTo(1, 12);
    expect(times.idleS).toBeCloseTo(1, 12);
  });

  it('shares the cell: k simultaneous transfers each finish at k x bits / capacity', () => {
    const { sim, transfers, done, onDone } = setup(3);
    for (let d = 0; d < 3; d++) transfers.start(d, UP, 1e6, onDone, d);
    sim.run();
    expect(done.map(([, at]) => at)).toEqual([3.5, 3.5, 3.5].map((t) => expect.closeTo(t, 12)));
  });

  it('on a duty-cycled uplink holds the channel for the airtime, then waits out the off-time', () => {
    const { sim, transfers, done, onDone } = setup(1, { dutyCycle: 0.1 });
    transfers.start(0, UP, 1e5, onDone, 1); // airtime 0.1 s; next slot 1 s after the first began
    transfers.start(0, UP, 1e5, onDone, 2);
    sim.run();
    expect(done[0]).toEqual([1, expect.closeTo(0.5 + 0.1, 12)]);
    // The second waits for the device's next slot at 1 s; the radio is still in its tail then.
    expect(done[1]).toEqual([2, expect.closeTo(1 + 0.1, 12)]);
  });

  it("on a duty-cycled downlink makes a cell's devices take turns on the gateway", () => {
    const { sim, transfers, done, onDone } = setup(2, { dutyCycle: 0.5 });
    transfers.start(0, DOWN, 1e5, onDone, 0); // 0.1 s on the air, the gateway then silent 0.1 s
    transfers.start(1, DOWN, 1e5, onDone, 1);
    sim.run();
    expect(done[0]).toEqual([0, expect.closeTo(0.6, 12)]);
    expect(done[1]).toEqual([1, expect.closeTo(0.2 + 0.5 + 0.1, 12)]);
  });

  it('abort mid-flow returns the payload bits moved and charges only those', () => {
    const { sim, radios, transfers, done, onDone } = setup();
    const t = transfers.start(0, UP, 1e6, onDone, 1);
    sim.run({ untilS: 0.75 });
    expect(transfers.isMoving(t)).toBe(true);
    expect(transfers.abort(t)).toBeCloseTo(0.25e6, 6);
    sim.run();
    expect(done).toEqual([]);
    const times = radios[0]!.timeInStates(0.75);
    expect(times.transferS).toBeCloseTo(0.25, 12);
    // promotion 0.5 J + beta 2 W x 0.25 s + alpha_up x 0.25e6 bit
    expect(radios[0]!.totalJ(0.75)).toBeCloseTo(0.5 + 0.5 + 0.25, 12);
  });

  it('abort during the lead cancels it without a second radio transfer to end', () => {
    const { sim, radios, transfers, done, onDone } = setup();
    const t = transfers.start(0, DOWN, 1e6, onDone, 1, 1);
    sim.run({ untilS: 0.8 });
    expect(transfers.abort(t)).toBe(0);
    sim.run();
    expect(done).toEqual([]);
    // promotion, then tail from 0.5 s until it ends at 2.5 s: no transfer time at all.
    expect(radios[0]!.timeInStates(3).transferS).toBe(0);
    expect(radios[0]!.timeInStates(3).tailS).toBeCloseTo(2, 12);
  });

  it('abortAll stops a device’s transfers oldest first, and leaves other devices alone', () => {
    const { sim, transfers, done, onDone } = setup(2);
    transfers.start(0, UP, 1e6, onDone, 10);
    transfers.start(1, UP, 1e6, onDone, 20);
    transfers.start(0, DOWN, 1e6, onDone, 11);
    sim.run({ untilS: 1 });
    const aborted: number[] = [];
    transfers.abortAll(0, (arg) => aborted.push(arg));
    expect(aborted).toEqual([10, 11]);
    sim.run();
    // Device 1's upload shared the uplink from 0.5 s to 1 s (0.25 Mbit moved), then had it alone.
    expect(done).toEqual([[20, expect.closeTo(1 + 0.75, 12)]]);
  });

  it('reuses handles without mixing up transfers', () => {
    const { sim, transfers, done, onDone } = setup();
    for (let i = 0; i < 200; i++) transfers.start(0, i % 2 === 0 ? UP : DOWN, 1e3, onDone, i);
    sim.run();
    expect(done.map(([arg]) => arg).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
  });
});
