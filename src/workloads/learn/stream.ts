/**
 * The task stream a scenario names, built from its data: split, permuted or
 * rotated MNIST (the 10,000 digits of the mnist package) or the user's CSV.
 * Splits and permutations are seeded by the run's seed.
 */
import { resolve } from 'node:path';
import { csvTasks } from '../../ml/continual/csv-tasks.js';
import { splitMnist, splitTasks, type TaskStream } from '../../ml/continual/tasks.js';
import { permutedMnist, rotatedMnist } from '../../ml/continual/transforms.js';
import { loadMnist } from '../../ml/data/mnist.js';
import type { TaskStreamSpec } from './schema.js';

/** The stream of `spec` (paths relative to `baseDir`); a CSV's problems throw an InputError naming the file. */
export function taskStream(spec: TaskStreamSpec, baseDir: string, seed: number): TaskStream {
  const split = { testFraction: spec.testFraction, seed };
  switch (spec.kind) {
    case 'split-mnist': {
      if (spec.groups === undefined) return splitMnist(loadMnist(), split);
      const stream = splitTasks(loadMnist(), spec.groups, split, 'split-mnist');
      const tasks = stream.tasks.map((t) => ({ ...t, name: `digits ${t.classes.join(',')}` }));
      return { ...stream, tasks };
    }
    case 'permuted-mnist':
      return permutedMnist(loadMnist(), { ...split, tasks: spec.tasks });
    case 'rotated-mnist':
      return rotatedMnist(loadMnist(), { ...split, anglesDeg: spec.angles });
    case 'csv': {
      const stream = csvTasks(resolve(baseDir, spec.file), {
        ...split,
        taskColumn: spec.taskColumn,
        ...(spec.labelColumn === undefined ? {} : { labelColumn: spec.labelColumn }),
      });
      // Named as the scenario names the file, so results do not depend on the checkout's path.
      return { ...stream, name: spec.file };
    }
  }
}
