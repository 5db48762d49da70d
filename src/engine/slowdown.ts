/**
 * A slowdown injected for testing `edgesim bench` (never set in real use):
 * with EDGESIM_TEST_SLOWDOWN=0.3 in the environment, every event is followed
 * by a busy-wait of 0.3 times the time the event took, so the event loop runs
 * about 1.3 times slower. Results do not change, only the time they take.
 * Read once, when the engine loads.
 */

function parseSlowdown(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const factor = Number(value);
  if (!(Number.isFinite(factor) && factor >= 0))
    throw new RangeError(`EDGESIM_TEST_SLOWDOWN(=${value}) must be a number >= 0`);
  return factor;
}

/** The injected slowdown: extra time per event as a fraction of the event's own (0: none). */
export const INJECTED_SLOWDOWN = parseSlowdown(process.env.EDGESIM_TEST_SLOWDOWN);

/** Calls `callback(arg)`, then busy-waits {@link INJECTED_SLOWDOWN} times as long as it took. */
export function slowedCall(callback: (arg: number) => void, arg: number): void {
  const started = performance.now(); // wall: injected slowdown only, never in a result
  callback(arg);
  const until = started + (performance.now() - started) * (1 + INJECTED_SLOWDOWN); // wall: as above
  while (performance.now() < until); // wall: as above
}
