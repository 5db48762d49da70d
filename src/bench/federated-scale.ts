import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { prepareScenario, runPrepared } from '../index.js';
import { NO_PROGRESS, type ProgressReporter } from '../progress.js';
import { PACKAGE_ROOT } from '../version.js';

/**
 * A scenario of scenarios/ run once in this process: wall time of the run
 * alone (scenario loading and validation excluded), its summary's numeric
 * cells by column, and the process's peak RSS.
 */
export async function timedScenarioRun(
  file: string,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<{ wallS: number; cell: (column: string) => number; peakRssBytes: number }> {
  const { loaded, prepared } = prepareScenario(join(PACKAGE_ROOT, 'scenarios', file));
  const started = performance.now(); // wall: benchmark only
  const { tables } = await runPrepared(prepared, loaded.scenario.seed, { progress });
  const wallS = (performance.now() - started) / 1000; // wall: benchmark only
  const summary = tables.summary!;
  const cell = (name: string) => summary.rows[0]![summary.columns.indexOf(name)] as number;
  return { wallS, cell, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** A federated scenario run once in this process: {@link timedScenarioRun} with its rounds and participations. */
export async function federatedRun(
  file: string,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<{ wallS: number; rounds: number; participations: number; peakRssBytes: number }> {
  const { wallS, cell, peakRssBytes } = await timedScenarioRun(file, progress);
  return { wallS, rounds: cell('rounds'), participations: cell('participations'), peakRssBytes };
}

export type FederatedRun = Awaited<ReturnType<typeof federatedRun>>;

/**
 * {@link federatedRun} in a fresh Node process, so that each run loads
 * TensorFlow.js, its backend and its data set itself (a second run in one
 * process would find them loaded by the first).
 */
export function federatedRunInChild(file: string): FederatedRun {
  const child = join(PACKAGE_ROOT, 'dist', 'bench', 'federated-child.js');
  return JSON.parse(
    execFileSync(process.execPath, [child, file], { encoding: 'utf8' }),
  ) as FederatedRun;
}
