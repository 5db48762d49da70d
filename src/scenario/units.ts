/**
 * Quantities with units in scenario files ("20 Mbps", "250 ms", "$0.12/kWh").
 *
 * Each field has a kind; text is converted once, at load, with mathjs into a plain
 * number in that kind's base unit ({@link BASE_UNIT}). A bare number is already in
 * the base unit. Conventions beyond mathjs's own units:
 * - `b`/`bit`/`bps` are bits, `B`/`byte`/`Bps` bytes; SI prefixes are powers of 1000
 *   (`MB` = 1e6 B), IEC prefixes powers of 1024 (`MiB` = 2^20 B); an upper-case `K`
 *   (`KB`, `Kbps`) is read as kilo (1000). Bit and byte quantities convert into each
 *   other (`"300 MB/s"` is 2.4e9 bit/s).
 * - `FLOP`, `FLOPs` and `OP`, `OPs` are operation counts; `FLOPS` and `OPS` (capital S)
 *   are per second (`"4 TOPS"` = 4e12 FLOP/s).
 * - `$` and `USD`, `cent(s)`; `gCO2` (also `gCO2e`, prefixed: `kgCO2`) and `tCO2`.
 * - `month` is 730 h and `year` 8760 h (365 days), the usual basis of cloud prices.
 * - `%` is 0.01; `per` means `/`; `req`, `request(s)` are counts (`"10 req/s"` = 10/s).
 */
import { createRequire } from 'node:module';
import type * as MathJs from 'mathjs';
import { z } from 'zod';

/** The kind of quantity a scenario field holds; each has one base unit. */
export type QuantityKind =
  | 'duration'
  | 'rate'
  | 'bitrate'
  | 'byteRate'
  | 'bytes'
  | 'power'
  | 'energy'
  | 'flops'
  | 'flopRate'
  | 'money'
  | 'pricePerEnergy'
  | 'pricePerBytes'
  | 'pricePerTime'
  | 'carbonIntensity'
  | 'fraction';

/** The base unit of each kind, as text for messages and docs; converted values are in it. */
export const BASE_UNIT: Readonly<Record<QuantityKind, string>> = Object.freeze({
  duration: 's',
  rate: '1/s',
  bitrate: 'bit/s',
  byteRate: 'B/s',
  bytes: 'B',
  power: 'W',
  energy: 'J',
  flops: 'FLOP',
  flopRate: 'FLOP/s',
  money: 'USD',
  pricePerEnergy: 'USD/kWh',
  pricePerBytes: 'USD/GB',
  pricePerTime: 'USD/h',
  carbonIntensity: 'gCO2/kWh',
  fraction: '1',
});

/** Outcome of reading a quantity: the value in the base unit, or a message for the user. */
export type QuantityResult = { ok: true; value: number } | { ok: false; message: string };

/** Limits on the converted value (in the base unit); `integer` asks for a whole number. */
export interface QuantityBounds {
  min?: number;
  max?: number;
  /** When true, `min` itself is rejected (value must be > min). */
  exclusiveMin?: boolean;
  /** When true, `max` itself is rejected (value must be < max). */
  exclusiveMax?: boolean;
  integer?: boolean;
}

interface KindSpec {
  /** What the quantity is, with its article ("a duration"). */
  readonly noun: string;
  readonly example: string;
  /** What a bare number means ("a number of seconds"). */
  readonly bare: string;
  /** Unit mathjs converts to; null for dimensionless. */
  readonly mathUnit: string | null;
}

