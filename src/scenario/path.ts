/**
 * The syntax of paths into a scenario, as a sweep names the fields it varies
 * and a report labels them: `workload.inference.placement`, `fleet[2].count`,
 * `cells["office-ap"].uplink`. Following a path is sweep/paths.ts's.
 *
 * Grammar: a path is a field name followed by any number of `.name`, `[index]`
 * or `["quoted name"]` steps. A bare name is letters, digits, `_`, `$` and `-`,
 * not starting with a digit or `-`; a quoted name is a JSON string (so it may
 * hold dots or brackets); an index is a whole number without leading zeros.
 */

/** One step of a path: a field name or a list index. */
export type PathSegment = string | number;

/** Outcome of {@link parsePath}: the segments, or a message for the user. */
export type PathParse = { ok: true; segments: PathSegment[] } | { ok: false; message: string };

const BARE_NAME = /^[A-Za-z_$][\w$-]*$/;
const TOKENS = {
  name: /[A-Za-z_$][\w$-]*/y,
  index: /\[(0|[1-9]\d*)\]/y,
  quoted: /\[("(?:[^"\\]|\\.)*")\]/y,
};

/** Reads `a.b[2]["c.d"]` into `['a', 'b', 2, 'c.d']`. Never throws. */
export function parsePath(text: string): PathParse {
  const segments: PathSegment[] = [];
  let at = 0;
  while (at < text.length || segments.length === 0) {
    const dotted = segments.length > 0 && text[at] === '.';
    const start = dotted ? at + 1 : at;
    const token = dotted || segments.length === 0 ? match('name', text, start) : undefined;
    const step = token ?? (dotted ? undefined : bracket(text, start));
    if (step === undefined) {
      const what = dotted ? 'a field name' : 'a field name, [index] or ["name"]';
      return {
        ok: false,
        message: `cannot read path ${JSON.stringify(text)}: expected ${what} at character ${start + 1}`,
      };
    }
    segments.push(step.segment);
    at = step.end;
  }
  return { ok: true, segments };
}

function match(kind: keyof typeof TOKENS, text: string, at: number) {
  const regex = TOKENS[kind];
  regex.lastIndex = at;
  const found = regex.exec(text);
  if (found === null) return undefined;
  const end = at + found[0].length;
  if (kind === 'name') return { segment: found[0], end };
  if (kind === 'index') return { segment: Number(found[1]), end };
  return { segment: JSON.parse(found[1]!) as string, end };
}

function bracket(text: string, at: number) {
  return match('index', text, at) ?? match('quoted', text, at);
}

/** Writes segments back as a path; names that are not bare are quoted (`["a.b"]`). */
export function formatSegments(segments: readonly PathSegment[]): string {
  return segments
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      if (!BARE_NAME.test(s)) return `[${JSON.stringify(s)}]`;
      return i === 0 ? s : `.${s}`;
    })
    .join('');
}
