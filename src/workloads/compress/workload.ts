/**
 * The compress workload: train a model, apply compression pipelines, measure
 * every variant. Its run loads TensorFlow.js, so `run` imports it lazily.
 */
import type { Workload } from '../workload.js';
import { compressionReport } from './report.js';
import { type ResolvedCompression, resolveCompression } from './resolve.js';
import { type CompressScenario, compressFields } from './scenario.js';

export const compressWorkload: Workload<
  typeof compressFields,
  CompressScenario,
  ResolvedCompression
> = {
  name: 'compress',
  schema: { marker: 'compress', fields: compressFields },
  resolve: resolveCompression,
  async run(resolved, seed, progress) {
    const { runCompression } = await import('./run.js');
    return runCompression(resolved, seed, progress);
  },
  report: (resolved, tables) =>
    compressionReport(resolved.scenario.name, tables, resolved.profiles),
};
