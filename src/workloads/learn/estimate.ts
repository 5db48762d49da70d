/**
 * How big a learn run is before it runs (src/run-budget.ts's contract). Each
 * method under each setting simulates the whole fleet once, and every
 * timeline is kept until the tables are written:
 *
 *   events = pairs x devices x (EVENTS_PER_TASK x tasks + the days of charging windows)
 *   memory = LEARN_BASE_BYTES + pairs x devices x (BYTES_PER_LEARN_DEVICE + 8 x tasks)
 *
 * with pairs = methods x settings. A task costs a device a start and an end
 * event, and a restart after each outage (not counted: availability is the
 * fleet's own cost). BYTES_PER_LEARN_DEVICE is the fleet's 1,500 bytes
 * (run-budget.ts's BYTES_PER_DEVICE) plus the timeline's ~30 bytes of
 * per-device arrays; 8 x tasks is each device's finish time per task.
 * LEARN_BASE_BYTES allows for the 10,000 digits, their task copies and the
 * models (as FEDERATED_BASE_BYTES does; an allowance, not measured apart).
 * A CSV stream's task count is unknown before it is read: 10 is assumed.
 */
import type { ResolvedLearn } from './resolve.js';

export const EVENTS_PER_TASK = 2;
export const BYTES_PER_LEARN_DEVICE = 1600;
export const LEARN_BASE_BYTES = 150e6;
const CSV_TASKS_ASSUMED = 10;

/** The estimate of a learn run: the same fields as run-budget.ts's RunEstimate. */
export function estimateLearn(resolved: ResolvedLearn): {
  events: number;
  memoryBytes: number;
  explanation: string;
  path: string;
} {
  const section = resolved.scenario.learn;
  const spec = section.tasks;
  const tasks =
    spec.kind === 'split-mnist'
      ? (spec.groups?.length ?? 5)
      : spec.kind === 'permuted-mnist'
        ? spec.tasks
        : spec.kind === 'rotated-mnist'
          ? spec.angles.length
          : CSV_TASKS_ASSUMED;
  const devices = resolved.groups.reduce((n, g) => n + g.spec.count, 0);
  const pairs = resolved.methods.length * section.settings.length;
  const days = Math.ceil((tasks * section.every + section.horizon) / 86_400);
  const windows = section.when === 'charging' ? days : 0;
  return {
    events: pairs * devices * (EVENTS_PER_TASK * tasks + windows),
    memoryBytes: LEARN_BASE_BYTES + pairs * devices * (BYTES_PER_LEARN_DEVICE + 8 * tasks),
    explanation: `${devices.toLocaleString('en-US')} devices learning ${tasks} tasks with ${pairs} method-setting pairs`,
    path: 'fleet',
  };
}
