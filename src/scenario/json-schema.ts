import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/**
 * The JSON Schema (draft 2020-12) of scenario files as written: quantities
 * accept a number in the base unit or a string with units. Editors use it for
 * completion and checks (`# yaml-language-server: $schema=...`).
 */
export function scenarioJsonSchema(): object {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'edgesim scenario',
  };
}
