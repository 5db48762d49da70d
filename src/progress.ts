/**
 * Progress of long work (a run, a benchmark suite) for a person at a
 * terminal. Runs are told of a {@link ProgressReporter} and call `update`;
 * what it shows, and whether it shows anything, is the caller's choice.
 * Progress never touches a result: it reads the wall clock for display only.
 * Imports nothing from the domain, so any workload can take a reporter.
 */
import { forTerminal } from './terminal.js';

/** Told how far some work has come; `stop` ends the display. */
export interface ProgressReporter {
  /** `fraction` of the work is done (0..1); `label` says where, e.g. "simulated 0:05:00 of 0:10:00". */
  update(fraction: number, label?: string): void;
  /** The work has ended (finished or failed); called once. */
  stop(): void;
}

/** The default reporter: shows nothing. */
export const NO_PROGRESS: ProgressReporter = Object.freeze({ update: () => {}, stop: () => {} });

/** Where a terminal reporter writes: process.stderr, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** A reporter on a terminal that can also print result lines while its line is shown. */
export interface TerminalProgress extends ProgressReporter {
  /** Writes `line` to `output` (stdout) above the progress line, which is redrawn below it. */
  print(line: string): void;
}

/** Options of {@link terminalProgress}; the defaults suit the CLI. */
export interface TerminalProgressOptions {
  stream?: ProgressStream;
  /** Where {@link TerminalProgress.print} writes; default stdout. */
  output?: ProgressStream;
  /** Wall clock in ms (injected by tests); default `performance.now`. */
  clockMs?: () => number;
  /** Nothing is shown before the work has taken this long (ms): short runs stay silent. Default 2000. */
  showAfterMs?: number;
  /** Least time between two redraws (ms). Default 100. */
  redrawEveryMs?: number;
}

const BAR_CELLS = 20;

/**
 * A one-line progress display on `stream` (default stderr): the title, a bar,
 * the percentage, an ETA and the label, redrawn in place. Shows nothing
 * unless the stream is a terminal and the work has taken `showAfterMs`;
 * `stop` leaves the last line, with the time taken, if anything was shown.
 * The shown fraction never goes back and is clamped to 0..1.
 */
export function terminalProgress(
  title: string,
  options: TerminalProgressOptions = {},
): TerminalProgress {
  const stream = options.stream ?? process.stderr;
  const output = options.output ?? process.stdout;
  const print = (line: string) => void output.write(`${line}\n`);
  if (stream.isTTY !== true) return { ...NO_PROGRESS, print };
  const clockMs = options.clockMs ?? (() => performance.now());
  const showAfterMs = options.showAfterMs ?? 2000;
  const redrawEveryMs = options.redrawEveryMs ?? 100;
  const startedMs = clockMs();
  const eta = new EtaEstimate();
  let fraction = 0;
  let label = '';
  let drawnMs = Number.NEGATIVE_INFINITY;
  let shown = false;
  let stopped = false;
  let lastTail = '';
  const draw = (tail: string): void => {
    lastTail = tail;
    // Labels may carry names from a scenario: escape sequences in them are shown, not obeyed.
    const line = forTerminal(progressLine(title, fraction, label, tail));
    // A pseudo-terminal may report 0 columns.
    const width = Math.max(20, (stream.columns || 80) - 1);
    stream.write(`\r${line.slice(0, width)}\x1b[K`);
    shown = true;
  };
  return {
    update(next, nextLabel) {
      if (stopped) return;
      const nowMs = clockMs();
      fraction = Math.max(fraction, Math.min(1, Math.max(0, next)));
      if (nextLabel !== undefined) label = nextLabel;
      eta.observe(nowMs, fraction);
      if (nowMs - startedMs < showAfterMs || nowMs - drawnMs < redrawEveryMs) return;
      drawnMs = nowMs;
      draw(`ETA ${formatClock(eta.remainingS())}`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (!shown) return;
      draw(`took ${formatClock((clockMs() - startedMs) / 1000)}`);
      stream.write('\n');
    },
    print(line) {
      const live = shown && !stopped;
      if (live) stream.write('\r\x1b[K');
      print(line);
      if (live) draw(lastTail);
    },
  };
}

/**
 * "edgesim: run [#####---------------]  25% | ETA 0:42 | simulated 0:15:00/1:00:00":
 * the label last, where a narrow terminal cuts it.
 */
export function progressLine(title: string, fraction: number, label: string, tail: string): string {
  const filled = Math.round(fraction * BAR_CELLS);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const parts = [`edgesim: ${title} [${bar}] ${percent}`, tail, ...(label ? [label] : [])];
  return parts.join(' | ');
}

/**
 * Remaining wall time at the rate since the first update: (now - t0) (1 - f) / (f - f0),
 * where (t0, f0) is the first observation and (now, f) the last. Measuring from
 * the first update, not from the start, keeps loading and setup out of the rate.
 */
export class EtaEstimate {
  private firstMs = Number.NaN;
  private firstFraction = 0;
  private lastMs = Number.NaN;
  private lastFraction = 0;

  /** Records that `fraction` was done at `nowMs`. */
  observe(nowMs: number, fraction: number): void {
    if (Number.isNaN(this.firstMs)) {
      this.firstMs = nowMs;
      this.firstFraction = fraction;
    }
    this.lastMs = nowMs;
    this.lastFraction = fraction;
  }

  /** Seconds left at the rate so far, or NaN while there is no rate to go by. */
  remainingS(): number {
    const doneSince = this.lastFraction - this.firstFraction;
    if (!(doneSince > 0)) return Number.NaN;
    return (((this.lastMs - this.firstMs) / doneSince) * (1 - this.lastFraction)) / 1000;
  }
}

/**
 * Seconds as "m:ss", or "h:mm:ss" from an hour or when `likeS` (a total the
 * time is shown against) is an hour or more; "-:--" when unknown.
 */
export function formatClock(seconds: number, likeS = seconds): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 || Math.round(likeS) >= 3600
    ? `${h}:${String(m).padStart(2, '0')}:${s}`
    : `${m}:${s}`;
}

/**
 * The part [from, to] of a parent's work: the child's fraction f reports as
 * from + f (to - from), its label after `prefix`. Its `stop` does not stop the
 * parent. For work in steps, such as a benchmark's iterations or a sweep's runs.
 */
export function withinProgress(
  parent: ProgressReporter,
  from: number,
  to: number,
  prefix = '',
): ProgressReporter {
  if (parent === NO_PROGRESS) return NO_PROGRESS;
  return {
    update: (fraction, label) =>
      parent.update(
        from + Math.min(1, Math.max(0, fraction)) * (to - from),
        [prefix, label].filter(Boolean).join(': '),
      ),
    stop: () => {},
  };
}

/**
 * Runs `work` with a {@link terminalProgress} line titled `title` on stderr,
 * stopped however `work` ends (so an error prints below the line).
 */
export async function withTerminalProgress<T>(
  title: string,
  work: (progress: TerminalProgress) => Promise<T> | T,
): Promise<T> {
  const progress = terminalProgress(title);
  try {
    return await work(progress);
  } finally {
    progress.stop();
  }
}
