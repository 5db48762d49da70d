import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BASE_UNIT, parseQuantity, type QuantityKind, quantity } from '../../src/scenario/units.js';

function parsedValue(input: number | string, kind: QuantityKind): number {
  const result = parseQuantity(input, kind);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse: ${result.message}`);
  return result.value;
}

function messageOf(input: number | string, kind: QuantityKind): string {
  const result = parseQuantity(input, kind);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to fail, got ${result.value}`);
  return result.message;
}

describe('parseQuantity: conversion to the base unit', () => {
  // [input, kind, value in the base unit, worked out by hand]
  const exact: ReadonlyArray<readonly [string, QuantityKind, number]> = [
    ['250 ms', 'duration', 0.25],
    ['6 h', 'duration', 21_600], // 6 * 3600
    ['2 days', 'duration', 172_800], // 2 * 86400
    ['1.5 min', 'duration', 90],
    ['1 month', 'duration', 2_628_000], // 730 h * 3600
    ['1 year', 'duration', 31_536_000], // 365 * 86400
    ['3.5/s', 'rate', 3.5],
    ['3.5 per s', 'rate', 3.5],
    ['120/min', 'rate', 2],
    ['10 req/s', 'rate', 10],
    ['2 Hz', 'rate', 2],
    ['20 Mbps', 'bitrate', 20e6],
    ['1 Gbps', 'bitrate', 1e9],
    ['250 kbit/s', 'bitrate', 250e3],
    ['264 bps', 'bitrate', 264],
    ['300 MB/s', 'bitrate', 2.4e9], // 300e6 bytes * 8
    ['25.6 GB/s', 'byteRate', 25.6e9],
    ['300 MB/s', 'byteRate', 300e6],
    ['2 GB', 'bytes', 2e9],
    ['2 GiB', 'bytes', 2_147_483_648], // 2^31
    ['512 KB', 'bytes', 512_000],
    ['1 kB', 'bytes', 1000],
    ['1 MiB', 'bytes', 1_048_576], // 2^20
    ['44 B', 'bytes', 44],
    ['8 Mbit', 'bytes', 1e6], // 8e6 bits / 8
    ['1 PiB', 'bytes', 1_125_899_906_842_624], // 2^50, more digits than a double prints
    ['5 W', 'power', 5],
    ['160.6 mW', 'power', 0.1606],
    ['15 Wh', 'energy', 54_000], // 15 * 3600
    ['1 kWh', 'energy', 3.6e6],
    ['8.71 mJ', 'energy', 0.00871],
    ['8.2 GFLOP', 'flops', 8.2e9],
    ['600 MFLOP', 'flops', 600e6],
    ['3 GOP', 'flops', 3e9],
    ['4 TOPS', 'flopRate', 4e12],
    ['48 GFLOPS', 'flopRate', 48e9],
    ['1.28 TFLOP/s', 'flopRate', 1.28e12],
    ['0.96 GFLOP/s', 'flopRate', 0.96e9],
    ['$75', 'money', 75],
    ['75 USD', 'money', 75],
    ['$1500', 'money', 1500],
    ['$1,500', 'money', 1500],
    ['$0.12/kWh', 'pricePerEnergy', 0.12],
    ['0.12 USD/kWh', 'pricePerEnergy', 0.12],
    ['12 cents/kWh', 'pricePerEnergy', 0.12],
    ['$0.09/GB', 'pricePerBytes', 0.09],
    ['$1.844/h', 'pricePerTime', 1.844],
    ['$730/month', 'pricePerTime', 1], // a month is 730 h
    ['481 gCO2/kWh', 'carbonIntensity', 481],
    ['0.481 kgCO2/kWh', 'carbonIntensity', 481],
    ['1 tCO2/MWh', 'carbonIntensity', 1000], // 1e6 g per 1000 kWh
    ['80%', 'fraction', 0.8],
    ['0.8', 'fraction', 0.8],
  ];
  for (const [input, kind, value] of exact) {
    it(`reads "${input}" as ${kind} ${value} ${BASE_UNIT[kind]}`, () => {
      expect(parsedValue(input, kind)).toBe(value);
    });
  }

  it('keeps an inexact conversion as close as floating point allows', () => {
    // 300 USD / 730 h
    expect(parsedValue('$300/month', 'pricePerTime')).toBeCloseTo(0.410958904109589, 15);
  });

  it('takes a bare number as already in the base unit', () => {
    expect(parsedValue(0.25, 'duration')).toBe(0.25);
  });

  it('takes a numeric string as already in the base unit', () => {
    expect(parsedValue(' 1e3 ', 'bytes')).toBe(1000);
  });

  it('accepts a sign on a quantity with a unit', () => {
    expect(parsedValue('-5 min', 'duration')).toBe(-300);
  });
});

