import type { DType } from '../dtype.js';

/**
 * a * b + c with one rounding, as the compiler's contraction of `x * y + z`
 * in PyTorch's scalar CPU kernels makes it (GCC fuses such expressions into
 * FMA instructions: lerp, addcmul, add with alpha, tanh_backward, the norm's
 * sum of squares and gelu's polynomials round once, not twice).
 */
export function fusedMultiplyAdd(dtype: DType): (a: number, b: number, c: number) => number {
  return dtype === 'float32' ? fma32 : fma64;
}

/** float32 operands: their product is exact in double, so one double addition and one rounding to float32. */
function fma32(a: number, b: number, c: number): number {
  return Math.fround(a * b + c);
}

/** float64: the product's rounding error (Dekker's two-product) and the sum's (two-sum) added back before the last rounding. */
function fma64(a: number, b: number, c: number): number {
  const product = a * b;
  if (!Number.isFinite(product) || !Number.isFinite(c) || product === 0) return product + c;
  const [aHigh, aLow] = split(a);
  const [bHigh, bLow] = split(b);
  const productError = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
  const sum = product + c;
  const back = sum - product;
  const sumError = product - (sum - back) + (c - back);
  return sum + (sumError + productError);
}

/** Veltkamp's split of a double into two halves of 26 bits. */
function split(v: number): [number, number] {
  const t = 134217729 * v; // 2^27 + 1
  const high = t - (t - v);
  return [high, v - high];
}
