/**
 * Label flipping: a malicious client trains honestly on its own samples with
 * their labels permuted, label → numClasses − 1 − label (the mapping
 * l → L − l − 1 of Fang, Cao, Jia, Gong, "Local Model Poisoning Attacks to
 * Byzantine-Robust Federated Learning", USENIX Security 2020,
 * arXiv:1911.11815, among the data-poisoning baselines). The
 * attack is in the data, so its update goes to the server unchanged.
 */

/** `labels` relabelled l → numClasses − 1 − l, in place; returns `labels`. Each label must be in [0, numClasses). */
export function flipLabels(labels: Int32Array, numClasses: number): Int32Array {
  if (!(Number.isInteger(numClasses) && numClasses >= 1))
    throw new RangeError(`numClasses(=${numClasses}) must be an integer >= 1`);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= numClasses)
      throw new RangeError(`labels[${i}](=${label}) must be in [0, ${numClasses})`);
    labels[i] = numClasses - 1 - label;
  }
  return labels;
}
