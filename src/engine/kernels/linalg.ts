import { allocate, type DType, rounder, type Storage } from '../dtype.js';
import { chargeWork } from '../meter.js';

// Dense linear algebra on batches of small row-major matrices, in the order of
// float operations torch 1.13 (LAPACK getrf/getrs through OpenBLAS) uses; each
// step rounds to the dtype, which reproduces torch's float32 results bit for
// bit on random matrices (checked up to 6x6).

/**
 * An LU factorization with partial pivoting of M = Aᵀ, which is what LAPACK
 * sees when it reads a row-major A as column-major (torch factors A.mT() of a
 * contiguous A to save a copy). `lu[i * n + j]` holds M's factors (L below
 * the diagonal, unit diagonal implied; U on and above); row k was swapped
 * with row `swaps[k]` at step k; `zeroPivot` is the 1-based index of the first
 * zero on U's diagonal (LAPACK's info), 0 when there is none.
 */
export interface TransposedLU {
  lu: Float64Array;
  swaps: Int32Array;
  zeroPivot: number;
}

/** Smallest normal float32: below it getf2 divides instead of multiplying by the reciprocal. */
const SAFE_MINIMUM: Partial<Record<DType, number>> = { float32: 1.1754943508222875e-38, float64: 2.2250738585072014e-308 };

/** getf2 (right-looking, reciprocal scaling, rank-1 updates) on Aᵀ, A being the n x n matrix at a[at ..]. */
export function factorTransposed(a: Storage, at: number, n: number, dtype: DType): TransposedLU {
  chargeWork(n * n * n);
  const round = rounder(dtype);
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lu[i * n + j] = a[at + j * n + i];
  const swaps = new Int32Array(n);
  let zeroPivot = 0;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[pivot * n + k])) pivot = i;
    swaps[k] = pivot;
    if (pivot !== k) {
      for (let j = 0; j < n; j++) {
        const held = lu[k * n + j];
        lu[k * n + j] = lu[pivot * n + j];
        lu[pivot * n + j] = held;
      }
    }
    const diagonal = lu[k * n + k];
    if (diagonal !== 0) {
      if (Math.abs(diagonal) >= (SAFE_MINIMUM[dtype] ?? 0)) {
        const reciprocal = round(1 / diagonal);
        for (let i = k + 1; i < n; i++) lu[i * n + k] = round(lu[i * n + k] * reciprocal);
      } else {
        for (let i = k + 1; i < n; i++) lu[i * n + k] = round(lu[i * n + k] / diagonal);
      }
    } else if (zeroPivot === 0) {
      zeroPivot = k + 1;
    }
    for (let i = k + 1; i < n; i++) {
      const factor = lu[i * n + k];
      for (let j = k + 1; j < n; j++) lu[i * n + j] = round(lu[i * n + j] - round(factor * lu[k * n + j]));
    }
  }
  return { lu, swaps, zeroPivot };
}

/** det(A) from the factors of Aᵀ: U's diagonal multiplied in order, then the permutation's sign. */
export function determinantOf({ lu, swaps }: TransposedLU, n: number, dtype: DType): number {
  const round = rounder(dtype);
  let product = 1;
  let sign = 1;
  for (let k = 0; k < n; k++) {
    product = round(product * lu[k * n + k]);
    if (swaps[k] !== k) sign = -sign;
  }
  return sign * product;
}

/**
 * Solves A x = b in place for the column `b[at + j * stride]`, j < n, from the
 * factors of M = Aᵀ = P L U: A = Uᵀ Lᵀ Pᵀ, so getrs('T') runs Uᵀ (forward,
 * dividing by the pivot) and Lᵀ (backward) as dot products, then undoes the
 * row swaps last to first.
 */
export function solveTransposedColumn(factors: TransposedLU, n: number, dtype: DType, b: Storage, at: number, stride: number): void {
  const { lu, swaps } = factors;
  const round = rounder(dtype);
  for (let i = 0; i < n; i++) {
    let t = b[at + i * stride];
    for (let k = 0; k < i; k++) t = round(t - round(lu[k * n + i] * b[at + k * stride]));
    b[at + i * stride] = round(t / lu[i * n + i]);
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = b[at + i * stride];
    for (let k = i + 1; k < n; k++) t = round(t - round(lu[k * n + i] * b[at + k * stride]));
    b[at + i * stride] = t;
  }
  for (let k = n - 1; k >= 0; k--) swapEntries(b, at + k * stride, at + swaps[k] * stride);
}

/**
 * Solves x A = b in place for the row `b[at + j * stride]`, j < n: xᵀ solves
 * M xᵀ = bᵀ with M = Aᵀ = P L U, which getrs('N') does by swapping rows
 * first, then L (forward) and U (backward, dividing by the pivot) column by
 * column (axpy updates).
 */
export function solveUntransposedRow(factors: TransposedLU, n: number, dtype: DType, b: Storage, at: number, stride: number): void {
  const { lu, swaps } = factors;
  const round = rounder(dtype);
  for (let k = 0; k < n; k++) swapEntries(b, at + k * stride, at + swaps[k] * stride);
  for (let k = 0; k < n; k++) {
    const bk = b[at + k * stride];
    for (let i = k + 1; i < n; i++) b[at + i * stride] = round(b[at + i * stride] - round(bk * lu[i * n + k]));
  }
  for (let k = n - 1; k >= 0; k--) {
    const bk = round(b[at + k * stride] / lu[k * n + k]);
    b[at + k * stride] = bk;
    for (let i = 0; i < k; i++) b[at + i * stride] = round(b[at + i * stride] - round(bk * lu[i * n + k]));
  }
}

function swapEntries(b: Storage, i: number, j: number): void {
  if (i === j) return;
  const held = b[i];
  b[i] = b[j];
  b[j] = held;
}

/**
 * The cross product of 3-vectors along a dim: lines of 3 elements `inner`
 * apart, `outer` blocks of them. Each component is fma(a1, b2, -(a2 b1)) as
 * torch's compiled kernel computes it (the first product exact, the second
 * rounded), which matches torch 1.13 bit for bit in float32.
 */
export function crossData(a: Storage, b: Storage, outer: number, inner: number, dtype: DType): Storage {
  const round = rounder(dtype);
  const out = allocate(dtype, outer * 3 * inner);
  chargeWork(out.length * 3);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * 3 * inner + i;
      for (let c = 0; c < 3; c++) {
        const p = base + ((c + 1) % 3) * inner;
        const q = base + ((c + 2) % 3) * inner;
        out[base + c * inner] = round(a[p] * b[q] - round(a[q] * b[p]));
      }
    }
  }
  return out;
}

/**
 * For each matrix of a batch of shape `batch` (row-major order), the index of
 * the matrix it reads in an operand whose own batch shape broadcasts to it.
 */
export function broadcastBatchIndex(own: readonly number[], batch: readonly number[]): Int32Array {
  const count = batch.reduce((n, d) => n * d, 1);
  const index = new Int32Array(count);
  const lead = batch.length - own.length;
  const ownStrides = own.map((_, d) => own.slice(d + 1).reduce((n, s) => n * s, 1));
  for (let i = 0; i < count; i++) {
    let rest = i;
    let at = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const coordinate = rest % batch[d];
      rest = (rest - coordinate) / batch[d];
      if (d >= lead && own[d - lead] !== 1) at += coordinate * ownStrides[d - lead];
    }
    index[i] = at;
  }
  return index;
}