const KINDS: Readonly<Record<QuantityKind, KindSpec>> = {
  duration: { noun: 'a duration', example: '250 ms', bare: 'a number of seconds', mathUnit: 's' },
  rate: { noun: 'a rate', example: '3.5/s', bare: 'a number per second', mathUnit: 'Hz' },
  bitrate: { noun: 'a bit rate', example: '20 Mbps', bare: 'bits per second', mathUnit: 'b/s' },
  byteRate: {
    noun: 'a byte rate',
    example: '25.6 GB/s',
    bare: 'bytes per second',
    mathUnit: 'B/s',
  },
  bytes: { noun: 'a data size', example: '2 GB', bare: 'a number of bytes', mathUnit: 'B' },
  power: { noun: 'a power', example: '5 W', bare: 'a number of watts', mathUnit: 'W' },
  energy: { noun: 'an energy', example: '15 Wh', bare: 'a number of joules', mathUnit: 'J' },
  flops: { noun: 'an operation count', example: '8.2 GFLOP', bare: 'FLOPs', mathUnit: 'FLOP' },
  flopRate: { noun: 'a compute rate', example: '4 TOPS', bare: 'FLOP/s', mathUnit: 'FLOP/s' },
  money: { noun: 'an amount of money', example: '$75', bare: 'US dollars', mathUnit: 'USD' },
  pricePerEnergy: {
    noun: 'a price per energy',
    example: '$0.12/kWh',
    bare: 'US dollars per kWh',
    mathUnit: 'USD/kWh',
  },
  pricePerBytes: {
    noun: 'a price per data size',
    example: '$0.09/GB',
    bare: 'US dollars per GB',
    mathUnit: 'USD/GB',
  },
  pricePerTime: {
    noun: 'a price per time',
    example: '$1.844/h',
    bare: 'US dollars per hour',
    mathUnit: 'USD/h',
  },
  carbonIntensity: {
    noun: 'a carbon intensity',
    example: '481 gCO2/kWh',
    bare: 'grams of CO2 per kWh',
    mathUnit: 'gCO2/kWh',
  },
  fraction: { noun: 'a fraction', example: '80%', bare: 'a plain number', mathUnit: null },
};

const KIND_ORDER = Object.keys(KINDS) as QuantityKind[];

type UnitDef = MathJs.UnitDefinition;
const CUSTOM_UNITS: ReadonlyArray<readonly [name: string, definition: UnitDef]> = [
  ['bps', { definition: '1 b/s', prefixes: 'short' }],
  ['Bps', { definition: '1 B/s', prefixes: 'short' }],
  ['Kb', { definition: '1000 b' }],
  ['Kbit', { definition: '1000 b' }],
  ['Kbps', { definition: '1000 b/s' }],
  ['KB', { definition: '1000 B' }],
  ['KBps', { definition: '1000 B/s' }],
  ['FLOP', { prefixes: 'short', aliases: ['FLOPs'] }],
  ['OP', { definition: '1 FLOP', prefixes: 'short', aliases: ['OPs'] }],
  ['FLOPS', { definition: '1 FLOP/s', prefixes: 'short' }],
  ['OPS', { definition: '1 FLOP/s', prefixes: 'short' }],
  ['USD', { aliases: ['dollar', 'dollars'] }],
  ['cent', { definition: '0.01 USD', aliases: ['cents'] }],
  ['gCO2', { prefixes: 'short', aliases: ['gCO2e'] }],
  ['tCO2', { definition: '1e6 gCO2', aliases: ['tCO2e'] }],
  ['req', { definition: '1', aliases: ['reqs', 'request', 'requests'] }],
  ['percent', { definition: '0.01' }],
];
/** Built-ins redefined: `bit` gains prefixes ("Mbit"); month and year use 365-day years. */
const OVERRIDDEN_UNITS: ReadonlyArray<readonly [name: string, definition: UnitDef]> = [
  ['bit', { definition: '1 b', prefixes: 'binary_short', aliases: ['bits'] }],
  ['month', { definition: '730 h', aliases: ['months'] }],
  ['year', { definition: '8760 h', aliases: ['years'] }],
];

let instance: MathJs.MathJsInstance | undefined;

/** This module's own mathjs instance (the global one is never touched), built on first use. */
function math(): MathJs.MathJsInstance {
  instance ??= createUnitMath();
  return instance;
}

