/**
 * The federated workload: rounds of federated learning on a fleet whose
 * devices are the clients. Its run loads TensorFlow.js, so `run` imports it
 * lazily.
 */
import type { Workload } from '../workload.js';
import { federatedCurve } from './curve.js';
import { federatedReport } from './report.js';
import { type ResolvedFederated, resolveFederated } from './resolve.js';
import { type FederatedScenario, federatedFields } from './scenario.js';

export const federatedWorkload: Workload<
  typeof federatedFields,
  FederatedScenario,
  ResolvedFederated
> = {
  name: 'federated',
  schema: { marker: 'federated', fields: federatedFields },
  resolve: resolveFederated,
  async run(resolved, seed, progress) {
    const { runFederated } = await import('./run.js');
    return runFederated(resolved, seed, progress);
  },
  report: (resolved, tables) => federatedReport(resolved.scenario.name, tables),
  curve: federatedCurve,
};
