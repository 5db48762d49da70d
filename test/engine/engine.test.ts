import { describe, expect, it } from 'vitest';
import { EventQueue, Priority, Simulation } from '../../src/engine/index.js';

describe('event queue', () => {
  it('pops events in time order', () => {
    const queue = new EventQueue(2);
    const fired: number[] = [];
    for (const t of [5, 1, 4, 2, 3]) queue.push(t, 0, () => fired.push(t));
    while (queue.size > 0) queue.pop()!(queue.lastArg);
    expect(fired).toEqual([1, 2, 3, 4, 5]);
  });

  it('fires events at equal times by priority, then in scheduling order', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    sim.schedule(1, () => fired.push('normal-a'));
    sim.schedule(1, () => fired.push('late'), Priority.late);
    sim.schedule(1, () => fired.push('normal-b'));
    sim.schedule(1, () => fired.push('urgent'), Priority.urgent);
    sim.schedule(1, () => fired.push('normal-c'));
    sim.run();
    expect(fired).toEqual(['urgent', 'normal-a', 'normal-b', 'normal-c', 'late']);
  });

  it('keeps scheduling order among thousands of simultaneous events', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    for (let i = 0; i < 5000; i++) sim.schedule(i % 3, () => fired.push(i));
    sim.run();
    const expected = [0, 1, 2].flatMap((t) =>
      Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 3 === t),
    );
    expect(fired).toEqual(expected);
  });

  it('passes each event the number it was scheduled with', () => {
    const sim = new Simulation();
    const seen: [number, number][] = [];
    const handler = (device: number) => seen.push([sim.now, device]);
    sim.schedule(2, handler, Priority.normal, 7);
    sim.scheduleAt(1, handler, Priority.normal, 3);
    sim.run();
    expect(seen).toEqual([
      [1, 3],
      [2, 7],
    ]);
  });

  it('never fires a cancelled event', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const ids = [1, 2, 3, 4].map((t) => sim.schedule(t, () => fired.push(t)));
    expect(sim.cancel(ids[1]!)).toBe(true);
    expect(sim.cancel(ids[3]!)).toBe(true);
    expect(sim.pending).toBe(2);
    sim.run();
    expect(fired).toEqual([1, 3]);
  });

  it('refuses to cancel an event twice or after it fired', () => {
    const sim = new Simulation();
    const first = sim.schedule(1, () => {});
    const second = sim.schedule(2, () => {});
    sim.run({ untilS: 1 });
    expect(sim.cancel(first)).toBe(false);
    expect(sim.cancel(second)).toBe(true);
    expect(sim.cancel(second)).toBe(false);
  });

  it('does not let a stale id cancel the event that reused its slot', () => {
    const sim = new Simulation();
    const old = sim.schedule(1, () => {});
    sim.run();
    let fired = false;
    sim.schedule(1, () => {
      fired = true;
    });
    expect(sim.cancel(old)).toBe(false);
    sim.run();
    expect(fired).toBe(true);
  });

  it('never moves the clock backwards, even with random scheduling from callbacks', () => {
    const sim = new Simulation();
    let last = 0;
    let monotone = true;
    let x = 12345;
    const delay = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return (x % 1000) / 100;
    };
    const tick = () => {
      if (sim.now < last) monotone = false;
      last = sim.now;
      if (sim.eventsFired < 20000) sim.schedule(delay(), tick);
    };
    for (let i = 0; i < 50; i++) sim.schedule(delay(), tick);
    sim.run();
    expect(monotone).toBe(true);
    expect(sim.eventsFired).toBeGreaterThanOrEqual(20000);
  });

  it('rejects negative, NaN and infinite delays and past times', () => {
    const sim = new Simulation();
    expect(() => sim.schedule(-1, () => {})).toThrow(/delayS\(=-1\)/);
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow(RangeError);
    expect(() => sim.schedule(Number.POSITIVE_INFINITY, () => {})).toThrow(RangeError);
    sim.schedule(5, () => {});
    sim.run();
    expect(() => sim.scheduleAt(4, () => {})).toThrow(/timeS\(=4\)/);
  });
});

describe('simulation run limits', () => {
  it('runs until a time, firing events at that time, and leaves the clock there', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    for (const t of [1, 2, 3]) sim.schedule(t, () => fired.push(t));
    expect(sim.run({ untilS: 2 })).toBe('time');
    expect(fired).toEqual([1, 2]);
    expect(sim.now).toBe(2);
    expect(sim.run({ untilS: 10 })).toBe('empty');
    expect(sim.now).toBe(10);
  });

  it('runs until a condition holds', () => {
    const sim = new Simulation();
    let count = 0;
    const tick = () => {
      count++;
      sim.schedule(1, tick);
    };
    sim.schedule(0, tick);
    expect(sim.run({ stopWhen: () => count === 7 })).toBe('condition');
    expect(sim.now).toBe(6);
  });

  it('runs until empty, or for a number of events', () => {
    const sim = new Simulation();
    for (let i = 0; i < 10; i++) sim.schedule(i, () => {});
    expect(sim.run({ maxEvents: 4 })).toBe('max-events');
    expect(sim.eventsFired).toBe(4);
    expect(sim.run()).toBe('empty');
    expect(sim.eventsFired).toBe(10);
  });
});

describe('processes', () => {
  it('hold for yielded delays and resume with signal values', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.process(function* () {
      log.push(`start ${sim.now}`);
      yield 1.5;
      log.push(`held ${sim.now}`);
      yield 2;
      log.push(`end ${sim.now}`);
    });
    sim.run();
    expect(log).toEqual(['start 0', 'held 1.5', 'end 3.5']);
  });
});

describe('event queue compaction', () => {
  it('keeps order and live events when many cancellations trigger a rebuild', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const ids = Array.from({ length: 10_000 }, (_, i) =>
      sim.schedule((i * 7919) % 10_000, () => fired.push(i)),
    );
    ids.forEach((id, i) => {
      if (i % 10 !== 0) sim.cancel(id);
    });
    expect(sim.pending).toBe(1000);
    sim.run();
    const expected = Array.from({ length: 1000 }, (_, k) => k * 10).sort(
      (a, b) => ((a * 7919) % 10_000) - ((b * 7919) % 10_000),
    );
    expect(fired).toEqual(expected);
  });
});
