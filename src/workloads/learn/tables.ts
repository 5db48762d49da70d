/**
 * The tables of a learn run:
 * - `matrix.csv`: the accuracy matrix of every method under every setting,
 *   one row per (after_task, task): held-out accuracy on `task` after
 *   learning `after_task`;
 * - `tasks.csv`: one row per method, setting and task: what learning it took
 *   (samples per epoch, optimizer steps, device FLOPs, peak memory by part,
 *   the last epoch's loss), the accuracy on it right after and the average
 *   over the tasks seen so far, and on each group's profile the compute time
 *   and energy of a nominal device (throughput factor 1: FLOPs / fp32 rate,
 *   x active power) and how many devices had learned it by the end;
 * - `groups.csv`: one row per method, setting and group: memory needed
 *   against the profile's, the share of device-tasks learned by the end, per
 *   device the compute time and the energy (compute, idle, radio), restarts,
 *   and devices whose battery ran empty;
 * - `summary.csv`: one row: the stream, and per method and setting (columns
 *   `<method>_<task|domain|class>_...`) average accuracy, forgetting,
 *   backward and forward transfer, learning energy per device and the share
 *   of device-tasks learned.
 */

import type { FleetGroup } from '../../fleet/fleet.js';
import type { ContinualSetting } from '../../ml/continual/heads.js';
import type { TaskStream } from '../../ml/continual/tasks.js';
import type { Table, TableValue } from '../../results/table.js';
import type { Learning } from './learner.js';
import { memoryTotal } from './memory.js';
import { continualMetrics } from './metrics.js';
import { type Timeline, trainingRates } from './timeline.js';

/** One method under one setting: what it learned and what the devices spent. */
export interface LearnOutcome {
  readonly learning: Learning;
  readonly timeline: Timeline;
  /** Peak memory over the stream, bytes. */
  readonly peakMemoryBytes: number;
}

/** Short setting names for summary columns. */
export const SETTING_SHORT: Readonly<Record<ContinualSetting, string>> = {
  'task-incremental': 'task',
  'domain-incremental': 'domain',
  'class-incremental': 'class',
};

const orNull = (x: number | undefined): number | null =>
  x === undefined || Number.isNaN(x) ? null : x;

export function learnTables(
  stream: TaskStream,
  groups: readonly FleetGroup[],
  outcomes: readonly LearnOutcome[],
): Record<string, Table> {
  return {
    matrix: matrixTable(outcomes),
    tasks: tasksTable(stream, groups, outcomes),
    groups: groupsTable(groups, outcomes),
    summary: summaryTable(stream, outcomes),
  };
}

function matrixTable(outcomes: readonly LearnOutcome[]): Table {
  const rows: TableValue[][] = [];
  for (const { learning } of outcomes)
    learning.matrix.forEach((row, i) => {
      row.forEach((accuracy, j) => {
        rows.push([learning.method.name, learning.setting, i, j, accuracy]);
      });
    });
  return { columns: ['method', 'setting', 'after_task', 'task', 'accuracy'], rows };
}

function tasksTable(
  stream: TaskStream,
  groups: readonly FleetGroup[],
  outcomes: readonly LearnOutcome[],
): Table {
  const rates = trainingRates(groups);
  const columns = [
    'method',
    'setting',
    'task',
    'name',
    'on_device',
    'samples',
    'steps',
    'flops',
    'memory_bytes',
    'loss',
    'accuracy',
    'average_accuracy',
    ...groups.flatMap((g) => [
      `${g.spec.name}_compute_s`,
      `${g.spec.name}_energy_j`,
      `${g.spec.name}_learned`,
    ]),
  ];
  const rows: TableValue[][] = [];
  for (const { learning, timeline } of outcomes)
    learning.tasks.forEach((task, t) => {
      const row = learning.matrix[t]!;
      const perGroup = groups.flatMap((g, k) => {
        if (!task.onDevice) return [null, null, null];
        const seconds = task.flops / rates[k]!;
        const done = timeline.doneAtS[t]!;
        let learned = 0;
        for (let i = 0; i < g.spec.count; i++) if (!Number.isNaN(done[g.first + i]!)) learned++;
        return [seconds, seconds * g.profile.activeW, learned];
      });
      rows.push([
        learning.method.name,
        learning.setting,
        t,
        stream.tasks[t]!.name,
        task.onDevice,
        task.samples,
        task.steps,
        task.flops,
        memoryTotal(task.memory),
        orNull(task.loss),
        row[t]!,
        mean(row.slice(0, t + 1)),
        ...perGroup,
      ]);
    });
  return { columns, rows };
}

