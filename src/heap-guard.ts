import { getHeapStatistics } from 'node:v8';
import { RunFailedError } from './errors.js';
import type { ProgressReporter } from './progress.js';

/** Fraction of the old generation's limit past which a run stops instead of crashing. */
export const HEAP_STOP_FRACTION = 0.9;
/**
 * V8's heap limit counts the young generation's semispaces too (48 MB on
 * 64-bit Node 20: `--max-old-space-size=60/200/1000` report 108/248/1048 MB,
 * the default 4144 MB), and the old generation fails near its own size,
 * so its limit is the reported one less this.
 */
const YOUNG_GENERATION_BYTES = 48 * 2 ** 20;

/**
 * Wraps a progress reporter so that each update also checks the heap: once
 * the JavaScript heap holds more than {@link HEAP_STOP_FRACTION} of its limit
 * (`--max-old-space-size`, or V8's default for this machine), the run stops
 * with a RunFailedError (exit 1) and a one-line message instead of V8's fatal
 * "heap out of memory" and a native stack. Runs report progress every few
 * thousand events, so the check costs nothing measurable. `heapUsedBytes` is
 * injected by tests.
 */
export function guardHeap(
  inner: ProgressReporter,
  heapUsedBytes: () => number = () => getHeapStatistics().used_heap_size,
): ProgressReporter {
  const limitBytes = getHeapStatistics().heap_size_limit - YOUNG_GENERATION_BYTES;
  return {
    update(fraction, label) {
      const used = heapUsedBytes();
      if (used > HEAP_STOP_FRACTION * limitBytes) {
        throw new RunFailedError(
          `the run stopped at ${Math.floor(fraction * 100)}%: it needs more memory than Node's heap limit (${size(used)} of ${size(limitBytes)} used); run fewer devices or a shorter duration, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MB>`,
        );
      }
      inner.update(fraction, label);
    },
    stop: () => inner.stop(),
  };
}

function size(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GB`
    : `${Math.round(bytes / 2 ** 20)} MB`;
}
