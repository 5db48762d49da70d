import { ProcessorSharing } from '../engine/processor-sharing.js';
import type { Simulation } from '../engine/simulation.js';
import { readNamedTrace } from '../scenario/input-cache.js';
import type { TraceReadOptions } from '../scenario/input-file.js';
import { formatPath } from '../scenario/problems.js';
import type { NetworkInterface } from '../vocabulary/network-interface.js';
import type { CellSpec, CellSpecs } from './cell-spec.js';
import { TECHNOLOGIES } from './technologies.js';
import {
  type CapacitySteps,
  capacityAt,
  capacitySteps,
  nextStepS,
  parseMahimahi,
} from './traces.js';

/**
 * An access point or cell: its uplink and downlink are processor-sharing
 * resources whose capacity (bit/s) the transfers of all its devices share,
 * so k simultaneous uploads each get 1/k of it.
 */
export interface Cell {
  readonly name: string;
  readonly technology: NetworkInterface;
  readonly uplink: ProcessorSharing;
  readonly downlink: ProcessorSharing;
  readonly rttS: number;
  /** Bits on the air per bit delivered: 1 / (1 - loss). */
  readonly airBitsPerBit: number;
  /** See {@link Technology.dutyCycle}. */
  readonly dutyCycle: number;
}

/** What cells need of a device group (fleet/spec.ts's DeviceClassSpec has it). */
export interface GroupOnCells {
  readonly name: string;
  readonly count: number;
  readonly network: {
    readonly technology: NetworkInterface;
    readonly cell?: string | undefined;
    readonly devicesPerCell?: number | undefined;
  };
}

/** The cells of a scenario and which cell each device is in. */
export interface CellPlan {
  cells: Cell[];
  /** Cell index of each device. */
  cellOf: Uint32Array;
}

/**
 * Builds the cells a fleet attaches to. A group's devices join the cell
 * named in `network.cell` (default: the group's name); with `devicesPerCell`
 * they are split over cells `<cell>#0`, `<cell>#1`, ... of that size.
 * Technology defaults are overridden by `cells.<name>` (a split cell also
 * takes the overrides of its base name).
 */
export function buildCells(
  sim: Simulation,
  scenario: { readonly cells: CellSpecs; readonly fleet: readonly GroupOnCells[] },
  options: CellOptions | string = {},
): CellPlan {
  const { baseDir = '.', scenarioFile } =
    typeof options === 'string' ? { baseDir: options } : options;
  const stepsOf = (file: string, path: readonly string[]): CapacitySteps =>
    readBandwidthTrace(file, {
      baseDir,
      ...(scenarioFile === undefined
        ? {}
        : { namedIn: { file: scenarioFile, path: formatPath(path) } }),
    });
  const cells: Cell[] = [];
  const indexOf = new Map<string, number>();
  const total = scenario.fleet.reduce((n, g) => n + g.count, 0);
  const cellOf = new Uint32Array(total);
  let d = 0;
  for (const group of scenario.fleet) {
    const base = group.network.cell ?? group.name;
    for (let i = 0; i < group.count; i++, d++) {
      const perCell = group.network.devicesPerCell;
      const name = perCell === undefined ? base : `${base}#${Math.floor(i / perCell)}`;
      let index = indexOf.get(name);
      if (index === undefined) {
        index = cells.length;
        const key = scenario.cells[name] === undefined ? base : name;
        const traceOf = (field: string) => (file: string) => stepsOf(file, ['cells', key, field]);
        cells.push(
          makeCell(sim, name, group.network.technology, scenario.cells[key], {
            uplink: traceOf('uplinkTrace'),
            downlink: traceOf('downlinkTrace'),
          }),
        );
        indexOf.set(name, index);
      }
      cellOf[d] = index;
    }
  }
  return { cells, cellOf };
}

function makeCell(
  sim: Simulation,
  name: string,
  technology: NetworkInterface,
  override: CellSpec | undefined,
  stepsOf: { uplink: (file: string) => CapacitySteps; downlink: (file: string) => CapacitySteps },
): Cell {
  const defaults = TECHNOLOGIES[technology];
  const loss = override?.loss ?? defaults.loss;
  const link = (
    bps: number | undefined,
    fallbackBps: number,
    trace: string | undefined,
    steps: (file: string) => CapacitySteps,
  ) =>
    trace === undefined
      ? new ProcessorSharing(sim, bps ?? fallbackBps)
      : tracedLink(sim, steps(trace));
  return {
    name,
    technology,
    uplink: link(override?.uplink, defaults.uplinkBps, override?.uplinkTrace, stepsOf.uplink),
    downlink: link(
      override?.downlink,
      defaults.downlinkBps,
      override?.downlinkTrace,
      stepsOf.downlink,
    ),
    rttS: override?.rtt ?? defaults.rttS,
    airBitsPerBit: 1 / (1 - loss),
    dutyCycle: defaults.dutyCycle,
  };
}

/** Capacity of a traced link is averaged over windows of this length, s. */
export const TRACE_WINDOW_S = 0.1;

/** Where {@link buildCells} finds trace files and how it names them in errors. */
export interface CellOptions {
  /** Directory relative trace paths are read from (the scenario's); default `.`. */
  baseDir?: string;
  /** The scenario file, so that a trace error names it and the field (`cells.ap.uplinkTrace`). */
  scenarioFile?: string;
}

const STEPS_PARSER = {
  id: `mahimahi-steps-${TRACE_WINDOW_S}s`,
  parse: (text: string, file: string) => capacitySteps(parseMahimahi(text, file), TRACE_WINDOW_S),
};

/**
 * A Mahimahi trace as the capacity steps a traced link follows, read and
 * parsed once per file however many cells name it (see input-cache.ts).
 * Throws an {@link InputError} naming the scenario file and field (with
 * `namedIn`), the trace file and its bad lines.
 */
export function readBandwidthTrace(file: string, options: TraceReadOptions = {}): CapacitySteps {
  return readNamedTrace(file, STEPS_PARSER, options);
}

/**
 * A link whose capacity follows a bandwidth trace: it steps at every window
 * boundary, looping with the trace (a window without packets is an outage).
 */
function tracedLink(sim: Simulation, steps: CapacitySteps): ProcessorSharing {
  const link = new ProcessorSharing(sim, 1);
  link.setCapacity(capacityAt(steps, 0));
  const step = (): void => {
    link.setCapacity(capacityAt(steps, sim.now));
    sim.scheduleAt(nextStepS(steps, sim.now), step);
  };
  sim.scheduleAt(nextStepS(steps, 0), step);
  return link;
}
