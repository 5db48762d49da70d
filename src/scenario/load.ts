import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import { deepMerge, isMapping } from './merge.js';
import { toProblems } from './problems.js';
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
  if (!result.success) throw new InputError(file, toProblems(result.error.issues, scenarioSchema));
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
