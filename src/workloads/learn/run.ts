/**
 * Runs a learn scenario: builds the task stream and the starting model of
 * each setting, checks every method's memory against every profile, learns
 * the stream with every method under every setting for real (learner.ts),
 * then simulates the fleet spending the time and energy each method's tasks
 * take (timeline.ts). A pure function of (scenario, seed) and the backend.
 */
import { resolve } from 'node:path';
import { radioModels } from '../../energy/radio.js';
import { InputError, type InputProblem } from '../../errors.js';
import type { ContinualSetting } from '../../ml/continual/heads.js';
import { scoreTask } from '../../ml/continual/score.js';
import type { TaskStream } from '../../ml/continual/tasks.js';
import { checkModelFits, handleOf, type ModelHandle } from '../../ml/models/handle.js';
import { loadModelFromDisk } from '../../ml/models/load.js';
import { buildModel } from '../../ml/models/zoo.js';
import { initBackend } from '../../ml/runtime.js';
import { NO_PROGRESS, type ProgressReporter } from '../../progress.js';
import type { RunResult } from '../../vocabulary/run-result.js';
import { learnBase, learnStream, modelShape, type SettingStart } from './learner.js';
import { type ModelShape, memoryTotal, peakMemory } from './memory.js';
import type { ResolvedLearn } from './resolve.js';
import { taskStream } from './stream.js';
import { type LearnOutcome, learnTables } from './tables.js';
import { simulateLearning } from './timeline.js';

export async function runLearn(
  resolved: ResolvedLearn,
  seed: number,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<RunResult> {
  const section = resolved.scenario.learn;
  const backend = await initBackend(section.backend);
  const stream = buildStream(resolved, seed);
  const settings = section.settings as ContinualSetting[];
  const starts = new Map<ContinualSetting, { start: SettingStart; shape: ModelShape }>();
  for (const setting of settings)
    starts.set(setting, await startOf(resolved, stream, setting, seed));
  checkMemory(
    resolved,
    stream,
    [...starts.values()].map((s) => s.shape),
  );
  const outcomes: LearnOutcome[] = [];
  const total = settings.length * resolved.methods.length;
  try {
    for (const setting of settings) {
      const { start, shape } = starts.get(setting)!;
      const inputs = { stream, shape, local: section.local, seed };
      const based = section.base ? learnBase(inputs, start) : undefined;
      const from = based === undefined ? start : { ...start, based };
      for (const method of resolved.methods) {
        progress.update(outcomes.length / total, `${method.name}, ${setting}`);
        const learning = learnStream(inputs, from, method);
        const timeline = simulateLearning({
          groups: resolved.groups,
          baseDir: resolved.baseDir,
          radio: radioModels(resolved.scenario.radio),
          seed,
          flops: learning.tasks.map((t) => (t.onDevice ? t.flops : null)),
          everyS: section.every,
          when: section.when,
          horizonS: section.horizon,
        });
        const peak = Math.max(...learning.tasks.map((t) => memoryTotal(t.memory)));
        outcomes.push({ learning, timeline, peakMemoryBytes: peak });
      }
      based?.model.dispose();
    }
  } finally {
    for (const { start } of starts.values()) start.initial.model.dispose();
  }
  progress.update(1, 'done');
  return { tables: learnTables(stream, resolved.groups, outcomes), backend };
}

/** The stream, with a stream the data cannot make (a task with no test sample) as an InputError. */
function buildStream(resolved: ResolvedLearn, seed: number): TaskStream {
  try {
    return taskStream(resolved.scenario.learn.tasks, resolved.baseDir, seed);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(resolved.file, [{ path: 'learn.tasks', message: error.message }]);
  }
}

/** The untrained model of a setting (seeded zoo model, or the file), its baseline and shape. */
async function startOf(
  resolved: ResolvedLearn,
  stream: TaskStream,
  setting: ContinualSetting,
  seed: number,
): Promise<{ start: SettingStart; shape: ModelShape }> {
  const spec = resolved.scenario.learn.model;
  const first = stream.tasks[0]!;
  const units = first.heads[setting].outputUnits;
  const sampleShape = first.train.sampleShape;
  let initial: ModelHandle;
  if ('zoo' in spec) {
    initial = handleOf(buildModel(spec.zoo, { inputShape: sampleShape, numClasses: units, seed }));
  } else {
    initial = await loadModelFromDisk(resolve(resolved.baseDir, spec.file));
    try {
      checkModelFits(initial, { name: stream.name, sampleShape, numClasses: units });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new InputError(resolved.file, [
        {
          path: 'learn.model.file',
          message: `${error.message} (setting ${setting})`,
          value: spec.file,
        },
      ]);
    }
  }
  const baseline = stream.tasks.map((task) => scoreTask(initial, task, setting));
  return { start: { setting, initial, baseline }, shape: modelShape(initial) };
}

/** Refuses a method that does not fit a group's memory, naming both and the parts. */
function checkMemory(resolved: ResolvedLearn, stream: TaskStream, shapes: readonly ModelShape[]) {
  const { local } = resolved.scenario.learn;
  const counts = stream.tasks.map((t) => t.train.count);
  const problems: InputProblem[] = [];
  resolved.methods.forEach((method, j) => {
    const parts = shapes
      .map((shape) => peakMemory(method, shape, local, counts))
      .reduce((a, b) => (memoryTotal(b) > memoryTotal(a) ? b : a));
    const need = memoryTotal(parts);
    resolved.groups.forEach((g, i) => {
      if (need <= g.profile.memoryBytes) return;
      problems.push({
        path: `learn.methods[${j}]`,
        message: `${method.name} needs ${mb(need)} to learn on ${g.profile.name} (fleet[${i}], ${g.spec.name}), which has ${mb(g.profile.memoryBytes)}: model ${mb(parts.model)}, gradients ${mb(parts.gradients)}, optimizer ${mb(parts.optimizer)}, activations ${mb(parts.activations)}, ${method.method} ${mb(parts.method)}`,
      });
    });
  });
  if (problems.length > 0) throw new InputError(resolved.file, problems);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(3)} MB`;
