/**
 * The server side of a federated learning round, after Flower's Strategy: the
 * server calls `configureFit` before a round and `aggregateFit` after it, and
 * nothing else. Client selection, transport and local training live
 * elsewhere; a strategy only says what the selected clients need and how their
 * results become the next global model. Its `clientHook` is the client side:
 * what each client does before and after local training (see client-hook.ts).
 *
 * A strategy may wrap another (see wrappers/): it holds the inner strategy
 * and changes what goes into or comes out of its calls.
 *
 * Model parameters are one flat Float32Array per model (all layers
 * concatenated in a fixed order). Rounds count from 1.
 */
import type { OptimizerName } from '../../../ml/train/options.js';
import type { ClientHook } from './client-hook.js';

/** What a client sends back after local training. */
export interface ClientUpdate {
  readonly clientId: number;
  /** Examples the client trained on this round (FedAvg's weight n_k). */
  readonly numExamples: number;
  /** The client's model after local training (not a delta). */
  readonly weights: Float32Array;
  /** SCAFFOLD only: the client's control-variate change c_i⁺ − c_i. */
  readonly controlDelta?: Float32Array;
  /** The client's training loss, if it reports one. */
  readonly loss?: number;
}

/** A selected client that returned nothing usable, and why (dropout, timeout, ...). */
export interface ClientFailure {
  readonly clientId: number;
  readonly reason: string;
}

/** What every selected client's local training needs this round. */
export interface FitConfig {
  /** FedProx's proximal weight μ: add (μ/2)·‖w − w_global‖² to the local loss; 0 otherwise. */
  readonly proximalMu: number;
  /**
   * SCAFFOLD only: the server control variate c. Correct each local gradient
   * by (c − c_i); do not modify this array.
   */
  readonly serverControl?: Float32Array;
}

/** A round's outcome: a new global model, or why there is none. */
export type AggregateResult =
  | {
      readonly kind: 'aggregated';
      /** The new global model (a new array; the inputs are not modified). */
      readonly weights: Float32Array;
      /** Results aggregated and their total examples. */
      readonly numResults: number;
      readonly numExamples: number;
      /** Example-weighted mean of the reported losses; undefined if none reported one. */
      readonly loss: number | undefined;
    }
  | { readonly kind: 'skipped'; readonly reason: string };

/** Bytes of one float32 parameter on the wire. */
export const BYTES_PER_PARAMETER = 4;

/**
 * What one selected client costs in a round beyond plain local training of
 * the model: the bytes each way (the round driver moves them through
 * network/transfer.ts) and the FLOPs each local optimizer step adds (charged
 * to the client's training time).
 */
export interface ClientCost {
  /** Bytes the server sends each selected client: the model and any server state it needs. */
  readonly bytesDown: number;
  /** Bytes each client sends back: its update and any state the server needs. */
  readonly bytesUp: number;
  /** FLOPs each local step adds to the forward and backward passes (0 for plain training). */
  readonly flopsPerStep: number;
}

/** A federated optimization algorithm: the server's two calls and the client's hook. */
export interface Strategy {
  /** The registry name, such as `fedavg`. */
  readonly name: string;
  /** What each client does around its local training; one per strategy instance (it may keep state). */
  readonly clientHook: ClientHook;
  /**
   * The local optimizers the algorithm is defined for; undefined when any
   * will do. SCAFFOLD's control variates assume plain SGD steps.
   */
  readonly localOptimizers?: readonly OptimizerName[];
  /** What a selected client sends, receives and computes per round, for a model of `parameters` float32 values. */
  clientCost(parameters: number): ClientCost;
  /** Called before round `round` with the current global model; the result goes to every selected client. */
  configureFit(round: number, global: Float32Array): FitConfig;
  /**
   * Called after round `round` with the clients' results and failures (either
   * may be empty). Returns the next global model or a skipped round; the server
   * keeps `global` on a skip. Throws only on programmer errors (such as models
   * of different lengths).
   */
  aggregateFit(
    round: number,
    global: Float32Array,
    results: readonly ClientUpdate[],
    failures: readonly ClientFailure[],
  ): AggregateResult;
}
