/**
 * A scenario's `cost:` block: the prices and carbon intensity fleet cost uses
 * (fleet-cost.ts). `costField` is the energy-and-egress block every workload
 * takes; `fleetCostField` adds what a deployment costs to own or rent
 * (capital, host overhead, cloud rental, cellular data), which the inference
 * workload prices (see {@link fleetCostBreakdown}).
 */
import { z } from 'zod';
import { quantity } from '../scenario/units.js';
import { INTERFACES } from '../vocabulary/network-interface.js';

const baseFields = {
  electricity: quantity('pricePerEnergy', { min: 0 }, 'Electricity price').default(0.127),
  carbon: quantity('carbonIntensity', { min: 0 }, 'Grid carbon intensity').default(370),
  egress: quantity('pricePerBytes', { min: 0 }, 'Price of bytes leaving the cloud tier').default(
    0.09,
  ),
};

/** The `cost:` field, defaults filled in. */
export const costField = z
  .strictObject(baseFields)
  .default({ electricity: 0.127, carbon: 370, egress: 0.09 });

/** A validated `cost:` block. */
export type CostSpec = z.output<typeof costField>;

/** Default amortisation: 3 years of 8760 h, s. */
export const DEFAULT_AMORTISATION_S = 3 * 8760 * 3600;

const fleetDefaults = {
  electricity: 0.127,
  carbon: 370,
  egress: 0.09,
  amortisation: DEFAULT_AMORTISATION_S,
  includeDevices: false,
  hostPower: 0,
  pue: 1,
  data: {},
};

/** The inference workload's `cost:` field: the base prices plus ownership, rental and data. */
export const fleetCostField = z
  .strictObject({
    ...baseFields,
    amortisation: quantity(
      'duration',
      { min: 0, exclusiveMin: true },
      'Lifetime over which a purchase price is spread (default 3 years)',
    ).default(DEFAULT_AMORTISATION_S),
    includeDevices: z
      .boolean()
      .default(false)
      .describe("Charge the devices' purchase price too (default false: devices already owned)"),
    hostPower: quantity(
      'power',
      { min: 0 },
      'Power of the host around each owned server (CPU, memory, fans), drawn all run',
    ).default(0),
    pue: z
      .number()
      .min(1)
      .max(10)
      .default(1)
      .describe(
        "Power usage effectiveness of owned servers' racks: facility energy per IT energy (1: none)",
      ),
    data: z
      .partialRecord(z.enum(INTERFACES), quantity('pricePerBytes', { min: 0 }))
      .default({})
      .describe('Price of data devices move over their cell, per technology ({ lte: $2/GB })'),
  })
  .default(fleetDefaults);

/** A validated inference `cost:` block. */
export type FleetCostSpec = z.output<typeof fleetCostField>;
