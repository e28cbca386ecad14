/**
 * Special functions JavaScript's Math lacks, in double precision (relative
 * error near 1e-15), so that rounding the result to float32 gives the correctly
 * rounded value and float64 results sit within an ulp or two of glibc's.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * erf(x) = 2/√π ∫₀ˣ e^(-t²) dt. For |x| < 2.5 the series
 * erf(x) = 2x/√π e^(-x²) Σ (2x²)ⁿ / (1·3·…·(2n+1)) has positive terms only
 * (no cancellation); beyond, 1 - erfc(x).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 2.5) return Math.sign(x) * (1 - erfcContinuedFraction(a));
  return erfSeries(x);
}

/** erfc(x) = 1 - erf(x), without the cancellation for large x (a continued fraction there). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  // Below 1, erfc(x) > 0.15 and the subtraction keeps its digits; from 1 the fraction converges in < 200 steps.
  return x < 1 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = 1;
  let total = 1;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    total += term;
    if (term < total * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * total;
}

/**
 * erfc(x) for x >= 1: e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
 * evaluated with the modified Lentz method.
 */
function erfcContinuedFraction(x: number): number {
  if (x === Infinity) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/**
 * The inverse of erf on (-1, 1): ±inf at ±1, NaN outside. A rational first
 * guess (Giles, "Approximating the erfinv function") refined by Newton steps
 * in double; near ±1 the residual is taken as (1 - |y|) - erfc(x) to keep its digits.
 */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  const a = Math.abs(y);
  let x = gilesGuess(a);
  for (let step = 0; step < 4; step++) {
    const residual = x > 0.5 ? 1 - a - erfc(x) : erf(x) - a;
    // residual = erf(x) - a written both ways: (1 - a) - erfc(x) = erf(x) - a
    const next = x - residual / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
    if (next === x) break;
    x = next;
  }
  return y < 0 ? -x : x;
}

function gilesGuess(a: number): number {
  let w = -Math.log((1 - a) * (1 + a));
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    p = 3.43273939e-7 + p * w;
    p = -3.5233877e-6 + p * w;
    p = -4.39150654e-6 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
    return p * a;
  }
  w = Math.sqrt(w) - 3;
  let p = -0.000200214257;
  p = 0.000100950558 + p * w;
  p = 0.00134934322 + p * w;
  p = -0.00367342844 + p * w;
  p = 0.00573950773 + p * w;
  p = -0.0076224613 + p * w;
  p = 0.00943887047 + p * w;
  p = 1.00167406 + p * w;
  p = 2.83297682 + p * w;
  return p * a;
}

/** C's nearbyint in the default rounding mode: to the nearest integer, ties to even (-0 stays -0). */
export function roundHalfEven(v: number): number {
  const nearest = Math.round(v);
  // Math.round sends every tie up; a tie whose upper neighbour is odd goes down instead.
  if (nearest - v === 0.5 && nearest % 2 !== 0) return nearest - 1;
  return nearest;
}
