/**
 * `workload.inference.split`: the options of split computing
 * (`placement: split`).
 */
import { z } from 'zod';

export const splitField = z.strictObject({}).describe('Options of `placement: split`');
