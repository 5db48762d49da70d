/**
 * What happened to each request of an llm run, struct-of-arrays (a run may
 * hold millions): where it ran, its token counts, and its times. Server
 * times are when the server produced the first and last token; client times
 * when they reached the device.
 */
import { grownArray, type StateArray } from '../../engine/typed-arrays.js';

/** Where a request ran: the device, or server k (k >= 0) as `SERVER_BASE + k`. */
export const ON_DEVICE = 0;
export const SERVER_BASE = 1;

/** A request's outcome. */
export const Status = { pending: 0, done: 1, failed: 2 } as const;

export class RequestLog {
  count = 0;
  device = new Int32Array(1024);
  where = new Int32Array(1024);
  prompt = new Int32Array(1024);
  output = new Int32Array(1024);
  status = new Uint8Array(1024);
  arrivalS = new Float64Array(1024);
  firstS = new Float64Array(1024);
  lastS = new Float64Array(1024);

  /** Adds a request; its index. */
  add(device: number, arrivalS: number, prompt: number, output: number): number {
    if (this.count === this.device.length) this.grow();
    const r = this.count++;
    this.device[r] = device;
    this.arrivalS[r] = arrivalS;
    this.prompt[r] = prompt;
    this.output[r] = output;
    this.firstS[r] = Number.NaN;
    this.lastS[r] = Number.NaN;
    return r;
  }

  private grow(): void {
    const size = this.device.length * 2;
    const grown = <T extends StateArray>(a: T): T => grownArray(a, size);
    this.device = grown(this.device);
    this.where = grown(this.where);
    this.prompt = grown(this.prompt);
    this.output = grown(this.output);
    this.status = grown(this.status);
    this.arrivalS = grown(this.arrivalS);
    this.firstS = grown(this.firstS);
    this.lastS = grown(this.lastS);
  }

  /** Time to first token at the client, s. */
  ttft(r: number): number {
    return this.firstS[r]! - this.arrivalS[r]!;
  }

  /** Time per output token after the first at the client, s (NaN for one-token outputs). */
  tpot(r: number): number {
    const n = this.output[r]!;
    return n > 1 ? (this.lastS[r]! - this.firstS[r]!) / (n - 1) : Number.NaN;
  }

  /** End-to-end latency, s. */
  e2e(r: number): number {
    return this.lastS[r]! - this.arrivalS[r]!;
  }
}
