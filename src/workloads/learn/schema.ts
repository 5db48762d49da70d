/**
 * The `learn` section of a scenario: a stream of tasks arriving at devices
 * over simulated time, the model they start from, how each device trains,
 * and the continual-learning methods and settings compared on it. Every
 * method runs under every setting on the same stream from the same start;
 * each becomes a block of matrix.csv and tasks.csv and a few summary columns.
 */
import { z } from 'zod';
import { modelSpec, optimizer } from '../../ml/spec.js';
import {
  MAX_BATCH_SIZE,
  MAX_DURATION_S,
  MAX_EPOCHS,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_VARIANTS,
} from '../../scenario/limits.js';
import { quantity } from '../../scenario/units.js';

/** A stream has at most this many tasks (each is trained and scored against every other). */
export const MAX_TASKS = 100;

const testFraction = quantity(
  'fraction',
  { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  "Held-out share of each task's classes",
).default(0.2);

const column = z.union([z.string().min(1).max(MAX_NAME_LENGTH), z.number().int().min(0)]);

/** Where the tasks come from: the 10,000 MNIST digits cut or transformed into tasks, or the user's CSV. */
const taskStream = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z
      .literal('split-mnist')
      .describe('Tasks by digit groups (default {0,1}, {2,3}, ..., {8,9})'),
    groups: z
      .array(z.array(z.number().int().min(0).max(9)).min(1).max(10))
      .min(2)
      .max(10)
      .optional()
      .describe('The digits of each task, disjoint, covering 0-9'),
    testFraction,
  }),
  z.strictObject({
    kind: z
      .literal('permuted-mnist')
      .describe('Every digit in every task, under a per-task pixel permutation'),
    tasks: z.number().int().min(2).max(MAX_TASKS).default(5),
    testFraction,
  }),
  z.strictObject({
    kind: z
      .literal('rotated-mnist')
      .describe('Every digit in every task, rotated by a per-task angle'),
    angles: z
      .array(z.number().min(-360).max(360))
      .min(2)
      .max(MAX_TASKS)
      .default([0, 45, 90, 135, 180])
      .describe('Degrees counter-clockwise, one per task'),
    testFraction,
  }),
  z.strictObject({
    kind: z.literal('csv').describe('Your CSV: numeric features, a label column and a task column'),
    file: z.string().min(1).max(MAX_TEXT_LENGTH).describe('Path relative to the scenario file'),
    taskColumn: column.describe('Header name or 0-based index of the task column'),
    labelColumn: column.optional().describe('Default: the last column'),
    testFraction,
  }),
]);

const methodName = z
  .string()
  .max(MAX_NAME_LENGTH)
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    'must start with a letter and use only letters, digits, _ . -',
  )
  .optional()
  .describe('Names the method in results (default: the method)');

/** The methods, each with its options; `name` tells two of a kind apart. */
const methodObject = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('finetune').describe('Naive fine-tuning on each new task'),
    name: methodName,
    layers: z.enum(['all', 'last']).default('all').describe('Train every layer, or the last only'),
  }),
  z.strictObject({
    method: z.literal('ewc').describe('Elastic Weight Consolidation (Kirkpatrick et al., 2017)'),
    name: methodName,
    lambda: z.number().min(0).max(1e12).default(5000).describe('Penalty strength, >= 0'),
    gamma: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'Online EWC: decay of earlier Fishers (Schwarz et al., 2018); default: one penalty per task',
      ),
  }),
  z.strictObject({
    method: z.literal('lwf').describe('Learning without Forgetting (Li and Hoiem, 2016)'),
    name: methodName,
    temperature: z.number().positive().max(1000).default(2),
    alpha: quantity('fraction', { min: 0, max: 1 }, 'Weight of the distillation term').default(0.5),
  }),
  z.strictObject({
    method: z.literal('replay').describe('Experience replay from a reservoir buffer'),
    name: methodName,
    buffer: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(200)
      .describe('Samples the buffer holds'),
  }),
  z.strictObject({
    method: z.literal('joint').describe('Upper bound: train on every task seen so far'),
    name: methodName,
  }),
]);

/** A method as written: its name alone (its defaults), or an object with options. */
const methodSpec = z.preprocess(
  (raw) => (typeof raw === 'string' ? { method: raw } : raw),
  methodObject,
);

export type LearnMethod = z.output<typeof methodObject> & { name: string };
export type MethodKind = LearnMethod['method'];
export type TaskStreamSpec = z.output<typeof taskStream>;

const local = z
  .strictObject({
    optimizer: optimizer.default('sgd'),
    learningRate: z.number().positive().default(0.05),
    momentum: z.number().min(0).lt(1).optional().describe('Momentum of optimizer momentum'),
    epochs: z.number().int().min(1).max(MAX_EPOCHS).default(1),
    batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(10),
  })
  .default({ optimizer: 'sgd', learningRate: 0.05, epochs: 1, batchSize: 10 });

const duration = (text: string) =>
  quantity('duration', { min: 0, exclusiveMin: true, max: MAX_DURATION_S }, text);

export const learnSection = z.strictObject({
  tasks: z
    .preprocess((raw) => (typeof raw === 'string' ? { kind: raw } : raw), taskStream)
    .describe('The task stream: split-mnist, permuted-mnist, rotated-mnist, or a csv'),
  model: modelSpec.describe('The starting model: a zoo model (seeded) or a TF.js model on disk'),
  base: z
    .boolean()
    .default(false)
    .describe(
      'Learn the first task before deployment (not charged to devices); devices get the rest',
    ),
  settings: z
    .array(z.enum(['task-incremental', 'domain-incremental', 'class-incremental']))
    .min(1)
    .max(3)
    .default(['task-incremental', 'domain-incremental', 'class-incremental'])
    .describe('Continual-learning settings (van de Ven and Tolias, 2019)'),
  methods: z.array(methodSpec).min(1).max(MAX_VARIANTS),
  local,
  every: duration('A new task arrives this often (the first at time 0)').default(3600),
  when: z
    .enum(['arrival', 'charging'])
    .default('arrival')
    .describe(
      "arrival: learn as soon as a task arrives; charging: only once the group's charging window is open",
    ),
  horizon: duration('The run ends this long after the last task arrives').default(86_400),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('wasm'),
});

export type LearnSection = z.output<typeof learnSection>;

/** The methods with their names filled in (the method itself when not given). */
export function namedMethods(section: Pick<LearnSection, 'methods'>): LearnMethod[] {
  return section.methods.map((m) => ({ ...m, name: m.name ?? m.method }));
}
