/**
 * Error feedback: each client keeps what compression dropped and adds it to
 * its next update.
 *
 * Seide, Fu, Droppo, Li and Yu, "1-Bit Stochastic Gradient Descent and its
 * Application to Data-Parallel Distributed Training of Speech DNNs",
 * Interspeech 2014; Stich, Cordonnier and Jaggi, "Sparsified SGD with
 * Memory", NeurIPS 2018; Karimireddy, Rebjock, Stich and Jaggi, "Error
 * Feedback Fixes SignSGD and other Gradient Compression Schemes", ICML 2019.
 *
 * Per client: a = Δ + m (float32), send C(a), then m ← a − decode(C(a)).
 * Summed over rounds, the values sent plus the final memory equal the sum of
 * the raw updates (each step's a − sent is exactly what m keeps); the only
 * departure is float32 rounding of a and of a − sent, and with top-k and
 * float32 values a − sent is exact (sent is a or 0 in each coordinate).
 * The memory of every client that has taken part lives here, d float32 each.
 */
import type { CodecContext, UpdateCodec } from './codec.js';

/** One client's compressed update: the wire bytes and what the server decodes. */
export interface CompressedUpdate {
  readonly bytes: Uint8Array;
  readonly decoded: Float32Array;
}

/** A codec with a residual memory per client id. */
export class ErrorFeedback {
  private readonly memory = new Map<number, Float32Array>();

  constructor(readonly codec: UpdateCodec) {}

  /** Compresses `delta` (not modified) plus the client's memory, and updates the memory. */
  compress(delta: Float32Array, context: CodecContext): CompressedUpdate {
    const n = delta.length;
    const previous = this.memory.get(context.clientId);
    if (previous !== undefined && previous.length !== n)
      throw new RangeError(
        `client ${context.clientId}: update of ${n} values, memory of ${previous.length}`,
      );
    const corrected = new Float32Array(n);
    if (previous === undefined) corrected.set(delta);
    else for (let i = 0; i < n; i++) corrected[i] = delta[i]! + previous[i]!;
    const bytes = this.codec.encode(corrected, context);
    const decoded = this.codec.decode(bytes, n, context);
    // corrected becomes the new memory in place: a − sent.
    for (let i = 0; i < n; i++) corrected[i] = corrected[i]! - decoded[i]!;
    this.memory.set(context.clientId, corrected);
    return { bytes, decoded };
  }

  /** The client's residual memory (zeros of `parameters` before its first update); a copy. */
  residual(clientId: number, parameters: number): Float32Array {
    const m = this.memory.get(clientId);
    return m === undefined ? new Float32Array(parameters) : m.slice();
  }

  /** Clients with a memory. */
  get clients(): number {
    return this.memory.size;
  }
}
