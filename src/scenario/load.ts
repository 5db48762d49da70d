import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, type InputProblem } from '../errors.js';
import { type Scenario, scenarioSchema, type ValidatedScenario } from './schema.js';

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
  const raw = withoutExtensionFields(readMerged(file, []));
  const scenario = validateScenario(raw, file);
  return { scenario, file, hash: hashScenario(scenario) };
}

/** Validates an already-parsed scenario object; `file` names it in errors. */
export function validateScenario(raw: unknown, file: string): ValidatedScenario {
  const result = scenarioSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new InputError(file, result.error.issues.map(toProblem));
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

/** Parses a YAML or JSON file to plain data. */
export function readDataFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, [{ path: '', message: readFailure(error) }]);
  }
  const document = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new InputError(
      file,
      document.errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}: ` : '';
        return { path: '', message: `malformed YAML/JSON: ${where}${firstLine(e.message)}` };
      }),
    );
  }
  const data: unknown = document.toJS({ maxAliasCount: 1000 });
  if (data === null || data === undefined) {
    throw new InputError(file, [
      { path: '', message: 'the file is empty; expected a scenario mapping' },
    ]);
  }
  return data;
}

/**
 * Reads a file and, if it has `extends: other.yaml` (relative to it), merges
 * it over that base: mappings merge key by key, anything else (lists
 * included) replaces the base's value.
 */
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
  return deepMerge(readMerged(resolve(dirname(file), base), [...chain, absolute]), rest);
}

/**
 * Drops top-level `x-...` fields: they hold YAML anchors for reuse
 * (`x-camera: &camera {...}`, then `<<: *camera`), as in Docker Compose.
 */
function withoutExtensionFields(data: unknown): unknown {
  if (!isMapping(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('x-')));
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(base[key], value);
  return merged;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, expected a scenario file';
  if (code === 'EACCES') return 'permission denied';
  return `cannot read: ${(error as Error).message}`;
}

/** The first line of a YAML error, without its trailing "at line L, column C:". */
function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/ at line \d+, column \d+:?$/, '');
}

/** Turns a zod issue into a problem a user can act on. */
function toProblem(issue: z.core.$ZodIssue): InputProblem {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(scenarioSchema, issue.path);
      return {
        path: issue.keys.map((k) => formatPath([...issue.path, k])).join(', '),
        message: `${issue.keys.length > 1 ? 'unknown fields' : 'unknown field'}${known.length > 0 ? `; expected one of: ${known.join(', ')}` : ''}`,
      };
    }
    case 'invalid_type':
      return issue.input === undefined
        ? { path, message: `missing required field (expected ${issue.expected})` }
        : { path, message: `expected ${issue.expected}`, value: issue.input };
    case 'invalid_union':
      if (issue.input === undefined) return { path, message: 'missing required field' };
      return { path, message: issue.message, value: issue.input };
    case 'invalid_value':
      return {
        path,
        message: `expected one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        value: issue.input,
      };
    case 'custom':
      // Quantity messages already quote the value they got.
      return { path, message: issue.message };
    default:
      return { path, message: issue.message, value: issue.input };
  }
}

/** The field names the schema allows at `path` (every option's, for unions). */
function knownKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (key: string) => def[key] as z.core.$ZodType;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
      return knownKeys(inner('innerType'), path);
    case 'pipe':
      return knownKeys(inner('in'), path);
    case 'union':
      return [...new Set((def.options as z.core.$ZodType[]).flatMap((o) => knownKeys(o, path)))];
    case 'array':
      return path.length > 0 ? knownKeys(inner('element'), path.slice(1)) : [];
    case 'record':
      return path.length > 0 ? knownKeys(inner('valueType'), path.slice(1)) : [];
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      if (path.length === 0) return Object.keys(shape);
      const child = shape[String(path[0])];
      return child ? knownKeys(child, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

/** `['fleet', 2, 'network']` -> `fleet[2].network`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
    )
    .join('');
}
