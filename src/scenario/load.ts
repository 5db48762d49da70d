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
  return splitScenario(readMergedScenario(file)).base;
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

/** Top-level blocks that belong to a command, not to a run: `edgesim sweep`, `plan` and `check`'s. */
export const COMMAND_BLOCKS = ['sweep', 'plan', 'expect'] as const;

/** A scenario split into the run it describes and its command blocks. */
export interface SplitScenario<Base = unknown> {
  /** The scenario without its command blocks and its top-level `x-` fields. */
  base: Base;
  blocks: Partial<Record<(typeof COMMAND_BLOCKS)[number], unknown>>;
}

/**
 * Splits merged scenario data into the run it describes and its
 * {@link COMMAND_BLOCKS}. Top-level `x-...` fields are dropped: they hold
 * YAML anchors for reuse (`x-camera: &camera {...}`, then `<<: *camera`), as
 * in Docker Compose. Data that is not a mapping is the base as it is.
 */
export function splitScenario(
  data: Record<string, unknown>,
): SplitScenario<Record<string, unknown>>;
export function splitScenario(data: unknown): SplitScenario;
export function splitScenario(data: unknown): SplitScenario {
  if (!isMapping(data)) return { base: data, blocks: {} };
  const base: Record<string, unknown> = {};
  const blocks: SplitScenario['blocks'] = {};
  for (const [key, value] of Object.entries(data)) {
    if ((COMMAND_BLOCKS as readonly string[]).includes(key))
      blocks[key as (typeof COMMAND_BLOCKS)[number]] = value;
    else if (!key.startsWith('x-')) base[key] = value;
  }
  return { base, blocks };
}
