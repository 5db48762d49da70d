/**
 * Early stopping with best-weight restoration, as in Keras's `EarlyStopping`
 * callback with `restore_best_weights=True` (Prechelt, "Early Stopping — But
 * When?", in Neural Networks: Tricks of the Trade, 1998).
 */
import { lossAndAccuracy } from '../evaluate.js';
import type { ModelHandle } from '../models/handle.js';
import { getFlatWeights, setFlatWeights } from '../models/weights.js';
import type { EarlyStoppingOptions } from './options.js';

/** Validation scores after an epoch. */
export interface ValidationScores {
  /** Mean cross-entropy, nats. */
  readonly loss: number;
  /** Share of samples classified correctly. */
  readonly accuracy: number;
}

/** Tracks the best epoch and decides when to stop. */
export class EarlyStopping {
  private best: { epoch: number; score: number; weights: Float32Array } | undefined;
  private epochsWithoutImprovement = 0;

  constructor(
    private readonly handle: ModelHandle,
    private readonly options: EarlyStoppingOptions,
  ) {}

  /** Scores the model after `epoch`, remembering its weights if best; returns the scores. */
  observe(epoch: number): ValidationScores {
    const scores = lossAndAccuracy(this.handle, this.options.validation);
    const score = this.options.metric === 'accuracy' ? -scores.accuracy : scores.loss;
    const minDelta = this.options.minDelta ?? 0;
    if (this.best === undefined || score < this.best.score - minDelta) {
      this.best = { epoch, score, weights: getFlatWeights(this.handle.model) };
      this.epochsWithoutImprovement = 0;
    } else {
      this.epochsWithoutImprovement++;
    }
    return scores;
  }

  /** Whether `patience` epochs have passed without improvement. */
  shouldStop(): boolean {
    return this.epochsWithoutImprovement > this.options.patience;
  }

  /** Puts the best epoch's weights back; returns that epoch (undefined if none was observed). */
  restoreBest(): number | undefined {
    if (this.best === undefined) return undefined;
    setFlatWeights(this.handle.model, this.best.weights);
    return this.best.epoch;
  }
}
