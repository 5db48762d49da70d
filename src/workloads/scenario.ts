/**
 * The scenario file format, assembled from the workload registry: for each
 * kind, a strict object of the header every scenario has (name, seed, ...,
 * and the `report:` block) and the workload's own fields. Every object is
 * strict (an unknown field is an error, so a typo never silently falls back
 * to a default), and every quantity may be written with units; each field's
 * description (also in the exported JSON Schema) names the base unit a bare
 * number is read in.
 *
 * Here, not in scenario/, because it names every workload: scenario/ keeps
 * what is generic (units, files, problems, merge, limits, the header).
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { reportField } from '../report/options.js';
import { scenarioHeader } from '../scenario/header.js';
import { hashScenario, readScenarioData } from '../scenario/load.js';
import { toProblems } from '../scenario/problems.js';
import type { CompressScenario } from './compress/scenario.js';
import type { FederatedScenario } from './federated/scenario.js';
import type { InferenceScenario } from './inference/scenario.js';
import { scenarioKind, WORKLOAD_KINDS, WORKLOADS, type WorkloadKind } from './registry.js';
import type { Workload, WorkloadSchema } from './workload.js';

/** The top-level object of one kind: the header, the report block, the workload's fields. */
function scenarioObject<F extends z.ZodRawShape>(schema: WorkloadSchema<F>) {
  const object = z.strictObject({ ...scenarioHeader, report: reportField, ...schema.fields });
  const check = schema.check;
  return check === undefined
    ? object
    : object.superRefine((s, ctx) => check(s as z.output<z.ZodObject<F>>, ctx));
}

type SchemaOf<W> =
  W extends Workload<infer F, infer _S, infer _R> ? ReturnType<typeof scenarioObject<F>> : never;

/** The schema of each kind of scenario, by kind. */
export const SCENARIO_KINDS = Object.fromEntries(
  WORKLOAD_KINDS.map((kind) => [kind, scenarioObject(WORKLOADS[kind].schema as WorkloadSchema)]),
) as unknown as { readonly [K in WorkloadKind]: SchemaOf<(typeof WORKLOADS)[K]> };

/** The schema of every scenario kind, for the JSON Schema and sweep path checks. */
export const scenarioSchema = z.union(
  WORKLOAD_KINDS.map((kind) => SCENARIO_KINDS[kind]) as unknown as [
    (typeof SCENARIO_KINDS)[WorkloadKind],
    ...(typeof SCENARIO_KINDS)[WorkloadKind][],
  ],
);

/** A scenario as written (before validation). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** Any scenario after validation: quantities in base units, defaults filled in. */
export type Scenario = z.output<(typeof SCENARIO_KINDS)[WorkloadKind]>;
/** A scenario that passed validation. */
export type ValidatedScenario = Scenario & { readonly __validated: true };

/**
 * The JSON Schema (draft 2020-12) of scenario files as written: quantities
 * accept a number in the base unit or a string with units. Editors use it for
 * completion and checks (`# yaml-language-server: $schema=...`).
 */
export function scenarioJsonSchema(): object {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'edgesim scenario',
  };
}

/** A validated scenario and where it came from. */
export interface LoadedScenario {
  scenario: ValidatedScenario;
  /** The file it was read from, as given. */
  file: string;
  /** SHA-256 of the validated scenario's canonical JSON (keys sorted). */
  hash: string;
}

/**
 * Reads, merges (`extends`) and validates a scenario file (YAML or JSON).
 * Throws an {@link InputError} naming the file, the field path, the value and
 * what was expected; nothing in the file is executed.
 */
export function loadScenario(file: string): LoadedScenario {
  const scenario = validateScenario(readScenarioData(file), file);
  return { scenario, file, hash: hashScenario(scenario) };
}

/** Validates an already-parsed scenario object against its kind's schema; `file` names it in errors. */
export function validateScenario(raw: unknown, file: string): ValidatedScenario {
  const schema: z.ZodType = SCENARIO_KINDS[scenarioKind(raw)];
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new InputError(file, toProblems(result.error.issues, schema));
  return result.data as ValidatedScenario;
}

/** Whether a validated scenario is an inference scenario (the default kind). */
export function isInferenceScenario(scenario: Scenario): scenario is InferenceScenario & Scenario {
  return scenarioKind(scenario) === 'inference';
}

/** Whether a validated scenario is a federated-learning scenario. */
export function isFederatedScenario(scenario: Scenario): scenario is FederatedScenario & Scenario {
  return scenarioKind(scenario) === 'federated';
}

/** Whether a validated scenario is a compression scenario. */
export function isCompressScenario(scenario: Scenario): scenario is CompressScenario & Scenario {
  return scenarioKind(scenario) === 'compress';
}

/** The scenario as an inference scenario; a TypeError (a bug) if it is another kind. */
export function asInferenceScenario<S extends Scenario>(
  scenario: S,
): Extract<S, InferenceScenario> {
  if (!isInferenceScenario(scenario))
    throw new TypeError(
      `scenario "${scenario.name}" is a ${scenarioKind(scenario)} scenario, not an inference scenario`,
    );
  return scenario as Extract<S, InferenceScenario>;
}

/** @deprecated The "fleet" kind is named `inference` now: use {@link asInferenceScenario}. */
export const asFleetScenario = asInferenceScenario;
/** @deprecated The "fleet" kind is named `inference` now: use {@link isInferenceScenario}. */
export const isFleetScenario = isInferenceScenario;
