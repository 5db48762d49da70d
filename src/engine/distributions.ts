import type { RandomStream } from './random.js';

/**
 * A distribution of non-random shape: `sample` takes the stream to draw from,
 * so one distribution object can serve every entity, each with its own stream.
 */
export interface Distribution {
  /** Draws one value. */
  sample(rng: RandomStream): number;
  /** The distribution's mean (for a trace, the mean of its values). */
  readonly mean: number;
}

export function constant(value: number): Distribution {
  return { mean: value, sample: () => value };
}

export function uniform(low: number, high: number): Distribution {
  requireOrdered('uniform', low, high);
  return { mean: (low + high) / 2, sample: (rng) => rng.uniform(low, high) };
}

export function exponential(mean: number): Distribution {
  requirePositive('exponential mean', mean);
  return { mean, sample: (rng) => rng.exponential(mean) };
}

export function normal(mu: number, sigma: number): Distribution {
  requireNonNegative('normal sigma', sigma);
  return { mean: mu, sample: (rng) => rng.normal(mu, sigma) };
}

/** Lognormal given the parameters of the underlying normal. */
export function lognormal(mu: number, sigma: number): Distribution {
  requireNonNegative('lognormal sigma', sigma);
  return { mean: Math.exp(mu + (sigma * sigma) / 2), sample: (rng) => rng.lognormal(mu, sigma) };
}

/** Lognormal with the given mean and coefficient of variation (sd / mean). */
export function lognormalFromMean(mean: number, cv: number): Distribution {
  requirePositive('lognormal mean', mean);
  requireNonNegative('lognormal cv', cv);
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return lognormal(Math.log(mean) - (sigma * sigma) / 2, sigma);
}

export function poisson(mean: number): Distribution {
  requireNonNegative('poisson mean', mean);
  return { mean, sample: (rng) => rng.poisson(mean) };
}

/** Pareto(alpha) truncated to [low, high]. */
export function boundedPareto(alpha: number, low: number, high: number): Distribution {
  requirePositive('boundedPareto alpha', alpha);
  requirePositive('boundedPareto low', low);
  requireOrdered('boundedPareto', low, high);
  const mean =
    alpha === 1
      ? ((high * low) / (high - low)) * Math.log(high / low)
      : (low ** alpha / (1 - (low / high) ** alpha)) *
        (alpha / (alpha - 1)) *
        (1 / low ** (alpha - 1) - 1 / high ** (alpha - 1));
  return { mean, sample: (rng) => rng.boundedPareto(alpha, low, high) };
}

/**
 * Resamples observed values, each with probability proportional to its weight
 * (equal weights by default).
 */
export function empirical(values: readonly number[], weights?: readonly number[]): Distribution {
  if (values.length === 0) throw new RangeError('empirical distribution needs at least one value');
  const w = weights ?? values.map(() => 1);
  if (w.length !== values.length) {
    throw new RangeError(`empirical: ${values.length} values but ${w.length} weights`);
  }
  const cumulative = new Float64Array(values.length);
  let total = 0;
  let weightedSum = 0;
  w.forEach((weight, i) => {
    requireNonNegative(`empirical weight[${i}]`, weight);
    total += weight;
    weightedSum += weight * values[i]!;
    cumulative[i] = total;
  });
  requirePositive('empirical total weight', total);
  return {
    mean: weightedSum / total,
    sample: (rng) => values[upperBound(cumulative, rng.next() * total)]!,
  };
}

/**
 * Replays `values` in order, cycling at the end, ignoring the stream. Each
 * call of `trace` makes an independent cursor, so give each entity its own.
 */
export function trace(values: readonly number[]): Distribution {
  if (values.length === 0) throw new RangeError('trace needs at least one value');
  let cursor = 0;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return {
    mean,
    sample: () => {
      const value = values[cursor]!;
      cursor = (cursor + 1) % values.length;
      return value;
    },
  };
}

/** First index whose cumulative weight exceeds x. */
function upperBound(cumulative: Float64Array, x: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! > x) high = mid;
    else low = mid + 1;
  }
  return low;
}

function requirePositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`${name}(=${value}) must be > 0`);
}

function requireNonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`${name}(=${value}) must be >= 0`);
}

function requireOrdered(name: string, low: number, high: number): void {
  if (!(low < high)) throw new RangeError(`${name}: low(=${low}) must be < high(=${high})`);
}
