import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { readDataFile } from './data-file.js';
import { attributeTo } from './input-file.js';
import { deepMerge, isMapping } from './merge.js';
import { toProblems } from './problems.js';
import { SCENARIO_KINDS, type Scenario, scenarioKind, type ValidatedScenario } from './schema.js';

export { readDataFile } from './data-file.js';

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
  const raw = withoutSweep(withoutExtensionFields(readMergedScenario(file)));
  const scenario = validateScenario(raw, file);
  return { scenario, file, hash: hashScenario(scenario) };
}

/** Validates an already-parsed scenario object; `file` names it in errors. */
export function validateScenario(raw: unknown, file: string): ValidatedScenario {
  const schema = SCENARIO_KINDS[scenarioKind(raw)];
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new InputError(file, toProblems(result.error.issues, schema));
  return result.data as ValidatedScenario;
}

/** SHA-256 of a scenario's canonical JSON: equal for equal content, whatever the key order. */
export function hashScenario(scenario: Scenario): string {
  return createHash('sha256').update(canonicalJson(scenario)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values print equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * Reads a file and, if it has `extends: other.yaml` (relative to it), merges
 * it over that base: mappings merge key by key, anything else (lists
 * included) replaces the base's value.
 */
/**
 * A scenario file as data, with `extends` merged in (its `sweep` and `x-`
 * fields still there): what a sweep expands.
 */
export function readMergedScenario(file: string): unknown {
  return readMerged(file, []);
}

function readMerged(file: string, chain: string[]): unknown {
  const absolute = resolve(file);
  if (chain.includes(absolute)) {
    throw new InputError(file, [
      { path: 'extends', message: `circular extends: ${[...chain, absolute].join(' -> ')}` },
    ]);
  }
  const data = readDataFile(file);
  if (!isMapping(data) || !('extends' in data)) return data;
  const { extends: base, ...rest } = data;
  if (typeof base !== 'string') {
    throw new InputError(file, [{ path: 'extends', message: 'expected a file path', value: base }]);
  }
  try {
    return deepMerge(readMerged(resolve(dirname(file), base), [...chain, absolute]), rest);
  } catch (error) {
    throw attributeTo(error, { file, path: 'extends' });
  }
}

/**
 * Drops top-level `x-...` fields: they hold YAML anchors for reuse
 * (`x-camera: &camera {...}`, then `<<: *camera`), as in Docker Compose.
 */
function withoutExtensionFields(data: unknown): unknown {
  if (!isMapping(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('x-')));
}

/** A scenario's `sweep` block belongs to `edgesim sweep`; a single run uses the base scenario. */
function withoutSweep(data: unknown): unknown {
  if (!isMapping(data)) return data;
  const { sweep: _sweep, ...rest } = data;
  return rest;
}
