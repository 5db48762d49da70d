import type { Table, TableValue } from '../../results/table.js';
import { DeviceState, type RolloutEngine } from '../rollout-engine.js';
import { COVERAGE_MARKS, GATE_NAMES, waveTable } from '../rollout-wave-log.js';
import type { ResolvedRollout } from './resolve.js';

/** Devices on each version at each grid time (versions.csv). */
export interface VersionSamples {
  readonly timeS: number[];
  readonly from: number[];
  readonly to: number[];
}

export const VERSION_COLUMNS = ['time_s', 'version', 'model', 'devices', 'fraction'] as const;

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * The tables of a rollout run:
 * - `rollout.csv`: one row per wave: its cumulative share of the fleet, its
 *   devices and those blocked (metered), its start, the last install of the
 *   new version in it (`end_s`), its gate (time, devices on the new version
 *   then and how many of them had failed on it, their share, the outcome:
 *   passed, paused, rolled back, pending or not started), its devices on the
 *   new version at the end, and the bytes its devices moved;
 * - `versions.csv`: devices and share of the fleet on each version (`from`,
 *   `to`) every `sampleEvery`;
 * - `summary.csv`: one row: sizes (images, the update each device
 *   downloads, the delta's ratio), devices updated, first times at 50%, 90%
 *   and 100% coverage, bytes in all and per device, energy (radio, install),
 *   failures per version, the gate's stop, and devices that never
 *   downloaded the new version by reason (metered network, never targeted,
 *   cancelled by the gate, unfinished at the end).
 */
export function rolloutTables(
  resolved: ResolvedRollout,
  engine: RolloutEngine,
  samples: VersionSamples,
  radioEnergyJ: number,
): Record<string, Table> {
  const count = engine.state.length;
  const log = engine.log;
  const waves = log.fractions.length;
  const never = { metered: 0, notTargeted: 0, cancelled: 0, unfinished: 0 };
  for (let d = 0; d < count; d++) {
    if (engine.downloadedTo[d] === 1) continue;
    const state = engine.state[d];
    if (state === DeviceState.blocked) never.metered++;
    else if (state === DeviceState.idle) never.notTargeted++;
    else if (state === DeviceState.cancelled) never.cancelled++;
    else never.unfinished++;
  }
  const [from, to] = resolved.versions;
  const versionRows: TableValue[][] = samples.timeS.flatMap((t, i) => [
    [t, 'from', from.name, samples.from[i]!, count === 0 ? 0 : samples.from[i]! / count],
    [t, 'to', to.name, samples.to[i]!, count === 0 ? 0 : samples.to[i]! / count],
  ]);
  const stopWave = log.fractions.findIndex((_, k) => log.outcome[k]! >= 3);
  const installEnergyJ = engine.installEnergyJ;
  const summary: Record<string, TableValue> = {
    scenario: resolved.scenario.name,
    devices: count,
    update: resolved.scenario.rollout.update,
    from_model: from.name,
    to_model: to.name,
    from_image_bytes: from.imageBytes,
    to_image_bytes: to.imageBytes,
    update_bytes: resolved.downloadBytes[1],
    rollback_bytes: resolved.downloadBytes[0],
    delta_ratio: resolved.deltaRatio,
    waves,
    updated: engine.running[1],
    updated_fraction: count === 0 ? 0 : engine.running[1] / count,
    ...Object.fromEntries(
      COVERAGE_MARKS.map((mark, i) => [`time_to_${mark * 100}pct_s`, orNull(log.coverageS[i]!)]),
    ),
    bytes_total: engine.bytesMoved,
    bytes_per_device: count === 0 ? 0 : engine.bytesMoved / count,
    interrupted_downloads: engine.interrupted,
    energy_radio_j: radioEnergyJ,
    energy_install_j: installEnergyJ,
    energy_j: radioEnergyJ + installEnergyJ,
    failures_from: engine.failures[0],
    failures_to: engine.failures[1],
    stopped_at_wave: stopWave < 0 ? null : stopWave + 1,
    gate_action: stopWave < 0 ? 'none' : GATE_NAMES[log.outcome[stopWave]!]!,
    never_downloaded_metered: never.metered,
    never_downloaded_not_targeted: never.notTargeted,
    never_downloaded_cancelled: never.cancelled,
    never_downloaded_unfinished: never.unfinished,
  };
  return {
    summary: { columns: Object.keys(summary), rows: [Object.values(summary)] },
    rollout: waveTable(log, engine.waveOf, engine.version),
    versions: { columns: VERSION_COLUMNS, rows: versionRows },
  };
}
