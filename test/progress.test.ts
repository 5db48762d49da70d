import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCases } from '../src/bench/harness.js';
import {
  EtaEstimate,
  formatClock,
  NO_PROGRESS,
  type ProgressReporter,
  type ProgressStream,
  terminalProgress,
  withinProgress,
} from '../src/progress.js';
import { tableToCsv } from '../src/results/csv.js';
import { prepareScenario, type RunTables, runPrepared } from '../src/run.js';

/** A terminal (or not) that keeps what was written to it. */
function fakeStream(isTTY: boolean): ProgressStream & { text: () => string; writes: number } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 120,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
    get writes() {
      return chunks.length;
    },
  };
}

/** A wall clock the test moves by hand, in ms. */
function fakeClock(): { clockMs: () => number; set: (ms: number) => void } {
  let nowMs = 0;
  return {
    clockMs: () => nowMs,
    set: (ms) => {
      nowMs = ms;
    },
  };
}

/** The lines a terminal would show last: each redraw starts with \r. */
function lastLine(text: string): string {
  const lines = text.split('\r');
  return lines[lines.length - 1]!.replace('\x1b[K', '');
}

/** Records every update. */
function recorder(): ProgressReporter & { fractions: number[]; labels: string[]; stops: number } {
  const r = {
    fractions: [] as number[],
    labels: [] as string[],
    stops: 0,
    update(fraction: number, label?: string) {
      r.fractions.push(fraction);
      r.labels.push(label ?? '');
    },
    stop() {
      r.stops++;
    },
  };
  return r;
}

describe('EtaEstimate', () => {
  it('extrapolates the rate since the first update: 0.1 at 1 s, 0.5 at 5 s leaves 5 s', () => {
    // 0.4 of the work in 4 s is 10 s per whole; 0.5 is left: 5 s.
    const eta = new EtaEstimate();
    eta.observe(1000, 0.1);
    eta.observe(5000, 0.5);
    expect(eta.remainingS()).toBeCloseTo(5, 12);
  });

  it('keeps the time before the first update out of the rate', () => {
    // Setup took 30 s; then 0.25 in 10 s: 40 s per whole, 0.5 left is 20 s (not 60 s).
    const eta = new EtaEstimate();
    eta.observe(30_000, 0.25);
    eta.observe(40_000, 0.5);
    expect(eta.remainingS()).toBeCloseTo(20, 12);
  });

  it('has no estimate before the work has moved', () => {
    const eta = new EtaEstimate();
    expect(eta.remainingS()).toBeNaN();
    eta.observe(1000, 0.2);
    eta.observe(3000, 0.2);
    expect(eta.remainingS()).toBeNaN();
  });
});

describe('formatClock', () => {
  it('prints m:ss under an hour and h:mm:ss from an hour, rounding to the second', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(65.4)).toBe('1:05');
    expect(formatClock(3599.6)).toBe('1:00:00');
    expect(formatClock(3725)).toBe('1:02:05');
    expect(formatClock(Number.NaN)).toBe('-:--');
  });

  it('shows a time against a total of an hour or more as h:mm:ss', () => {
    expect(formatClock(703, 3600)).toBe('0:11:43');
    expect(formatClock(703, 600)).toBe('11:43');
  });
});

describe('terminalProgress', () => {
  it('shows the fraction, label and ETA on a terminal once the work has taken 2 s', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress('run', { stream, clockMs: clock.clockMs });
    clock.set(1000);
    progress.update(0.1, 'simulated 0:01:00 of 0:10:00');
    expect(stream.writes).toBe(0);
    clock.set(5000);
    progress.update(0.5, 'simulated 0:05:00 of 0:10:00');
    expect(lastLine(stream.text())).toBe(
      'edgesim: run [##########----------]  50% | ETA 0:05 | simulated 0:05:00 of 0:10:00',
    );
  });

  it('shows control characters in a label (a variant named by a scenario) as escapes', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress('compress', { stream, clockMs: clock.clockMs });
    clock.set(3000);
    progress.update(0.5, 'variant \x1b]52;c;aGk=\x07, step 1/2');
    expect(lastLine(stream.text())).toBe(
      'edgesim: compress [##########----------]  50% | ETA -:-- | variant \\x1b]52;c;aGk=\\x07, step 1/2',
    );
  });

  it('writes nothing when stderr is not a terminal', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const progress = terminalProgress('run', { stream, clockMs: clock.clockMs });
    for (let s = 1; s <= 10; s++) {
      clock.set(s * 1000);
      progress.update(s / 10, `step ${s}`);
    }
    progress.stop();
    expect(stream.writes).toBe(0);
  });

  it('writes nothing for work shorter than 2 s, even on a terminal', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress('run', { stream, clockMs: clock.clockMs });
    clock.set(1500);
    progress.update(1);
    progress.stop();
    expect(stream.writes).toBe(0);
  });

  it('never shows a fraction lower than one already shown, nor above 100%', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress('run', { stream, clockMs: clock.clockMs });
    clock.set(3000);
    progress.update(0.6);
    clock.set(4000);
    progress.update(0.4);
    expect(lastLine(stream.text())).toContain(' 60% |');
    clock.set(5000);
    progress.update(1.7);
    expect(lastLine(stream.text())).toContain('[####################] 100% |');
  });

  it('redraws at most every 100 ms', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress('run', { stream, clockMs: clock.clockMs });
    for (let ms = 2000; ms < 3000; ms += 10) {
      clock.set(ms);
      progress.update((ms - 2000) / 1000);
    }
    // 2000, 2100, ..., 2900 ms: ten redraws of a hundred updates.
    expect(stream.writes).toBe(10);
  });

  it('stop leaves the last line with the time taken, and a newline', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress('bench fleet', { stream, clockMs: clock.clockMs });
    clock.set(2500);
    progress.update(0.5);
    clock.set(75_000);
    progress.update(1, 'done');
    progress.stop();
    progress.stop();
    expect(stream.text().endsWith('\n')).toBe(true);
    expect(stream.text().split('\n')).toHaveLength(2);
    expect(lastLine(stream.text().trimEnd())).toBe(
      'edgesim: bench fleet [####################] 100% | took 1:15 | done',
    );
  });
});

