/**
 * The fields every scenario starts with, whatever its workload, and the
 * field helpers the workloads' schemas share. Generic: imports nothing above
 * scenario/.
 */
import { z } from 'zod';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from './limits.js';

/** A name that identifies a group, server, cell or variant in results. */
export const name = z
  .string()
  .max(MAX_NAME_LENGTH)
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    'must start with a letter and use only letters, digits, _ . -',
  );

/**
 * The header fields of every scenario. (The `report` block, which shapes a
 * sweep's report, is added where the schema is assembled: workloads/scenario.ts.)
 */
export const scenarioHeader = {
  $schema: z.string().optional().describe('JSON Schema reference for editors; ignored by edgesim'),
  name: z.string().min(1).max(MAX_NAME_LENGTH).describe('Name of the scenario, shown in results'),
  description: z.string().max(MAX_TEXT_LENGTH).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe('Base seed of every random stream; --seed overrides it'),
};

/** A validated scenario as a workload with `Fields` sees it: the header's fields and its own. */
export type ScenarioOf<Fields extends z.ZodRawShape> = z.output<
  z.ZodObject<typeof scenarioHeader & Fields>
>;

/** A scenario as written (before validation) for a workload with `Fields`. */
export type ScenarioInputOf<Fields extends z.ZodRawShape> = z.input<
  z.ZodObject<typeof scenarioHeader & Fields>
>;
