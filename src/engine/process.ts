import type { Signal } from './signal.js';
import type { Simulation } from './simulation.js';

/**
 * What a process may yield: a delay in seconds (hold for that long), or a
 * {@link Signal} (wait until it fires; the `yield` expression evaluates to the
 * signal's value).
 */
export type Yieldable = number | Signal<unknown>;

/**
 * A process body: a generator that yields {@link Yieldable}s, so a model reads
 * top to bottom:
 *
 * ```ts
 * sim.process(function* () {
 *   yield 1.5;                          // hold 1.5 s
 *   const grant = yield server.request(); // wait for a worker
 * });
 * ```
 *
 * Generators cost about one allocation per resumption; the hot paths of large
 * fleets use callbacks with {@link Simulation.schedule} instead (see the
 * engine benchmarks for the measured difference).
 */
export type ProcessBody = () => Generator<Yieldable, void, unknown>;

/** Starts `body` at the current time; used by {@link Simulation.process}. */
export function startProcess(sim: Simulation, body: ProcessBody): void {
  const generator = body();
  const resume = (value: unknown): void => {
    const next = generator.next(value);
    if (next.done) return;
    const awaited = next.value;
    if (typeof awaited === 'number') sim.schedule(awaited, resumeEmpty);
    else awaited.onFire(resume);
  };
  const resumeEmpty = (): void => resume(undefined);
  resume(undefined);
}
