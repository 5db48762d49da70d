import type { EventId } from '../../engine/event-queue.js';
import type { Flow } from '../../engine/processor-sharing.js';
import { Priority, type Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { Cell } from '../../network/cells.js';

const NOT_STARTED = 0;
const DOWNLOADING = 1;
const READY = 2;

/** What the model downloads need from the run around them. */
export interface ModelDownloadContext {
  sim: Simulation;
  fleet: Fleet;
  cells: readonly Cell[];
  cellOf: Uint32Array;
  /** Size of the model file, bytes. */
  bytes: number;
  /** Whether device `d` needs the model (it may run requests itself). */
  wants(d: number): boolean;
  /** Device `d` has the model now. */
  onReady(d: number): void;
}

/**
 * Devices fetching the model before they can run it (`modelDownload: true`).
 * Every device that needs the model starts downloading it as soon as it is
 * online (at time 0, or when it comes up): over its cell's shared downlink,
 * after the radio's promotion, metered by its radio like any transfer, so a
 * fleet rolling out a model at once contends for its cells. A device that
 * goes down mid-download loses what it had and starts over when it is back;
 * the bytes it had moved still count.
 */
export class ModelDownloads {
  private readonly state: Uint8Array;
  /** When each device had the model, s (NaN: never). */
  readonly readyAtS: Float64Array;
  private readonly flows: (Flow | undefined)[];
  /** The event that starts the flow once the radio is promoted, or -1. */
  private readonly pendingStart: Float64Array;
  private readonly bits: number;
  /** Bytes moved by model downloads, those cut short included. */
  bytesMoved = 0;
  /** Downloads cut short by their device going down. */
  interrupted = 0;

  constructor(private readonly context: ModelDownloadContext) {
    const count = context.fleet.count;
    this.state = new Uint8Array(count);
    this.readyAtS = new Float64Array(count).fill(Number.NaN);
    this.flows = new Array(count);
    this.pendingStart = new Float64Array(count).fill(-1);
    this.bits = context.bytes * 8;
    for (let d = 0; d < count; d++) this.start(d);
  }

  /** True when device `d` has the model. */
  isReady(d: number): boolean {
    return this.state[d] === READY;
  }

  /** Devices that needed the model and never got it. */
  get missing(): number {
    let n = 0;
    for (let d = 0; d < this.state.length; d++)
      if (this.state[d] !== READY && this.context.wants(d)) n++;
    return n;
  }

  /** Starts device `d`'s download if it needs the model, is online and has none under way. */
  start(d: number): void {
    const { sim, fleet, wants } = this.context;
    if (this.state[d] !== NOT_STARTED || !fleet.isOnline(d) || !wants(d)) return;
    this.state[d] = DOWNLOADING;
    const waitS = fleet.radio(d).beginTransfer(sim.now);
    if (waitS > 0) this.pendingStart[d] = sim.schedule(waitS, this.beginFlow, Priority.normal, d);
    else this.beginFlow(d);
  }

  /** Device `d` is going down: its download, if any, is lost (its radio is charged for what moved). */
  abort(d: number): void {
    if (this.state[d] !== DOWNLOADING) return;
    const { sim, fleet, cells, cellOf } = this.context;
    let movedBits = 0;
    const pending = this.pendingStart[d]!;
    if (pending >= 0) sim.cancel(pending as EventId);
    else movedBits = this.flows[d]!.abort() / cells[cellOf[d]!]!.airBitsPerBit;
    this.pendingStart[d] = -1;
    this.flows[d] = undefined;
    fleet.radio(d).endTransfer(sim.now, 0, movedBits);
    this.bytesMoved += movedBits / 8;
    this.interrupted++;
    this.state[d] = NOT_STARTED;
  }

  private readonly beginFlow = (d: number): void => {
    const { cells, cellOf } = this.context;
    this.pendingStart[d] = -1;
    const cell = cells[cellOf[d]!]!;
    this.flows[d] = cell.downlink.start(this.bits * cell.airBitsPerBit, () => this.finish(d));
  };

  private finish(d: number): void {
    const { sim, fleet, onReady } = this.context;
    this.flows[d] = undefined;
    this.state[d] = READY;
    this.readyAtS[d] = sim.now;
    fleet.radio(d).endTransfer(sim.now, 0, this.bits);
    fleet.settleRadio(d);
    this.bytesMoved += this.context.bytes;
    onReady(d);
  }
}
