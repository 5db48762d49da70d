/**
 * The llm workload: chat requests from a fleet to language models on the
 * devices, edge servers or the cloud, token by token: prefill and decode on
 * each piece of hardware, continuous batching on servers, tokens streamed
 * back over the cells.
 */
import type { Workload } from '../workload.js';
import { llmReport } from './report.js';
import { type ResolvedLlm, resolveLlm } from './resolve.js';
import { checkLlmScenario, type LlmScenario, llmFields } from './schema.js';

export const llmWorkload: Workload<typeof llmFields, LlmScenario, ResolvedLlm> = {
  name: 'llm',
  schema: { marker: 'llm', fields: llmFields, check: checkLlmScenario },
  resolve: resolveLlm,
  async run(resolved, seed, progress) {
    const { runLlm } = await import('./run.js');
    return runLlm(resolved, seed, progress);
  },
  report: (resolved, tables) => llmReport(resolved.scenario.name, tables),
};
