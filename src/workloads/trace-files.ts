/**
 * Opens and parses every trace file a fleet names (arrival, availability and
 * cell bandwidth traces) when a scenario is prepared, so that a missing or
 * malformed trace is an input error from `validate`, and before any run of a
 * sweep starts, rather than a failure when a run reaches the device.
 */
import { RandomStreams } from '../engine/random.js';
import { InputError, type InputProblem } from '../errors.js';
import { type AvailabilitySpec, availabilityProcess } from '../fleet/availability.js';
import { parseMahimahi } from '../network/traces.js';
import { readTextFile } from '../scenario/data-file.js';
import type { FleetScenario } from '../scenario/schema.js';
import { type ArrivalSpec, arrivalProcess } from './inference/arrivals.js';

/** What of a scenario names trace files: its groups' availability (and arrivals) and its cells. */
export interface TracedFleet {
  readonly fleet: readonly { availability: AvailabilitySpec; arrivals?: ArrivalSpec }[];
  readonly cells: FleetScenario['cells'];
}

/**
 * Reads and parses each trace `scenario` names, as a run would (same parsers,
 * same period checks), relative to `baseDir`. Returns one problem per bad
 * trace at its field path (`fleet[0].arrivals.file`, `cells.ap.uplinkTrace`),
 * the trace file's own problems in its message; none when all are good.
 */
export function traceProblems(scenario: TracedFleet, baseDir: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const checked = new Set<string>();
  const attempt = (path: string, key: string, open: () => unknown) => {
    if (checked.has(key)) return;
    checked.add(key);
    try {
      open();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ path, message: describeTraceError(error) });
    }
  };
  // The trace models draw nothing; a stream is only what their builders take.
  const rng = new RandomStreams(0).stream('trace-check');
  scenario.fleet.forEach((group, i) => {
    const { availability, arrivals } = group;
    if (availability.kind === 'trace') {
      attempt(`fleet[${i}].availability.file`, JSON.stringify(availability), () =>
        availabilityProcess(availability, rng, { baseDir }),
      );
    }
    if (arrivals?.kind === 'trace') {
      attempt(`fleet[${i}].arrivals.file`, JSON.stringify(arrivals), () =>
        arrivalProcess(arrivals, rng, { baseDir }),
      );
    }
  });
  for (const [name, cell] of Object.entries(scenario.cells)) {
    for (const field of ['uplinkTrace', 'downlinkTrace'] as const) {
      const file = cell[field];
      if (file === undefined) continue;
      attempt(`cells.${name}.${field}`, `mahimahi\u0000${file}`, () => {
        const { path, text } = readTextFile(file, baseDir);
        return parseMahimahi(text, path);
      });
    }
  }
  return problems;
}

/** "trace.csv: line 3: time_s must be ..." from a trace file's own InputError. */
function describeTraceError(error: InputError): string {
  const details = error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  return `${error.file}: ${details.join('; ')}`;
}
