import { RandomStreams } from '../../engine/random.js';
import { Priority, Simulation } from '../../engine/simulation.js';
import { Fleet } from '../../fleet/fleet.js';
import { buildCells } from '../../network/cells.js';
import { Transfers } from '../../network/transfer.js';
import { formatClock, NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { Table } from '../../results/table.js';
import {
  rolloutOptions as engineOptions,
  RolloutEngine,
  type RolloutOptions,
} from '../rollout-engine.js';
import type { ResolvedRollout } from './resolve.js';
import { rolloutTables, type VersionSamples } from './tables.js';

/**
 * Runs a rollout scenario: its fleet (availability, failures, batteries),
 * cells and transfers as every fleet workload has them, and a
 * {@link RolloutEngine} taking the devices from `from` to `to`; the version
 * each device runs is sampled every `sampleEvery`. Returns `rollout.csv`,
 * `versions.csv` and `summary.csv` (tables.ts). A pure function of
 * (resolved scenario, seed); `progress` hears of the simulated time.
 */
export function runRollout(
  resolved: ResolvedRollout,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
): Record<string, Table> {
  const { scenario } = resolved;
  const horizonS = scenario.duration;
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const fleet = new Fleet(sim, streams, resolved.groups, {
    baseDir: resolved.baseDir,
    radio: resolved.radio,
  });
  const { cells, cellOf } = buildCells(
    sim,
    { cells: resolved.cells, fleet: scenario.fleet },
    { baseDir: resolved.baseDir, scenarioFile: resolved.file },
  );
  const transfers = new Transfers(sim, fleet, cells, cellOf);
  // Updates are the capped class of each downlink (here its only traffic).
  const cap = scenario.rollout.cellCap;
  if (cap !== undefined) for (const cell of cells) cell.downlink.setClassCap(cap);
  const engine = new RolloutEngine(
    sim,
    fleet,
    transfers,
    cells,
    cellOf,
    streams,
    rolloutOptions(resolved),
  );
  fleet.listen(engine);
  engine.start();
  const samples = sampleVersions(sim, engine, scenario.rollout.sampleEvery, horizonS, progress);
  sim.run({ untilS: horizonS });
  fleet.finish();
  return rolloutTables(resolved, engine, samples, radioEnergyJ(fleet, engine, sim.now));
}

/** The engine's options from a resolved scenario: per-group and per-version numbers. */
export function rolloutOptions(resolved: ResolvedRollout): RolloutOptions {
  const { scenario, groups, versions } = resolved;
  return engineOptions({
    plan: scenario.rollout,
    groups,
    imageBytes: [versions[0].imageBytes, versions[1].imageBytes],
    downloadBytes: resolved.downloadBytes,
    // No requests here: per-inference failures come at the group's inference rate.
    hazardPerS: (v, g) =>
      versions[v].hazardPerS + groups[g]!.spec.inferenceRate * versions[v].perInference,
    horizonS: scenario.duration,
    cappedDownloads: scenario.rollout.cellCap !== undefined,
  });
}

/** Counts the devices on each version at 0, step, 2 step, ... up to the horizon. */
function sampleVersions(
  sim: Simulation,
  engine: RolloutEngine,
  stepS: number,
  horizonS: number,
  progress: ProgressReporter,
): VersionSamples {
  const samples: VersionSamples = { timeS: [], from: [], to: [] };
  let k = 0;
  const sample = (): void => {
    samples.timeS.push(sim.now);
    samples.from.push(engine.running[0]);
    samples.to.push(engine.running[1]);
    progress.update(sim.now / horizonS, `simulated ${formatClock(sim.now)}`);
    k++;
    if (k * stepS <= horizonS) sim.scheduleAt(k * stepS, sample, Priority.late);
  };
  sim.scheduleAt(0, sample, Priority.late);
  return samples;
}

/** Radio energy the rollout's transfers cost (promotion, transfer and tail; idle left out), J. */
function radioEnergyJ(fleet: Fleet, engine: RolloutEngine, nowS: number): number {
  let joules = 0;
  for (let d = 0; d < fleet.count; d++) {
    if (engine.touched[d] === 0) continue;
    const e = fleet.radio(d).energy(nowS);
    joules += e.promotionJ + e.transferJ + e.tailJ;
  }
  return joules;
}
