/**
 * Labels of swept parameters in the scenario's own words: a path through a
 * named list item reads as the item's name, `fleet[0].count` as "cameras
 * count", `servers[1].workers` as "edge-2 workers".
 */
import { parsePath } from '../scenario/path.js';

/** camelCase and snake_case in words: `queueCapacity` -> "queue capacity". */
export function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
    .trim();
}

function nameOf(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const name = (value as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : null;
}

/**
 * A parameter's label from the scenario it sweeps (as written): the name of
 * the last named list item on its path, then the path after it in words; null when the path passes through nothing named (the report
 * then uses the last segment, e.g. "placement").
 */
export function parameterLabel(path: string, scenario: unknown): string | null {
  const parsed = parsePath(path);
  if (!parsed.ok) return null;
  let node: unknown = scenario;
  let named: { name: string; rest: number } | null = null;
  parsed.segments.forEach((segment, i) => {
    const parent = node;
    node =
      parent !== null && typeof parent === 'object'
        ? (parent as Record<string, unknown>)[segment]
        : undefined;
    const name = typeof segment === 'number' ? nameOf(node) : null;
    if (name !== null) named = { name, rest: i + 1 };
  });
  if (named === null) return null;
  const { name, rest } = named as { name: string; rest: number };
  const tail = parsed.segments.slice(rest).map((s) => words(String(s)));
  return [name, ...tail].join(' ');
}

/** Labels of the parameters that pass through a named item, by path. */
export function parameterLabels(
  parameters: readonly string[],
  scenario: unknown,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const path of parameters) {
    const label = parameterLabel(path, scenario);
    if (label !== null) labels[path] = label;
  }
  return labels;
}
