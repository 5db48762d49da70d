/** A scenario's `cost:` block: the prices and carbon intensity fleet cost uses (fleet-cost.ts). */
import { z } from 'zod';
import { quantity } from '../scenario/units.js';

/** The `cost:` field, defaults filled in. */
export const costField = z
  .strictObject({
    electricity: quantity('pricePerEnergy', { min: 0 }, 'Electricity price').default(0.127),
    carbon: quantity('carbonIntensity', { min: 0 }, 'Grid carbon intensity').default(370),
    egress: quantity('pricePerBytes', { min: 0 }, 'Price of bytes leaving the cloud tier').default(
      0.09,
    ),
  })
  .default({ electricity: 0.127, carbon: 370, egress: 0.09 });

/** A validated `cost:` block. */
export type CostSpec = z.output<typeof costField>;
