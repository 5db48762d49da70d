/**
 * The learn workload's part of a scenario: the devices that learn (device
 * groups; their radios idle, nothing is sent) and the `learn:` section
 * (schema.ts).
 */
import type { z } from 'zod';
import { radioField } from '../../energy/radio-spec.js';
import { deviceClassSpec, fleetOf } from '../../fleet/spec.js';
import type { ScenarioInputOf, ScenarioOf } from '../../scenario/header.js';
import { learnSection, namedMethods } from './schema.js';

/** The learn workload's top-level fields, beside the scenario header. */
export const learnFields = {
  fleet: fleetOf(deviceClassSpec).describe('The devices that learn'),
  radio: radioField,
  learn: learnSection,
};

/** A continual-learning scenario after validation. */
export type LearnScenario = ScenarioOf<typeof learnFields>;
/** A continual-learning scenario as written. */
export type LearnScenarioInput = ScenarioInputOf<typeof learnFields>;

/**
 * Names are unique (groups, methods, settings: results name them), and split
 * MNIST's digit groups are disjoint and cover every digit.
 */
export function checkLearnScenario(
  scenario: z.output<z.ZodObject<typeof learnFields>>,
  ctx: z.RefinementCtx,
): void {
  const unique = (names: readonly string[], path: (i: number) => (string | number)[]) => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n))
        ctx.addIssue({ code: 'custom', path: path(i), input: n, message: `duplicate name "${n}"` });
      seen.add(n);
    });
  };
  unique(
    scenario.fleet.map((g) => g.name),
    (i) => ['fleet', i, 'name'],
  );
  unique(
    namedMethods(scenario.learn).map((m) => m.name),
    (i) => ['learn', 'methods', i, 'name'],
  );
  unique(scenario.learn.settings, (i) => ['learn', 'settings', i]);
  const tasks = scenario.learn.tasks;
  if (tasks.kind !== 'split-mnist' || tasks.groups === undefined) return;
  const owner = new Map<number, number>();
  tasks.groups.forEach((group, g) => {
    group.forEach((digit, k) => {
      const other = owner.get(digit);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['learn', 'tasks', 'groups', g, k],
          input: digit,
          message: `digit ${digit} is already in groups[${other}]; tasks must not share classes`,
        });
      owner.set(digit, g);
    });
  });
  const missing = [...Array(10).keys()].filter((d) => !owner.has(d));
  if (missing.length > 0)
    ctx.addIssue({
      code: 'custom',
      path: ['learn', 'tasks', 'groups'],
      input: tasks.groups,
      message: `the tasks do not cover digit(s) ${missing.join(', ')}; every class of MNIST must be in a task`,
    });
}
