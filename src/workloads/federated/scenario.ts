/**
 * The federated workload's part of a scenario: a fleet whose devices are the
 * clients (device groups without arrivals), its cells, cost, and how rounds
 * run on it (the `federated:` section, schema.ts).
 */
import { costField } from '../../cost/spec.js';
import { radioField } from '../../energy/radio-spec.js';
import { deviceClassSpec, fleetOf } from '../../fleet/spec.js';
import { cellsField } from '../../network/cell-spec.js';
import type { ScenarioInputOf, ScenarioOf } from '../../scenario/header.js';
import { federatedSection } from './schema.js';

/** The federated workload's top-level fields, beside the scenario header. */
export const federatedFields = {
  fleet: fleetOf(deviceClassSpec).describe('Client devices'),
  cells: cellsField,
  cost: costField,
  radio: radioField,
  federated: federatedSection,
};

/** A federated-learning scenario after validation. */
export type FederatedScenario = ScenarioOf<typeof federatedFields>;
/** A federated-learning scenario as written. */
export type FederatedScenarioInput = ScenarioInputOf<typeof federatedFields>;
