// Proving accepted writes at high rates: a uniform random sample of them, and how much the sample bounds the share lost.

/**
 * `size` distinct indices of `[0, population)`, uniformly at random (Floyd's algorithm: `size`
 * draws, no array of the whole population), in increasing order. All of them when `size` >= `population`.
 */
export function sampleIndices(population: number, size: number, random: () => number = Math.random): number[] {
  if (size >= population) return Array.from({ length: population }, (_, i) => i);
  const chosen = new Set<number>();
  for (let j = population - size; j < population; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** ln(n choose k), by the log-gamma function (Lanczos), precise to about 1e-13 for these sizes. */
function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  const t = z + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X <= k) for X ~ Binomial(n, p). */
function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, sum);
}

/**
 * The one-sided upper confidence bound on the share lost, having seen `missing` of `sampled` writes
 * missing: the Clopper-Pearson bound, the largest share p for which seeing so few would still happen
 * with probability `1 - confidence`. With none missing it is `1 - (1 - confidence)^(1/n)` (about
 * 3/n at 95 %: 0 of 10,000 bounds the loss below 0.03 %). Sampling without replacement only makes
 * the sample more telling, so the binomial bound is a safe one. 1 when nothing was sampled.
 */
export function lossUpperBound(missing: number, sampled: number, confidence = 0.95): number {
  if (sampled === 0) return 1;
  if (missing >= sampled) return 1;
  const alpha = 1 - confidence;
  if (missing === 0) return 1 - Math.pow(alpha, 1 / sampled);
  let low = missing / sampled;
  let high = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (binomialCdf(missing, sampled, mid) > alpha) low = mid;
    else high = mid;
  }
  return high;
}

/** A share as a percent with two significant figures, never rounded down to 0 (a bound must not shrink in print). */
export function boundPercent(share: number): number {
  if (share <= 0) return 0;
  const percent = share * 100;
  const digits = Math.max(0, 1 - Math.floor(Math.log10(percent)));
  const factor = 10 ** digits;
  return Math.ceil(percent * factor) / factor;
}
