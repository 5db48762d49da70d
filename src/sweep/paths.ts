/**
 * Paths into a scenario, as a sweep names the fields it varies:
 * `workload.inference.placement`, `fleet[2].count`, `cells["office-ap"].uplink`.
 *
 * Grammar: a path is a field name followed by any number of `.name`, `[index]`
 * or `["quoted name"]` steps. A bare name is letters, digits, `_`, `$` and `-`,
 * not starting with a digit or `-`; a quoted name is a JSON string (so it may
 * hold dots or brackets); an index is a whole number without leading zeros.
 */

import type { z } from 'zod';
import { formatSegments, type PathSegment, parsePath } from '../scenario/path.js';

// The path grammar is scenario/path.ts (report/ labels paths too); re-exported for sweep's users.
export { formatSegments, type PathParse, type PathSegment, parsePath } from '../scenario/path.js';

/** What {@link pathProblem} may ask about the fields a parent allows. */
export interface PathOptions {
  /** How the root is named in messages; default "the scenario". */
  rootName?: string;
  /**
   * The fields allowed in the object at `parent`, or undefined when any field is
   * allowed (or it is not known). An absent leaf is accepted only if listed.
   */
  fieldsOf?: (parent: readonly PathSegment[]) => readonly string[] | undefined;
}

/** A path that does not parse or does not lead anywhere; `reason` is the user-facing part. */
export class PathError extends Error {
  override name = 'PathError';

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * Why `segments` cannot be set in `root`, or undefined when it can. Every step
 * before the last must exist; an index must be in range even as the last step;
 * a last field may be absent (an optional field) if its parent is an object and
 * `fieldsOf` allows it. The message names the first missing step.
 */
export function pathProblem(
  root: unknown,
  segments: readonly PathSegment[],
  options: PathOptions = {},
): string | undefined {
  const rootName = options.rootName ?? 'the scenario';
  let current = root;
  for (const [i, segment] of segments.entries()) {
    const parent = segments.slice(0, i);
    const owner = i === 0 ? rootName : formatSegments(parent);
    const here = formatSegments(segments.slice(0, i + 1));
    const isLeaf = i === segments.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return `${owner} is ${describeKind(current)}, not a list`;
      if (segment >= current.length) {
        const whose = i === 1 ? `${rootName}'s ${owner}` : owner;
        return `${here} is out of range: ${whose} has ${entries(current.length)}`;
      }
      current = current[segment];
      continue;
    }
    if (Array.isArray(current))
      return `${owner} is a list; index it, as in ${formatSegments([...parent, 0])}`;
    if (!isObject(current)) return `${owner} is ${describeKind(current)}, not an object`;
    if (Object.hasOwn(current, segment)) {
      current = current[segment];
      continue;
    }
    const allowed = options.fieldsOf?.(parent);
    if (isLeaf && (allowed === undefined || allowed.includes(segment))) return undefined;
    const list = isLeaf ? allowed! : Object.keys(current);
    const listed = isLeaf
      ? `expected one of: ${list.join(', ')}`
      : `it has ${list.join(', ') || 'no fields'}`;
    return `no field '${segment}' in ${owner}${suggestion(segment, list)}; ${listed}`;
  }
  return undefined;
}

/** The value at `path` (undefined for an absent last field); throws {@link PathError} if the path does not lead there. */
export function getPath(root: unknown, path: string | readonly PathSegment[]): unknown {
  const segments = checked(root, path);
  let current = root;
  for (const segment of segments) current = (current as Record<PathSegment, unknown>)[segment];
  return current;
}

/**
 * A deep copy of `root` with `value` at `path`; `root` is left untouched.
 * Throws {@link PathError} if the path does not lead there (see {@link pathProblem}).
 */
export function setPath<T>(root: T, path: string | readonly PathSegment[], value: unknown): T {
  const segments = checked(root, path);
  const copy = structuredClone(root);
  assignPath(copy, segments, structuredClone(value));
  return copy;
}

/**
 * Sets `value` at `segments` in `root` itself (it mutates). For callers that own a
 * fresh copy and have checked the path with {@link pathProblem}.
 */
export function assignPath(root: unknown, segments: readonly PathSegment[], value: unknown): void {
  if (segments.length === 0) throw new RangeError('cannot assign to an empty path');
  let current = root as Record<PathSegment, unknown>;
  for (const segment of segments.slice(0, -1))
    current = current[segment] as Record<PathSegment, unknown>;
  current[segments.at(-1)!] = value;
}

function checked(root: unknown, path: string | readonly PathSegment[]): readonly PathSegment[] {
  const text = typeof path === 'string' ? path : formatSegments(path);
  let segments: readonly PathSegment[];
  if (typeof path === 'string') {
    const parsed = parsePath(path);
    if (!parsed.ok) throw new PathError(text, parsed.message);
    segments = parsed.segments;
  } else {
    segments = path;
  }
  const problem = pathProblem(root, segments);
  if (problem !== undefined) throw new PathError(text, problem);
  return segments;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeKind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `a ${typeof value} (${text})`;
}

function entries(count: number): string {
  return count === 1 ? '1 entry' : `${count} entries`;
}

/** "; did you mean 'placement'?" when one name is within two edits of `name`. */
function suggestion(name: string, names: readonly string[]): string {
  const close = names.find((candidate) => editDistance(name, candidate) <= 2);
  return close === undefined ? '' : ` (did you mean '${close}'?)`;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * A {@link PathOptions.fieldsOf} for data that `schema` (zod) validates: the
 * fields its object at a path allows (every option's, for unions); undefined
 * where it allows any field (records) or the schema is not understood.
 */
export function schemaFields(schema: z.core.$ZodType): PathOptions['fieldsOf'] {
  return (parent) => {
    const fields = fieldsIn(schema, parent);
    return fields === 'any' || fields.length === 0 ? undefined : fields;
  };
}

/** Whether an object schema keeps unknown fields (`z.looseObject`, `.catchall(...)` of anything but never). */
function allowsAnyField(def: Record<string, unknown>): boolean {
  const catchall = def.catchall as z.core.$ZodType | undefined;
  return catchall !== undefined && catchall._zod.def.type !== 'never';
}

function fieldsIn(schema: z.core.$ZodType, path: readonly PathSegment[]): string[] | 'any' {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (key: string) => def[key] as z.core.$ZodType;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
      return fieldsIn(inner('innerType'), path);
    case 'pipe':
      return fieldsIn(inner('in'), path);
    case 'union': {
      const options = (def.options as z.core.$ZodType[]).map((o) => fieldsIn(o, path));
      return options.includes('any') ? 'any' : [...new Set(options.flat() as string[])];
    }
    case 'array':
      return path.length > 0 ? fieldsIn(inner('element'), path.slice(1)) : [];
    case 'record':
      return path.length > 0 ? fieldsIn(inner('valueType'), path.slice(1)) : 'any';
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      // A loose object (such as a strategy's block, checked against the strategy's own schema) allows any field.
      if (path.length === 0) return allowsAnyField(def) ? 'any' : Object.keys(shape);
      const child = shape[String(path[0])];
      return child === undefined ? 'any' : fieldsIn(child, path.slice(1));
    }
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
      return [];
    default:
      return 'any';
  }
}
