/** The compress workload's part of a scenario: its `compress:` section (schema.ts). */
import type { ScenarioInputOf, ScenarioOf } from '../../scenario/header.js';
import { compressSection } from './schema.js';

/** The compress workload's top-level fields, beside the scenario header. */
export const compressFields = { compress: compressSection };

/** A compression scenario after validation. */
export type CompressScenario = ScenarioOf<typeof compressFields>;
/** A compression scenario as written. */
export type CompressScenarioInput = ScenarioInputOf<typeof compressFields>;
