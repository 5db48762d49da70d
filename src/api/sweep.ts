/**
 * Entry point of `edgesim sweep`, `merge` and `report`: the part of the public
 * API (src/index.ts) they need, loaded by the CLI only when one of them runs.
 */
export { mergeShards } from '../sweep/merge.js';
export { renderSweepReport } from '../sweep/render.js';
export type { SweepOptions, SweepOutcome } from '../sweep/run-sweep.js';
export { runSweepFile } from '../sweep/run-sweep.js';
