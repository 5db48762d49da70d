// Measures what src/run-budget.ts estimates, for one scenario per process:
// devices, requests (fleet) or client rounds (federated), events fired, live heap
// and array-buffer growth over the run (after a GC) and peak RSS, next to the estimate.
// Usage (after `npm run build`):
//   node --expose-gc scripts/calibrate-run-budget.mjs scenarios/fleet-10k.yaml
import { Simulation } from '../dist/engine/simulation.js';
import { prepareScenario, runPrepared } from '../dist/run.js';
import { estimateRun } from '../dist/run-budget.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: calibrate-run-budget.mjs <fleet scenario>');

let events = 0;
let peakHeapBytes = 0;
let peakExternalBytes = 0;
const run = Simulation.prototype.run;
Simulation.prototype.run = function patched(...args) {
  const before = this.eventsFired;
  const reason = run.apply(this, args);
  events += this.eventsFired - before;
  globalThis.gc?.(); // what is live at the end of the run, when everything the run holds is largest
  const usage = process.memoryUsage();
  peakHeapBytes = Math.max(peakHeapBytes, usage.heapUsed);
  peakExternalBytes = Math.max(peakExternalBytes, usage.arrayBuffers);
  return reason;
};

const { loaded, prepared } = prepareScenario(file);
globalThis.gc?.();
const base = process.memoryUsage();
const started = performance.now();
const { tables } = await runPrepared(prepared, loaded.scenario.seed);
const wallS = (performance.now() - started) / 1000;
const estimate = estimateRun(prepared);
const devices = prepared.resolved.groups?.reduce((n, g) => n + g.spec.count, 0) ?? 0;
const requests =
  prepared.kind === 'fleet'
    ? tables.summary.rows[0][tables.summary.columns.indexOf('requests')]
    : prepared.kind === 'federated'
      ? tables.rounds.rows.length * prepared.resolved.scenario.federated.clientsPerRound
      : 0;
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
console.log(
  [
    `${file}: ${devices} devices, ${requests} requests or client rounds, ${events} events`,
    `(${(events / requests).toFixed(2)} per request) in ${wallS.toFixed(1)} s`,
    `heap +${mb(peakHeapBytes - base.heapUsed)}, array buffers +${mb(peakExternalBytes - base.arrayBuffers)},`,
    `peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
    `| estimate: ${estimate.events.toExponential(3)} events, ${mb(estimate.memoryBytes)}`,
  ].join(' '),
);
