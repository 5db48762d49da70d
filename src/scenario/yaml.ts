/**
 * YAML (and JSON, which is YAML) to plain data, with every problem an input
 * problem at a line and column: syntax errors, duplicate keys, undefined or
 * self-containing aliases, merge keys (`<<`) whose value is not a mapping,
 * alias bombs, and nesting so deep that a recursive parser would overflow
 * the stack. Nothing the `yaml` package throws escapes as an internal error.
 */
import type { CST, Node, Pair } from 'yaml';
import {
  Composer,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
} from 'yaml';
import { excerpt, type InputProblem } from '../errors.js';

/** Deepest nesting of collections, in the text and in the data after aliases are expanded. */
export const MAX_YAML_DEPTH = 64;
/** Most aliases (`*name`) in one file; each costs a scan of the document in `yaml`'s toJS. */
export const MAX_YAML_ALIASES = 1000;
/** `yaml`'s guard against alias bombs: most expansions of one anchor, weighted by the aliases inside it. */
const MAX_ALIAS_EXPANSIONS = 1000;

/**
 * Parses `text` to plain data (`undefined` for an empty document). Returns
 * the problems instead when there are any, each `malformed YAML/JSON: line
 * L, column C: ...`.
 */
export function parseYaml(text: string): { data: unknown } | { problems: InputProblem[] } {
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const at = (offset: number | undefined, message: string): InputProblem => {
    if (offset === undefined) return { path: '', message: `malformed YAML/JSON: ${message}` };
    const { line, col } = lines.linePos(offset);
    return { path: '', message: `malformed YAML/JSON: line ${line}, column ${col}: ${message}` };
  };
  const deep = tooDeepAt(tokens);
  if (deep !== undefined)
    return { problems: [at(deep, `nested deeper than ${MAX_YAML_DEPTH} levels`)] };
  const documents = Array.from(
    new Composer({ merge: true, uniqueKeys: false }).compose(tokens, true, text.length),
  );
  const document = documents[0]!;
  const problems = document.errors.map((e) => at(e.pos[0], firstLine(e.message)));
  if (documents.length > 1) {
    problems.push(at(documents[1]!.range[0], 'a second document (after `---`); expected one'));
  }
  if (problems.length > 0) return { problems };
  const structural = checkStructure(document).map((p) => at(p.offset, p.message));
  if (structural.length > 0) return { problems: structural };
  try {
    return { data: document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) };
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    return /Excessive alias count/.test(message)
      ? {
          problems: [
            at(
              undefined,
              `aliases expand too much (an alias bomb?); expected at most ${MAX_ALIAS_EXPANSIONS} expansions of an anchor`,
            ),
          ],
        }
      : { problems: [at(undefined, firstLine(message))] };
  }
}

/** The offset of the first collection nested deeper than {@link MAX_YAML_DEPTH}, found without recursion. */
function tooDeepAt(tokens: readonly CST.Token[]): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [token, depth] = next;
    const collection =
      token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
    const inner = collection ? depth + 1 : depth;
    if (inner > MAX_YAML_DEPTH) return token.offset;
    if ('value' in token && token.value !== undefined) stack.push([token.value, inner]);
    if ('items' in token) {
      for (const item of token.items) {
        if (item.key) stack.push([item.key, inner]);
        if (item.value) stack.push([item.value, inner]);
      }
    }
  }
  return undefined;
}

interface Located {
  offset: number | undefined;
  message: string;
}

/** What `yaml` would throw at (or silently accept) when converting to data, found first with a position. */
function checkStructure(document: Document): Located[] {
  const walk = new StructureWalk();
  walk.depthOf(document.contents);
  walk.checkMerges();
  return walk.problems;
}

/**
 * One pass over a composed document. Recursion is bounded by the nesting
 * depth, which {@link tooDeepAt} has checked. Aliases resolve as in `yaml`:
 * to the last node with that anchor before them in document order.
 */
