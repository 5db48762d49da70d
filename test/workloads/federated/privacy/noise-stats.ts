/**
 * Statistics for the noise tests: the sample variance of N draws of
 * N(μ, σ²) follows (N − 1)s²/σ² ~ χ²(N − 1), close to
 * Normal(N − 1, 2(N − 1)) at large N; the sample mean is N(μ, σ²/N).
 */

/** The chi-square z-score of `values` (around `mean`) having std `sigma`, and the mean's z-score. */
export function noiseScores(
  values: ArrayLike<number>,
  sigma: number,
  mean = 0,
): { varianceZ: number; meanZ: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]! - mean;
  const sampleMean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean - sampleMean) ** 2;
  const chi2 = squares / sigma ** 2; // (N − 1)s²/σ²
  return {
    varianceZ: (chi2 - (n - 1)) / Math.sqrt(2 * (n - 1)),
    meanZ: sampleMean / (sigma / Math.sqrt(n)),
  };
}