describe('TerminalProgress.print', () => {
  it('prints a result line above a shown progress line and redraws the line below it', () => {
    const stream = fakeStream(true);
    const output = fakeStream(true);
    const clock = fakeClock();
    const progress = terminalProgress('bench report', { stream, output, clockMs: clock.clockMs });
    clock.set(3000);
    progress.update(1 / 3, 'render 1 of 3');
    const before = stream.writes;
    progress.print('report: 1000 runs');
    expect(output.text()).toBe('report: 1000 runs\n');
    // One write clears the line (before the result is printed), one redraws it.
    expect(stream.writes).toBe(before + 2);
    expect(stream.text().endsWith('| render 1 of 3\x1b[K')).toBe(true);
  });

  it('only prints when stderr is not a terminal', () => {
    const stream = fakeStream(false);
    const output = fakeStream(false);
    const progress = terminalProgress('bench report', { stream, output });
    progress.update(0.5);
    progress.print('report: 1000 runs');
    expect(output.text()).toBe('report: 1000 runs\n');
    expect(stream.writes).toBe(0);
  });
});

describe('withinProgress', () => {
  it('maps a step of the work onto its share of the whole', () => {
    const parent = recorder();
    // The third of four iterations: 0.5..0.75; halfway through it is 0.625.
    const step = withinProgress(parent, 0.5, 0.75, 'iteration 3 of 4');
    step.update(0.5, 'simulated 0:30:00 of 1:00:00');
    step.update(2);
    step.stop();
    expect(parent.fractions).toEqual([0.625, 0.75]);
    expect(parent.labels).toEqual([
      'iteration 3 of 4: simulated 0:30:00 of 1:00:00',
      'iteration 3 of 4',
    ]);
    expect(parent.stops).toBe(0);
  });

  it('is the no-op reporter when the parent is', () => {
    expect(withinProgress(NO_PROGRESS, 0, 0.5)).toBe(NO_PROGRESS);
  });
});

/** Every table of a run as CSV text. */
function csvOf(tables: RunTables): Record<string, string> {
  return Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, tableToCsv(t)]));
}

/** A scenario file written to a temporary directory. */
function scenarioFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'edgesim-progress-')), 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

describe('progress of benchmarks', () => {
  it('runCases reports each call of each case in order and ends at 100%', async () => {
    const progress = recorder();
    const cases = ['a', 'b'].map((name) => ({ name, unit: 'items', run: () => 1 }));
    await runCases(cases, 3, progress);
    // 2 cases x (3 iterations + 2 warm-up calls) = 10 calls, a tenth each.
    expect(progress.fractions).toHaveLength(10);
    progress.fractions.forEach((fraction, i) => {
      expect(fraction).toBeCloseTo((i + 1) / 10, 12);
    });
    // Warm-up calls of both cases come first; each case is called 5 times.
    expect(progress.labels.filter((l) => l === 'a')).toHaveLength(5);
    expect(progress.labels.filter((l) => l === 'b')).toHaveLength(5);
  });
});

describe('progress of runs', () => {
  // 20 devices x 10 requests/s x 60 s: about 12,000 requests, several slices of 10,000 events.
  const fleet = scenarioFile(
    readFileSync(resolve('test/fixtures/scenarios/small.yaml'), 'utf8')
      .replace('duration: 30 s', 'duration: 60 s')
      .replace('count: 5', 'count: 20')
      .replace('rate: 2/s', 'rate: 10/s'),
  );

  it('a fleet run reports simulated time in order, ends at 100%, and writes the same CSV bytes', async () => {
    const { loaded, prepared } = prepareScenario(fleet);
    const seed = loaded.scenario.seed;
    const progress = recorder();
    const withProgress = await runPrepared(prepared, seed, { progress });
    const without = await runPrepared(prepared, seed);
    expect(progress.fractions.length).toBeGreaterThan(5);
    for (let i = 1; i < progress.fractions.length; i++)
      expect(progress.fractions[i]).toBeGreaterThanOrEqual(progress.fractions[i - 1]!);
    expect(progress.fractions.at(-1)).toBe(1);
    expect(progress.labels).toContain('simulated 1:00/1:00');
    expect(progress.stops).toBe(0); // the caller stops it
    expect(csvOf(withProgress.tables)).toEqual(csvOf(without.tables));
  });

  it('a federated run reports each of its 4 rounds: 1/4, 2/4, 3/4, 4/4', async () => {
    const file = scenarioFile(
      readFileSync(resolve('test/fixtures/federated/small.yaml'), 'utf8').replace(
        'rounds: 4',
        'rounds: 4\n  tier: cost-only',
      ),
    );
    const { loaded, prepared } = prepareScenario(file);
    const progress = recorder();
    const withProgress = await runPrepared(prepared, loaded.scenario.seed, { progress });
    const without = await runPrepared(prepared, loaded.scenario.seed);
    expect(progress.fractions).toEqual([0.25, 0.5, 0.75, 1]);
    expect(progress.labels[3]).toMatch(/^round 4\/4, simulated \d+:\d\d$/);
    expect(csvOf(withProgress.tables)).toEqual(csvOf(without.tables));
  }, 60_000);
});