describe('parseQuantity: rejected input', () => {
  it('names the dimension of a unit of the wrong kind', () => {
    expect(messageOf('20 Mbps', 'duration')).toBe(
      'expected a duration (e.g. "250 ms", or a number of seconds), got "20 Mbps", which is a bit rate',
    );
  });

  it('calls a bytes-per-second unit a byte rate', () => {
    expect(messageOf('25.6 GB/s', 'power')).toMatch(/got "25\.6 GB\/s", which is a byte rate$/);
  });

  it('calls a percentage given for a duration a plain number', () => {
    expect(messageOf('80%', 'duration')).toMatch(/got "80%", which is a plain number$/);
  });

  it('tells a compute rate from an operation count', () => {
    expect(messageOf('4 TOPS', 'flops')).toBe(
      'expected an operation count (e.g. "8.2 GFLOP", or FLOPs), got "4 TOPS", which is a compute rate',
    );
  });

  it('shows the units of a dimension no kind has', () => {
    expect(messageOf('5 kg', 'duration')).toMatch(/got "5 kg", which is in kg$/);
  });

  it('names an unknown unit', () => {
    expect(messageOf('20 Mfoo', 'duration')).toBe(
      'unknown unit "Mfoo" in "20 Mfoo"; expected a duration (e.g. "250 ms", or a number of seconds)',
    );
  });

  it('rejects text that does not start with a number', () => {
    expect(messageOf('fast', 'bitrate')).toBe(
      'expected a bit rate (e.g. "20 Mbps", or bits per second), got "fast"',
    );
  });

  it('rejects text mathjs cannot read', () => {
    expect(messageOf('5 s,', 'duration')).toMatch(/^cannot read "5 s," as a quantity; expected/);
  });

  it('rejects an empty string', () => {
    expect(messageOf('  ', 'duration')).toMatch(/^expected a duration .*, got " {2}"$/);
  });

  it('rejects NaN', () => {
    expect(messageOf(Number.NaN, 'duration')).toMatch(/, got NaN$/);
  });

  it('rejects Infinity', () => {
    expect(messageOf(Number.POSITIVE_INFINITY, 'duration')).toMatch(/, got Infinity$/);
  });

  it('rejects "NaN" and "Infinity" written as text', () => {
    expect(messageOf('NaN', 'duration')).toMatch(/, got "NaN"$/);
    expect(messageOf('Infinity s', 'duration')).toMatch(/, got "Infinity s"$/);
  });

  it('rejects text whose value overflows to infinity', () => {
    expect(messageOf('1e400 s', 'duration')).toMatch(
      /got "1e400 s", which is not a finite number$/,
    );
  });

  it('rejects a value that is neither number nor string', () => {
    const result = parseQuantity(true as unknown as string, 'duration');
    expect(result).toEqual({
      ok: false,
      message: 'expected a duration (e.g. "250 ms", or a number of seconds), got true (a boolean)',
    });
  });
});

