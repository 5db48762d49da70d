/**
 * The three continual-learning settings of van de Ven and Tolias, "Three
 * scenarios for continual learning" (arXiv:1904.07734, 2019, Section 2 and
 * Table 1), as label mappings and output units; their code is followed
 * where the paper leaves a choice (github.com/GMvandeVen/continual-learning
 * at commit ff0e03cb913ac0dea4fc59058968b1e6784decfd: data.py lines 152-215,
 * train.py lines 83-90, main.py lines 427 and 439).
 *
 * With task t holding classes C_t (ascending; class k of the task is C_t[k])
 * and offset_t = |C_0| + ... + |C_{t-1}|:
 *
 * - `task-incremental` (multi-head): one head per task, units offset_t + k;
 *   the task trains and is scored on its own units only (argmax over them).
 * - `domain-incremental` (one head, labels mapped within the task): unit k,
 *   the class's place in its task (split MNIST: parity, data.py `y - x`);
 *   max_t |C_t| units, all trained and scored.
 * - `class-incremental` (one head over all classes seen): the loss covers
 *   the units of every class seen so far (train.py line 90), the score the
 *   argmax over all units (main.py line 427 passes no restriction). Units:
 *   with class identity `dataset` (split tasks, CSV) a class is one unit
 *   wherever it appears, numbered by first appearance (split MNIST: the
 *   digit itself, 2(t+1) units after task t); with `task` (permuted and
 *   rotated digits) each task's classes are new units offset_t + k, as the
 *   paper's permuted MNIST (data.py `y + task_id * classes_per_task`).
 */
import type { Dataset } from '../data/dataset.js';

/** The three settings. */
export type ContinualSetting = 'task-incremental' | 'domain-incremental' | 'class-incremental';

export const CONTINUAL_SETTINGS: readonly ContinualSetting[] = [
  'task-incremental',
  'domain-incremental',
  'class-incremental',
];

/** Whether a class is the same class in every task (`dataset`) or a new one in each (`task`). */
export type ClassIdentity = 'dataset' | 'task';

/** What a task trains and is scored on under one setting. */
export interface TaskHead {
  /** Output units the model needs for the whole stream under this setting. */
  readonly outputUnits: number;
  /** Output unit of each dataset class the task holds. */
  readonly unitOf: ReadonlyMap<number, number>;
  /** Units whose logits the training loss covers while learning this task, ascending. */
  readonly trainUnits: readonly number[];
  /** Units the prediction is the argmax over when scoring this task, ascending. */
  readonly scoreUnits: readonly number[];
}

/** A task's head under each setting. */
export type TaskHeads = Readonly<Record<ContinualSetting, TaskHead>>;

/** The heads of every task, given each task's classes (ascending) in stream order. */
export function headsOf(
  classes: readonly (readonly number[])[],
  identity: ClassIdentity,
): TaskHeads[] {
  const offsets: number[] = [];
  let total = 0;
  for (const c of classes) {
    offsets.push(total);
    total += c.length;
  }
  const domainUnits = Math.max(...classes.map((c) => c.length));
  const firstSeen = firstAppearance(classes);
  const classUnits = identity === 'dataset' ? firstSeen.size : total;
  let seen = 0;
  return classes.map((own, t) => {
    const offset = offsets[t]!;
    const taskUnits = own.map((_, k) => offset + k);
    const classUnitOf = (c: number, k: number) =>
      identity === 'dataset' ? firstSeen.get(c)! : offset + k;
    seen =
      identity === 'dataset'
        ? Math.max(seen, ...own.map((c) => firstSeen.get(c)! + 1))
        : offset + own.length;
    return {
      'task-incremental': {
        outputUnits: total,
        unitOf: new Map(own.map((c, k) => [c, offset + k])),
        trainUnits: taskUnits,
        scoreUnits: taskUnits,
      },
      'domain-incremental': {
        outputUnits: domainUnits,
        unitOf: new Map(own.map((c, k) => [c, k])),
        trainUnits: range(domainUnits),
        scoreUnits: range(domainUnits),
      },
      'class-incremental': {
        outputUnits: classUnits,
        unitOf: new Map(own.map((c, k) => [c, classUnitOf(c, k)])),
        trainUnits: range(seen),
        scoreUnits: range(classUnits),
      },
    };
  });
}

/**
 * The dataset with its labels replaced by the head's units and `numClasses`
 * set to the head's `outputUnits`: what a model of that head trains on.
 *
 * @throws RangeError for a sample whose class the head does not map.
 */
export function mapLabels(dataset: Dataset, head: TaskHead): Dataset {
  const labels = dataset.labels.map((label, i) => {
    const unit = head.unitOf.get(label);
    if (unit === undefined) {
      throw new RangeError(
        `labels[${i}](=${label}) is not a class of this task (${[...head.unitOf.keys()].join(', ')})`,
      );
    }
    return unit;
  });
  return { ...dataset, labels, numClasses: head.outputUnits };
}

/** Each dataset class's unit under class identity `dataset`: its rank of first appearance. */
function firstAppearance(classes: readonly (readonly number[])[]): Map<number, number> {
  const units = new Map<number, number>();
  for (const own of classes) for (const c of own) if (!units.has(c)) units.set(c, units.size);
  return units;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
