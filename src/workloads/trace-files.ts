/**
 * Opens and parses every trace file a fleet names (arrival, availability and
 * cell bandwidth traces) when a scenario is prepared, so that a missing or
 * malformed trace is an input error from `validate`, and before any run of a
 * sweep starts, rather than a failure when a run reaches the device. The
 * readers are the ones runs use: their parses are cached (input-cache.ts), so
 * a run does not read a trace again.
 */
import { RandomStreams } from '../engine/random.js';
import { InputError, type InputProblem } from '../errors.js';
import { type AvailabilitySpec, availabilityProcess } from '../fleet/availability.js';
import type { CellSpecs } from '../network/cell-spec.js';
import { readBandwidthTrace } from '../network/cells.js';
import { type ArrivalSpec, arrivalProcess } from './arrivals.js';

/** What of a scenario names trace files: its groups' availability (and arrivals) and its cells. */
export interface TracedFleet {
  readonly fleet: readonly { availability: AvailabilitySpec; arrivals?: ArrivalSpec }[];
  readonly cells: CellSpecs;
}

/**
 * Reads and parses each trace `scenario` (the file `scenarioFile`) names, as a
 * run would (same readers, same period checks), relative to its directory
 * `baseDir`. Returns the problems at their field paths
 * (`fleet[0].arrivals.file`, `cells.ap.uplinkTrace`), the trace file and its
 * bad lines in the message; none when every trace is good.
 */
export function traceProblems(
  scenario: TracedFleet,
  scenarioFile: string,
  baseDir: string,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const attempt = (path: string, open: () => unknown) => {
    try {
      open();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...asScenarioProblems(error, scenarioFile, path));
    }
  };
  const namedIn = (path: string) => ({ baseDir, namedIn: { file: scenarioFile, path } });
  // The trace models draw nothing; a stream is only what their builders take.
  const rng = new RandomStreams(0).stream('trace-check');
  scenario.fleet.forEach((group, i) => {
    const { availability, arrivals } = group;
    if (availability.kind === 'trace') {
      const path = `fleet[${i}].availability`;
      attempt(path, () => availabilityProcess(availability, rng, namedIn(path)));
    }
    if (arrivals?.kind === 'trace') {
      const path = `fleet[${i}].arrivals`;
      attempt(path, () => arrivalProcess(arrivals, rng, namedIn(path)));
    }
  });
  for (const [name, cell] of Object.entries(scenario.cells)) {
    for (const field of ['uplinkTrace', 'downlinkTrace'] as const) {
      const file = cell[field];
      if (file === undefined) continue;
      const path = `cells.${name}.${field}`;
      attempt(path, () => readBandwidthTrace(file, namedIn(path)));
    }
  }
  return problems;
}

/** The error's problems as the scenario's (the readers address them so); another file's, at `path`. */
function asScenarioProblems(error: InputError, scenarioFile: string, path: string) {
  if (error.file === scenarioFile) return error.problems;
  const details = error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  return [{ path, message: `${error.file}: ${details.join('; ')}` }];
}