describe('parseQuantity: bounds on the converted value', () => {
  it('rejects a value below min, quoting the input', () => {
    expect(parseQuantity('-5 s', 'duration', { min: 0 })).toEqual({
      ok: false,
      message: 'must be >= 0 s, got "-5 s"',
    });
  });

  it('shows the converted value when it differs from the number written', () => {
    expect(parseQuantity('120%', 'fraction', { max: 1 })).toEqual({
      ok: false,
      message: 'must be <= 1, got "120%" (= 1.2)',
    });
  });

  it('rejects min itself when min is exclusive', () => {
    expect(parseQuantity(0, 'rate', { min: 0, exclusiveMin: true })).toEqual({
      ok: false,
      message: 'must be > 0/s, got 0',
    });
  });

  it('accepts min itself when min is inclusive', () => {
    expect(parseQuantity(0, 'rate', { min: 0 })).toEqual({ ok: true, value: 0 });
  });

  it('checks bounds after conversion', () => {
    // 500 ms is 0.5 s, below a 1 s minimum even though 500 > 1
    expect(parseQuantity('500 ms', 'duration', { min: 1 })).toEqual({
      ok: false,
      message: 'must be >= 1 s, got "500 ms" (= 0.5 s)',
    });
  });

  it('rejects a fractional value where a whole number is required', () => {
    expect(parseQuantity('1.5 B', 'bytes', { integer: true })).toEqual({
      ok: false,
      message: 'must be a whole number of B, got "1.5 B"',
    });
  });

  it('accepts a whole number of base units written with a prefix', () => {
    expect(parseQuantity('2 KiB', 'bytes', { integer: true })).toEqual({ ok: true, value: 2048 });
  });
});

describe('quantity: zod schema', () => {
  const scenario = z.strictObject({
    fleet: z.array(
      z.strictObject({
        network: z.strictObject({ uplink: quantity('bitrate', { min: 0, exclusiveMin: true }) }),
      }),
    ),
  });

  it('outputs numbers in the base unit at any depth', () => {
    const parsed = scenario.parse({ fleet: [{ network: { uplink: '20 Mbps' } }] });
    expect(parsed).toEqual({ fleet: [{ network: { uplink: 20e6 } }] });
  });

  it('reports one custom issue with path, input and message', () => {
    const data = { fleet: [{ network: { uplink: '5 W' } }] };
    const result = scenario.safeParse(data, { reportInput: true });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      {
        code: 'custom',
        path: ['fleet', 0, 'network', 'uplink'],
        input: '5 W',
        message:
          'expected a bit rate (e.g. "20 Mbps", or bits per second), got "5 W", which is a power',
      },
    ]);
  });

  it('reports a bound violation as one issue', () => {
    const result = scenario.safeParse({ fleet: [{ network: { uplink: 0 } }] });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be > 0 bit/s, got 0',
    ]);
  });

  it('reports input of the wrong type as one issue with the same wording', () => {
    const result = quantity('duration').safeParse(null);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toBe(
      'expected a duration (e.g. "250 ms", or a number of seconds), got null',
    );
  });

  it('reports NaN with the quantity wording, not zod’s', () => {
    const result = quantity('duration').safeParse(Number.NaN);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'expected a duration (e.g. "250 ms", or a number of seconds), got NaN',
    ]);
  });

  it('describes its input side in JSON Schema as a number or a string', () => {
    const jsonSchema = z.toJSONSchema(z.strictObject({ timeout: quantity('duration') }), {
      io: 'input',
    });
    expect(jsonSchema.properties?.timeout).toEqual({
      type: ['number', 'string'],
      description: 'Duration in s: a number of seconds, or text with a unit such as "250 ms".',
      examples: ['250 ms'],
    });
  });

  it('states the bounds in the JSON Schema description', () => {
    const jsonSchema = z.toJSONSchema(quantity('rate', { min: 0, exclusiveMin: true }), {
      io: 'input',
    });
    expect(jsonSchema.description).toBe(
      'Rate in 1/s: a number per second, or text with a unit such as "3.5/s"; must be > 0/s.',
    );
  });
});
