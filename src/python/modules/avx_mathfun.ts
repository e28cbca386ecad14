/**
 * float32 log and sin/cos as avx_mathfun.h computes them (Cephes polynomials, one float32
 * rounding per vector operation): what torch's normal_fill_AVX2 uses for randn of 16 or more
 * float32 elements, so that those values match torch's bit for bit.
 */
const f = Math.fround;

/**
 * a * b + c rounded once, as the fused multiply-add GCC makes of a vector multiply followed by
 * an add (-ffp-contract=fast): the product of two float32 numbers is exact in a double.
 */
function fma(a: number, b: number, c: number): number {
  return f(a * b + c);
}

const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MIN_NORM_POS = 1.1754943508222875e-38;

const scratch = new Float32Array(1);
const bits = new Int32Array(scratch.buffer);

/** log256_ps for one lane. */
export function logAvx(input: number): number {
  if (input <= 0) return NaN;
  scratch[0] = Math.max(input, MIN_NORM_POS);
  const exponentBits = bits[0] >>> 23;
  // keep the mantissa, exponent of 0.5
  bits[0] = (bits[0] & ~0x7f800000) | 0x3f000000;
  let x = scratch[0];
  let e = f(f(exponentBits - 0x7f) + 1);
  const below = x < SQRTHF;
  const tmp = below ? x : 0;
  x = f(x - 1);
  e = f(e - (below ? 1 : 0));
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) y = fma(y, x, LOG_P[i]);
  y = f(y * x);
  y = f(y * z);
  y = fma(e, LOG_Q1, y);
  y = fma(-z, 0.5, y);
  x = f(x + y);
  return fma(e, LOG_Q2, x);
}

const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SINCOF = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COSCOF = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** sincos256_ps for one lane: [sin, cos]. */
export function sincosAvx(input: number): [number, number] {
  let x = Math.abs(input);
  const negative = input < 0 || Object.is(input, -0);
  let j = Math.trunc(f(x * FOPI)) | 0;
  j = (j + 1) & ~1;
  const y0 = f(j);
  const swapSin = (j & 4) !== 0;
  const polyCos = (j & 2) === 0;
  x = fma(y0, DP1, x);
  x = fma(y0, DP2, x);
  x = fma(y0, DP3, x);
  const cosNegative = ((~(j - 2)) & 4) !== 0;
  const sinNegative = negative !== swapSin;
  const z = f(x * x);
  let y = COSCOF[0];
  y = fma(y, z, COSCOF[1]);
  y = fma(y, z, COSCOF[2]);
  y = f(y * z);
  y = f(y * z);
  y = fma(-z, 0.5, y);
  y = f(y + 1);
  let y2 = SINCOF[0];
  y2 = fma(y2, z, SINCOF[1]);
  y2 = fma(y2, z, SINCOF[2]);
  y2 = f(y2 * z);
  y2 = fma(y2, x, x);
  const sinValue = polyCos ? y2 : y;
  const cosValue = polyCos ? y : y2;
  return [sinNegative ? -sinValue : sinValue, cosNegative ? -cosValue : cosValue];
}
