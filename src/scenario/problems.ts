import type { z } from 'zod';
import type { InputProblem } from '../errors.js';

/** Turns zod issues into problems a user can act on; `root` is the schema that was parsed. */
export function toProblems(
  issues: readonly z.core.$ZodIssue[],
  root: z.core.$ZodType,
): InputProblem[] {
  return issues.map((issue) => toProblem(issue, root));
}

/** Turns a zod issue into a problem a user can act on. */
function toProblem(issue: z.core.$ZodIssue, root: z.core.$ZodType): InputProblem {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(root, issue.path);
      return {
        path: issue.keys.map((k) => formatPath([...issue.path, k])).join(', '),
        message: `${issue.keys.length > 1 ? 'unknown fields' : 'unknown field'}${known.length > 0 ? `; expected one of: ${known.join(', ')}` : ''}`,
      };
    }
    case 'invalid_type':
      return issue.input === undefined
        ? { path, message: `missing required field (expected ${issue.expected})` }
        : { path, message: `expected ${issue.expected}`, value: issue.input };
    case 'invalid_union': {
      if (issue.input === undefined) return { path, message: 'missing required field' };
      const telling = mostTellingBranchIssue(issue.errors);
      if (telling !== undefined)
        return toProblem({ ...telling, path: [...issue.path, ...telling.path] }, root);
      return { path, message: issue.message, value: issue.input };
    }
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

/**
 * Of the failures of a union's branches, the one that says most: a message
 * from inside a branch that accepted the value's shape (a quantity's unit
 * error, a nested field), rather than "expected an object".
 */
function mostTellingBranchIssue(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue | undefined {
  const issues = branches.flat();
  return (
    issues.find((i) => i.code === 'custom') ??
    issues.find((i) => i.path.length > 0) ??
    issues.find((i) => i.code === 'invalid_value') ??
    (issues.length === 1 ? issues[0] : undefined)
  );
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
