/**
 * Default server-optimizer settings of the FedAvg family, and where each comes from.
 *
 * Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive
 * Federated Optimization", ICLR 2021 (arXiv:2003.00295). Its authors list the
 * settings of their experiments in google-research/federated,
 * optimization/docs/hyperparameters.md (commit 362f2b421a4b11d43df4c9e173671879251f2950):
 *
 * - τ (their "epsilon"), all three adaptive optimizers: "By default we
 *   recommend a value of 0.001".
 * - Server learning rates: the grid-best values (base-10 logarithms) for
 *   EMNIST character recognition, the task nearest to MNIST digits (a CNN on
 *   handwritten characters, 10 clients a round, 1 local epoch, client
 *   learning rate 10^-1.5 for every optimizer): FedAdagrad −1, FedAdam −2.5,
 *   FedYogi −2.5, FedAvgM −0.5, FedAvg 0.
 * - FedAvgM's server momentum: `--server_sgd_momentum=0.9`, the value of Hsu,
 *   Qi, Brown, "Measuring the Effects of Non-Identical Data Distribution for
 *   Federated Visual Classification", arXiv:1909.06335, 2019.
 * - β1 = 0.9 and β2 = 0.99 for FedAdam and FedYogi, as in Flower's
 *   fedadam.py and fedyogi.py (adap/flower, src/py/flwr/server/strategy/,
 *   "based on arXiv:2003.00295v5"). The authors' document says their runs
 *   kept Keras's β2 = 0.999; 0.99 forgets old rounds faster, which suits the
 *   few hundred rounds a simulation runs.
 * - FedAdagrad's β1 = 0 (no first-moment momentum), as Flower's fedadagrad.py.
 *
 * The grid-best values were tuned over 1,500 rounds on EMNIST; a run of a few
 * dozen rounds may want a larger server step (see the README).
 */

/** τ of FedAdam, FedYogi and FedAdagrad: the authors' recommended 10^-3. */
export const ADAPTIVITY_TAU = 1e-3;

/** FedAvgM: server learning rate 10^-0.5 (grid-best, EMNIST CR) and momentum 0.9. */
export const FEDAVGM_DEFAULTS = { serverLearningRate: 10 ** -0.5, serverMomentum: 0.9 } as const;

/** FedAdam: server learning rate 10^-2.5 (grid-best, EMNIST CR), β1 0.9, β2 0.99, τ 10^-3. */
export const FEDADAM_DEFAULTS = {
  serverLearningRate: 10 ** -2.5,
  beta1: 0.9,
  beta2: 0.99,
  tau: ADAPTIVITY_TAU,
} as const;

/** FedYogi: server learning rate 10^-2.5 (grid-best, EMNIST CR), β1 0.9, β2 0.99, τ 10^-3. */
export const FEDYOGI_DEFAULTS = FEDADAM_DEFAULTS;

/** FedAdagrad: server learning rate 10^-1 (grid-best, EMNIST CR), β1 0, τ 10^-3. */
export const FEDADAGRAD_DEFAULTS = {
  serverLearningRate: 10 ** -1,
  beta1: 0,
  tau: ADAPTIVITY_TAU,
} as const;
