/** Reading what CI reads: the published JSON Schemas (docs/schemas) and JUnit XML, with real parsers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import { z } from 'zod';

/** A published schema (docs/schemas/<name>), parsed. */
export function publishedJson(name: string): object {
  return JSON.parse(readFileSync(join('docs', 'schemas', name), 'utf8'));
}

/** A published schema as a validator. */
export function published(name: string): z.ZodType {
  return z.fromJSONSchema(publishedJson(name) as Parameters<typeof z.fromJSONSchema>[0]);
}

/** Test cases of a JUnit file, parsed (the file must be well-formed XML). */
export function junitCases(file: string): { name: string; failure?: unknown; skipped?: unknown }[] {
  const text = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(text)).toBe(true);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testcase',
  }).parse(text);
  return parsed.testsuites.testsuite.testcase;
}
