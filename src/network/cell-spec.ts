/**
 * A scenario's `cells:` block: overrides of a technology's defaults for the
 * cells and access points devices name (network/cells.ts builds them).
 */
import { z } from 'zod';
import { name } from '../scenario/header.js';
import { MAX_BITRATE_BPS, MAX_CELLS, MAX_DURATION_S } from '../scenario/limits.js';
import { quantity } from '../scenario/units.js';

const duration = { min: 0, max: MAX_DURATION_S } as const;
const bitrate = { min: 0, exclusiveMin: true, max: MAX_BITRATE_BPS } as const;

/** One cell's overrides. */
export const cellSpec = z.strictObject({
  uplink: quantity('bitrate', bitrate, 'Uplink capacity shared by the cell').optional(),
  downlink: quantity('bitrate', bitrate, 'Downlink capacity shared by the cell').optional(),
  rtt: quantity('duration', duration, 'Round-trip time to the first server').optional(),
  // A loss of 1 would make every bit cost infinitely many on the air.
  loss: quantity(
    'fraction',
    { min: 0, max: 1, exclusiveMax: true },
    'Packet loss probability',
  ).optional(),
  uplinkTrace: z
    .string()
    .min(1)
    .optional()
    .describe('Mahimahi trace file for the uplink capacity (replaces uplink)'),
  downlinkTrace: z
    .string()
    .min(1)
    .optional()
    .describe('Mahimahi trace file for the downlink capacity (replaces downlink)'),
});

/** The `cells:` field: overrides by cell name. */
export const cellsField = z
  .record(name, cellSpec)
  .refine((c) => Object.keys(c).length <= MAX_CELLS, `at most ${MAX_CELLS} cells`)
  .default({})
  .describe('Overrides of the technology defaults, by cell name');

/** A validated `cells:` block. */
export type CellSpecs = z.output<typeof cellsField>;
/** One cell's validated overrides. */
export type CellSpec = z.output<typeof cellSpec>;
