import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { readDataFile } from './data-file.js';
import { attributeTo } from './input-file.js';
import { deepMerge, isMapping } from './merge.js';

export { readDataFile } from './data-file.js';

/**
 * A scenario file as data, ready to validate: `extends` merged in, its
 * `sweep`, `plan` and `expect` blocks (a sweep's, a plan's and a check's,
 * not a run's) and top-level `x-` fields dropped.
 * Validation against the schema of the file's kind is workloads/scenario.ts's
 * (`loadScenario`): the kinds are the workloads'.
 */
export function readScenarioData(file: string): unknown {
  return withoutSweep(withoutExtensionFields(readMergedScenario(file)));
}

/** SHA-256 of a scenario's canonical JSON: equal for equal content, whatever the key order. */
export function hashScenario(scenario: unknown): string {
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

/** A scenario's `sweep`, `plan` and `expect` blocks belong to `edgesim sweep`, `plan` and `check`; a single run uses the base scenario. */
function withoutSweep(data: unknown): unknown {
  if (!isMapping(data)) return data;
  const { sweep: _sweep, plan: _plan, expect: _expect, ...rest } = data;
  return rest;
}
