import type { Simulation } from '../../engine/simulation.js';
import type { Fleet } from '../../fleet/fleet.js';
import { DOWN, type Transfers } from '../../network/transfer.js';

const NOT_STARTED = 0;
const DOWNLOADING = 1;
const READY = 2;

/** What the model downloads need from the run around them. */
export interface ModelDownloadContext {
  sim: Simulation;
  fleet: Fleet;
  transfers: Transfers;
  /** Size of the model file, bytes. */
  bytes: number;
  /** Round trips before device `d`'s first byte (its request for the model), s. */
  leadS(d: number): number;
  /** Whether device `d` needs the model (it may run requests itself). */
  wants(d: number): boolean;
  /** Device `d` has the model now. */
  onReady(d: number): void;
}

/**
 * Devices fetching the model before they can run it (`modelDownload: true`).
 * Every device that needs the model starts downloading it as soon as it is
 * online (at time 0, or when it comes up): a transfer (network/transfer.ts)
 * one cell round trip after asking for it, over its cell's shared downlink,
 * metered by its radio like any transfer, so a
 * fleet rolling out a model at once contends for its cells. A device that
 * goes down mid-download loses what it had and starts over when it is back;
 * the bytes it had moved still count.
 */
export class ModelDownloads {
  private readonly state: Uint8Array;
  /** When each device had the model, s (NaN: never). */
  readonly readyAtS: Float64Array;
  /** Each downloading device's transfer handle. */
  private readonly transfer: Int32Array;
  private readonly bits: number;
  /** Bytes moved by model downloads, those cut short included. */
  bytesMoved = 0;
  /** The same bytes by device group (over the group's cells). */
  readonly groupBytes: Float64Array;
  /** Downloads cut short by their device going down. */
  interrupted = 0;

  constructor(private readonly context: ModelDownloadContext) {
    const count = context.fleet.count;
    this.state = new Uint8Array(count);
    this.readyAtS = new Float64Array(count).fill(Number.NaN);
    this.transfer = new Int32Array(count).fill(-1);
    this.bits = context.bytes * 8;
    this.groupBytes = new Float64Array(context.fleet.groups.length);
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
    const { fleet, wants, transfers, leadS } = this.context;
    if (this.state[d] !== NOT_STARTED || !fleet.isOnline(d) || !wants(d)) return;
    this.state[d] = DOWNLOADING;
    this.transfer[d] = transfers.start(d, DOWN, this.bits, this.finish, d, leadS(d));
  }

  /** Device `d` is going down: its download, if any, is lost (its radio is charged for what moved). */
  abort(d: number): void {
    // Its last byte in, a download is done even if settling its radio took the device down.
    if (this.state[d] !== DOWNLOADING || !this.context.transfers.isMoving(this.transfer[d]!))
      return;
    const movedBits = this.context.transfers.abort(this.transfer[d]!);
    this.transfer[d] = -1;
    this.moved(d, movedBits / 8);
    this.interrupted++;
    this.state[d] = NOT_STARTED;
  }

  private readonly finish = (d: number): void => {
    this.transfer[d] = -1;
    this.state[d] = READY;
    this.readyAtS[d] = this.context.sim.now;
    this.moved(d, this.context.bytes);
    this.context.onReady(d);
  };

  private moved(d: number, bytes: number): void {
    this.bytesMoved += bytes;
    this.groupBytes[this.context.fleet.groupOf[d]!]! += bytes;
  }
}
