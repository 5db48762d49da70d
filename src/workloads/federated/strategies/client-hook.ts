/**
 * The client side of a strategy. Flower's Strategy is the server's half
 * (`configure_fit` / `aggregate_fit`); a federated algorithm such as FedProx
 * or SCAFFOLD also changes what each client does around its local training.
 * A {@link ClientHook} is that half: the round driver calls `prepare` before
 * a client trains (its result goes with the client's training job, also to a
 * worker thread, so it must be plain data and typed arrays) and `finish` after,
 * in this thread, to turn the trained model into the update the client sends.
 *
 * State a hook keeps across rounds (SCAFFOLD's client control variates) lives
 * in the hook, in the thread that runs the rounds; workers see only what
 * `prepare` returned.
 */
import type { FederatedSection } from '../schema.js';
import type { ClientUpdate, FitConfig } from './strategy.js';

/** Everything about one client's local training in one round. */
export interface ClientContext {
  /** The round, from 1. */
  readonly round: number;
  readonly clientId: number;
  /** The global model the client starts from; not to be modified. */
  readonly global: Float32Array;
  /** What the strategy's `configureFit` returned for this round. */
  readonly config: FitConfig;
  /** The client's samples: indices into the training split. */
  readonly indices: Int32Array;
  /** The seed of this client's local training in this round. */
  readonly seed: number;
  /** The local optimizer and its settings (learning rate η_l, epochs, batch size). */
  readonly local: FederatedSection['local'];
}

/** What a hook adds to plain local training (each absent field: not used). */
export interface TrainingOptions {
  /** FedProx: add (μ/2)·‖w − w_global‖² to the local loss when μ > 0. */
  readonly proximalMu?: number;
  /** SCAFFOLD: c − c_i, added to every local gradient. */
  readonly gradientCorrection?: Float32Array;
}

/** A client's local training as it came back, before its hook finishes it. */
export interface TrainedClient {
  /** The update as plain training gives it: the trained model, examples and loss. */
  readonly update: ClientUpdate;
  /** Local optimizer steps taken (K). */
  readonly steps: number;
}

/** What a client does before and after its local training, paired with a strategy. */
export interface ClientHook {
  /** Called before the client trains; the options go with its training job. */
  prepare(context: ClientContext): TrainingOptions;
  /**
   * Called after the client trained (in client-id order within a round);
   * returns the update it sends: `trained.update`, possibly with more fields
   * (SCAFFOLD's `controlDelta`) or changed weights.
   */
  finish(context: ClientContext, trained: TrainedClient): ClientUpdate;
}

/** FedAvg's client: plain local training, the trained model sent as it is. */
export const PLAIN_TRAINING: ClientHook = {
  prepare: () => ({}),
  finish: (_context, trained) => trained.update,
};

/** FedProx's client: local training with the proximal term μ of the round's configuration. */
export const PROXIMAL_TRAINING: ClientHook = {
  prepare: (context) => ({ proximalMu: context.config.proximalMu }),
  finish: (_context, trained) => trained.update,
};
