import { RandomStreams, Simulation } from '../index.js';
import type { BenchCase } from './harness.js';

const PROCESSES = 10_000;
const EVENTS = 2_000_000;

/**
 * SimPy's timeout benchmark: 10,000 processes, each rescheduling itself after
 * an Exp(1) delay, until 2,000,000 events have fired. Written with callbacks,
 * the engine's fast path.
 */
function selfReschedulingCallbacks(): number {
  const sim = new Simulation();
  const rng = new RandomStreams(1).stream('bench');
  for (let i = 0; i < PROCESSES; i++) {
    const tick = (): void => {
      sim.schedule(rng.exponential(1), tick);
    };
    sim.schedule(rng.exponential(1), tick);
  }
  sim.run({ maxEvents: EVENTS });
  return sim.eventsFired;
}

/** The same workload written as generator processes (the readable path). */
function selfReschedulingProcesses(): number {
  const sim = new Simulation();
  const rng = new RandomStreams(1).stream('bench');
  for (let i = 0; i < PROCESSES; i++) {
    sim.process(function* () {
      for (;;) yield rng.exponential(1);
    });
  }
  sim.run({ maxEvents: EVENTS });
  return sim.eventsFired;
}

export const engineCases: BenchCase[] = [
  {
    name: 'engine: 10k self-rescheduling callbacks, 2M events',
    run: selfReschedulingCallbacks,
    unit: 'events',
  },
  {
    name: 'engine: 10k generator processes, 2M events',
    run: selfReschedulingProcesses,
    unit: 'events',
  },
];

/** Bytes held by 1,000,000 pending events (one shared callback), above the baseline. */
export function pendingEventsMemoryBytes(count = 1_000_000): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const sim = new Simulation();
  const rng = new RandomStreams(1).stream('memory');
  const callback = (): void => {};
  for (let i = 0; i < count; i++) sim.schedule(rng.exponential(1000), callback);
  gc?.();
  const after = process.memoryUsage();
  const used = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.arrayBuffers;
  if (sim.pending !== count) throw new Error('pending count mismatch');
  return used(after) - used(before);
}