class StructureWalk {
  readonly problems: Located[] = [];
  private readonly anchors = new Map<string, Node>();
  private readonly targets = new Map<Node, Node>();
  private readonly depths = new Map<Node, number>();
  private readonly open = new Set<Node>();
  private readonly merges: Pair[] = [];
  private aliases = 0;

  /** Depth of the data `node` becomes, aliases expanded (0 for a scalar). */
  depthOf(node: unknown): number {
    if (isAlias(node)) return this.alias(node);
    if (isPair(node)) return Math.max(this.depthOf(node.key), this.depthOf(node.value));
    if (!isScalar(node) && !isCollection(node)) return 0;
    if (node.anchor) this.anchors.set(node.anchor, node);
    if (isScalar(node)) return 0;
    this.open.add(node);
    let inner = 0;
    if (isMap(node)) inner = this.mapDepth(node.items as Pair[]);
    else for (const item of node.items) inner = Math.max(inner, this.depthOf(item));
    this.open.delete(node);
    const depth = inner + 1;
    this.depths.set(node, depth);
    if (depth > MAX_YAML_DEPTH && inner <= MAX_YAML_DEPTH) {
      this.report(node, `aliases nest the data deeper than ${MAX_YAML_DEPTH} levels`);
    }
    return depth;
  }

  /** Checks each `<<` value: a mapping, an alias of one, or a list of those. */
  checkMerges(): void {
    for (const pair of this.merges) {
      const source = this.resolve(pair.value);
      const sources = isSeq(source) ? source.items.map((item) => this.resolve(item)) : [source];
      if (!sources.every((s) => isMap(s))) {
        this.report(
          pair.value ?? pair.key,
          'a merge key `<<` takes a mapping, an alias of one, or a list of them',
        );
      }
    }
  }

  private mapDepth(pairs: readonly Pair[]): number {
    const seen = new Set<string>();
    let inner = 0;
    for (const pair of pairs) {
      const { key } = pair;
      if (isScalar(key) && typeof key.value === 'symbol') this.merges.push(pair);
      else if (isCollection(this.resolve(key)))
        this.report(key, 'a key must be a plain value, not a list or mapping');
      else if (isScalar(key)) {
        const name = String(key.value);
        if (seen.has(name)) this.report(key, `duplicate key ${JSON.stringify(name)}`);
        seen.add(name);
      }
      inner = Math.max(inner, this.depthOf(key), this.depthOf(pair.value));
    }
    return inner;
  }

  private alias(node: Node & { source: string }): number {
    if (++this.aliases === MAX_YAML_ALIASES + 1)
      this.report(node, `more than ${MAX_YAML_ALIASES} aliases`);
    const target = this.anchors.get(node.source);
    if (target === undefined) {
      this.report(node, `undefined alias *${node.source} (no anchor &${node.source} before it)`);
      return 0;
    }
    if (this.open.has(target)) {
      this.report(node, `alias *${node.source} is inside the node it names`);
      return 0;
    }
    this.targets.set(node, target);
    return this.depths.get(target) ?? 0;
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? this.targets.get(node) : node;
  }

  private report(node: unknown, message: string): void {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    this.problems.push({ offset: range?.[0], message });
  }
}

/**
 * The first line of a `yaml` message, without a trailing "at line L, column
 * C:", and the source text it may quote ("Unexpected scalar token in YAML
 * stream: \"...\"") cut to a short excerpt.
 */
function firstLine(text: string): string {
  const line = (text.split('\n')[0] ?? text).replace(/ at line \d+, column \d+:?$/, '');
  const quote = line.indexOf(': "');
  return quote < 0
    ? line
    : `${line.slice(0, quote + 2)}${excerpt(line.slice(quote + 2), QUOTE_CHARS)}`;
}

/** Longest quotation of the file in a YAML syntax message, characters. */
const QUOTE_CHARS = 60;