function groupsTable(groups: readonly FleetGroup[], outcomes: readonly LearnOutcome[]): Table {
  const columns = [
    'method',
    'setting',
    'group',
    'profile',
    'devices',
    'memory_bytes',
    'memory_capacity_bytes',
    'learned_fraction',
    'compute_s',
    'compute_j',
    'idle_j',
    'radio_j',
    'energy_j',
    'restarts',
    'battery_empty_devices',
  ];
  const rows: TableValue[][] = [];
  for (const { learning, timeline, peakMemoryBytes } of outcomes) {
    const { fleet } = timeline;
    const onDevice = learning.tasks.flatMap((task, t) => (task.onDevice ? [t] : []));
    for (const g of groups) {
      const n = g.spec.count;
      let learned = 0;
      const sum = { busy: 0, compute: 0, idle: 0, radio: 0, restarts: 0, empty: 0 };
      for (let i = 0; i < n; i++) {
        const d = g.first + i;
        for (const t of onDevice) if (!Number.isNaN(timeline.doneAtS[t]![d]!)) learned++;
        sum.busy += fleet.energy.busyS[d]!;
        sum.compute += fleet.energy.computeJ[d]!;
        sum.idle += fleet.energy.idleJ[d]!;
        sum.radio += fleet.radioEnergyJ(d);
        sum.restarts += timeline.restarts[d]!;
        if (fleet.batteryEmptyCount[d]! > 0) sum.empty++;
      }
      const per = (x: number) => (n === 0 ? null : x / n);
      rows.push([
        learning.method.name,
        learning.setting,
        g.spec.name,
        g.profile.name,
        n,
        peakMemoryBytes,
        g.profile.memoryBytes,
        n * onDevice.length === 0 ? null : learned / (n * onDevice.length),
        per(sum.busy),
        per(sum.compute),
        per(sum.idle),
        per(sum.radio),
        per(sum.compute + sum.idle + sum.radio),
        sum.restarts,
        sum.empty,
      ]);
    }
  }
  return { columns, rows };
}

function summaryTable(stream: TaskStream, outcomes: readonly LearnOutcome[]): Table {
  const summary: Record<string, TableValue> = {
    stream: stream.name,
    tasks: stream.tasks.length,
    devices: outcomes[0]?.timeline.fleet.count ?? 0,
  };
  for (const { learning, timeline } of outcomes) {
    const key = `${learning.method.name}_${SETTING_SHORT[learning.setting]}`;
    const complete = learning.failure === null;
    const metrics = complete ? continualMetrics(learning.matrix, learning.baseline) : undefined;
    summary[`${key}_acc`] = orNull(metrics?.averageAccuracy);
    summary[`${key}_forgetting`] = orNull(metrics?.forgetting);
    summary[`${key}_bwt`] = orNull(metrics?.backwardTransfer);
    summary[`${key}_fwt`] = orNull(metrics?.forwardTransfer);
    const { fleet } = timeline;
    let computeJ = 0;
    for (let d = 0; d < fleet.count; d++) computeJ += fleet.energy.computeJ[d]!;
    summary[`${key}_energy_j`] = fleet.count === 0 ? null : computeJ / fleet.count;
    summary[`${key}_learned`] = learnedShare(learning, timeline);
    if (!complete) summary[`${key}_failure`] = learning.failure;
  }
  return { columns: Object.keys(summary), rows: [Object.values(summary)] };
}

/** Share of (device, on-device task) pairs learned by the end. */
function learnedShare(learning: Learning, timeline: Timeline): number | null {
  let pairs = 0;
  let learned = 0;
  learning.tasks.forEach((task, t) => {
    if (!task.onDevice) return;
    for (const at of timeline.doneAtS[t]!) {
      pairs++;
      if (!Number.isNaN(at)) learned++;
    }
  });
  return pairs === 0 ? null : learned / pairs;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