function createUnitMath(): MathJs.MathJsInstance {
  // The single-file bundle loads in ~0.1 s; the ESM entry's module graph takes ~1.1 s.
  const mathjs = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as typeof MathJs;
  const m = mathjs.create({
    unitDependencies: mathjs.unitDependencies!,
    createUnitDependencies: mathjs.createUnitDependencies!,
  });
  for (const [name, definition] of CUSTOM_UNITS) m.createUnit(name, definition);
  for (const [name, definition] of OVERRIDDEN_UNITS) {
    m.createUnit(name, definition, { override: true });
  }
  return m;
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const LEADING_NUMBER = /^[+-]?\.?\d/;

/**
 * Reads a quantity of the given kind into its base unit ({@link BASE_UNIT}).
 * A number is taken as already in the base unit; a string may carry a unit.
 * Never throws: bad input, a unit of the wrong dimension, a non-finite value or a
 * value outside `bounds` gives `{ ok: false, message }` naming what was expected and
 * what was got (the caller adds the file and field path).
 */
export function parseQuantity(
  input: number | string,
  kind: QuantityKind,
  bounds: QuantityBounds = {},
): QuantityResult {
  const result = typeof input === 'string' ? convertText(input, kind) : convert(input, kind);
  return result.ok ? checkBounds(result.value, input, kind, bounds) : result;
}

/**
 * Text conversions, remembered: a sweep validates the same quantities for
 * every run, and mathjs parsing is the slow part. The conversion is a pure
 * function of (text, kind), so remembering it changes nothing else.
 */
const converted = new Map<string, QuantityResult>();

function convertText(input: string, kind: QuantityKind): QuantityResult {
  const key = `${kind}\u0000${input}`;
  let result = converted.get(key);
  if (result === undefined) {
    result = convert(input, kind);
    if (converted.size < 100_000) converted.set(key, result);
  }
  return result;
}

function convert(input: unknown, kind: QuantityKind): QuantityResult {
  if (typeof input === 'number') {
    return Number.isFinite(input) ? ok(input) : fail(`${expected(kind)}, got ${input}`);
  }
  if (typeof input !== 'string') return fail(`${expected(kind)}, got ${describeValue(input)}`);
  const text = normalize(input);
  if (!LEADING_NUMBER.test(text)) return fail(`${expected(kind)}, got ${quote(input)}`);
  const value = PLAIN_NUMBER.test(text) ? ok(Number(text)) : convertWithUnit(text, input, kind);
  if (value.ok && !Number.isFinite(value.value)) {
    return fail(`${expected(kind)}, got ${quote(input)}, which is not a finite number`);
  }
  return value;
}

/** Rewrites the spellings mathjs does not parse: "$1,500/month", "3 per s", "80%". */
function normalize(input: string): string {
  return input
    .trim()
    .replace(/^([+-]?)\$\s*([\d.,]+(?:e[+-]?\d+)?)/i, '$1$2 USD')
    .replace(/^([+-]?)(\d{1,3}(?:,\d{3})+)(?=[^,\d]|$)/, (_, sign: string, digits: string) => {
      return sign + digits.replaceAll(',', '');
    })
    .replace(/\s+per\s+/g, '/')
    .replaceAll('%', ' percent');
}

function convertWithUnit(text: string, input: string, kind: QuantityKind): QuantityResult {
  let unit: MathJs.Unit;
  try {
    unit = math().unit(text);
  } catch (error) {
    return fail(parseErrorMessage(error, input, kind));
  }
  if (!hasDimensionOf(unit, kind)) {
    return fail(`${expected(kind)}, got ${quote(input)}, which is ${dimensionName(unit, text)}`);
  }
  const { mathUnit } = KINDS[kind];
  return ok(snapToDecimal(mathUnit === null ? unit.value : unit.toNumber(mathUnit)));
}

function parseErrorMessage(error: unknown, input: string, kind: QuantityKind): string {
  const unknownUnit = /Unit "(.*)" not found/.exec(error instanceof Error ? error.message : '');
  if (unknownUnit) return `unknown unit "${unknownUnit[1]}" in ${quote(input)}; ${expected(kind)}`;
  return `cannot read ${quote(input)} as a quantity; ${expected(kind)}`;
}

function hasDimensionOf(unit: MathJs.Unit, kind: QuantityKind): boolean {
  const { mathUnit } = KINDS[kind];
  if (mathUnit === null) return unit.dimensions.every((d) => d === 0);
  return unit.equalBase(math().unit(mathUnit));
}

/** Names the dimension of a unit of the wrong kind, for the error message. */
function dimensionName(unit: MathJs.Unit, text: string): string {
  const kind = KIND_ORDER.find((k) => hasDimensionOf(unit, k));
  if (kind === undefined) return `in ${unit.formatUnits()}`;
  if (kind === 'fraction') return 'a plain number';
  // Bit and byte rates share a dimension; name the one the text was written in.
  if (kind === 'bitrate' && /B|byte/.test(text)) return KINDS.byteRate.noun;
  return KINDS[kind].noun;
}

/**
 * Removes float noise left by unit conversion ("481 gCO2/kWh" would otherwise give
 * 480.99999999999994): rounds to 15 significant digits, but only when that moves the
 * value by a few ulps at most, so exact values with more digits (1 PiB) are kept.
 */
function snapToDecimal(value: number): number {
  const rounded = Number(value.toPrecision(15));
  return Math.abs(rounded - value) <= 4 * Number.EPSILON * Math.abs(value) ? rounded : value;
}

interface Limit {
  /** Completes "must be ...". */
  readonly text: string;
  readonly holds: (value: number) => boolean;
}

function limits(kind: QuantityKind, bounds: QuantityBounds): Limit[] {
  const { min, max, exclusiveMin = false, exclusiveMax = false, integer = false } = bounds;
  const list: Limit[] = [];
  if (min !== undefined && exclusiveMin) {
    list.push({ text: `> ${withUnit(min, kind)}`, holds: (v) => v > min });
  } else if (min !== undefined) {
    list.push({ text: `>= ${withUnit(min, kind)}`, holds: (v) => v >= min });
  }
  if (max !== undefined && exclusiveMax) {
    list.push({ text: `< ${withUnit(max, kind)}`, holds: (v) => v < max });
  } else if (max !== undefined) {
    list.push({ text: `<= ${withUnit(max, kind)}`, holds: (v) => v <= max });
  }
  if (integer) {
    const of = kind === 'fraction' ? '' : ` of ${BASE_UNIT[kind]}`;
    list.push({ text: `a whole number${of}`, holds: Number.isInteger });
  }
  return list;
}

function checkBounds(
  value: number,
  input: number | string,
  kind: QuantityKind,
  bounds: QuantityBounds,
): QuantityResult {
  const broken = limits(kind, bounds).find((limit) => !limit.holds(value));
  if (broken === undefined) return ok(value);
  const got = typeof input === 'string' ? quote(input) : `${input}`;
  // "-5 min" shows its value in the base unit; "-5 s" needs no translation.
  const converted =
    typeof input === 'string' && Number.parseFloat(input) !== value
      ? ` (= ${withUnit(value, kind)})`
      : '';
  return fail(`must be ${broken.text}, got ${got}${converted}`);
}

/** "0 s", "0/s", "0" (fraction). */
function withUnit(value: number, kind: QuantityKind): string {
  const base = BASE_UNIT[kind];
  if (kind === 'fraction') return `${value}`;
  return base.startsWith('1/') ? `${value}${base.slice(1)}` : `${value} ${base}`;
}

function expected(kind: QuantityKind): string {
  const { noun, example, bare } = KINDS[kind];
  return `expected ${noun} (e.g. "${example}", or ${bare})`;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${String(value)} (a ${typeof value})`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function ok(value: number): QuantityResult {
  return { ok: true, value };
}

function fail(message: string): QuantityResult {
  return { ok: false, message };
}

function describeKind(kind: QuantityKind, bounds: QuantityBounds): string {
  const { noun, example, bare } = KINDS[kind];
  const what = noun.replace(/^an? /, '');
  const must = limits(kind, bounds).map((limit) => limit.text);
  const mustText = must.length > 0 ? `; must be ${must.join(', ')}` : '';
  return `${what[0]?.toUpperCase()}${what.slice(1)} in ${BASE_UNIT[kind]}: ${bare}, or text with a unit such as "${example}"${mustText}.`;
}

/**
 * Zod schema for a quantity field (`description`, if given, prefixes the unit text
 * in the JSON Schema): accepts a number (already in the base unit) or a
 * string with a unit, and outputs the number in the base unit ({@link parseQuantity}).
 * Any failure is one issue with the user-facing message (code `custom`, or
 * `invalid_union` when the input is neither number nor string). For JSON Schema use
 * `z.toJSONSchema(schema, { io: 'input' })`: number or string, with a description
 * naming the base unit and an example.
 */
export function quantity(
  kind: QuantityKind,
  bounds: QuantityBounds = {},
  description?: string,
): z.ZodType<number, number | string> {
  const unitText = describeKind(kind, bounds);
  return z
    .union([z.number(), z.string()], { error: (issue) => failureMessage(issue.input, kind) })
    .meta({
      description: description === undefined ? unitText : `${description}. ${unitText}`,
      examples: [KINDS[kind].example],
    })
    .transform((input, ctx) => {
      const result = parseQuantity(input, kind, bounds);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.message, input });
      return z.NEVER;
    });
}

function failureMessage(input: unknown, kind: QuantityKind): string {
  const result = convert(input, kind);
  return result.ok ? expected(kind) : result.message;
}
