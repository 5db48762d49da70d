/**
 * How big an llm run is before it runs (src/run-budget.ts's contract):
 *
 *   events = requests x EVENTS_PER_LLM_REQUEST + devices
 *   memory = BYTES_PER_LLM_DEVICE x devices + BYTES_PER_LLM_REQUEST x requests
 *
 * with requests = sum over groups of devices x mean arrival rate x duration.
 * A request served remotely fires its arrival, three transfers (the prompt
 * up, the first token and the last chunk down: a promotion, a flow end and
 * a lead each at most) and two half round trips, and a few batcher events
 * (decode advances in closed form between batch changes): 16 allows for all
 * of them. BYTES_PER_LLM_REQUEST is the request log's 37 bytes a request
 * (log.ts), doubled for its growth; BYTES_PER_LLM_DEVICE is the fleet's
 * 1,500 (run-budget.ts) and the device's queue and arrival state.
 */
import { RandomStreams } from '../../engine/random.js';
import { arrivalProcess } from '../arrivals.js';
import type { ResolvedLlm } from './resolve.js';

export const EVENTS_PER_LLM_REQUEST = 16;
export const BYTES_PER_LLM_REQUEST = 80;
export const BYTES_PER_LLM_DEVICE = 1800;

export function estimateLlm(resolved: ResolvedLlm): {
  events: number;
  memoryBytes: number;
  explanation: string;
  path: string;
} {
  const { scenario } = resolved;
  const streams = new RandomStreams(0);
  let devices = 0;
  let requests = 0;
  for (const { spec } of resolved.groups) {
    const rate = arrivalProcess(spec.arrivals, streams.stream('estimate'), {
      baseDir: resolved.baseDir,
    }).meanRatePerS;
    devices += spec.count;
    requests += spec.count * rate * scenario.duration;
  }
  return {
    events: requests * EVENTS_PER_LLM_REQUEST + devices,
    memoryBytes: BYTES_PER_LLM_DEVICE * devices + BYTES_PER_LLM_REQUEST * requests,
    explanation: `${devices.toLocaleString('en-US')} devices for ${scenario.duration} s, about ${Math.round(requests).toLocaleString('en-US')} requests`,
    path: 'fleet',
  };
}
