import { allocate, allocateReserved, type DType, type Storage } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';

/**
 * out[m x n] = a[m x k] · b[k x n] over raw row-major data. PyTorch calls BLAS
 * here; each output element is accumulated left to right in the dtype, every
 * product and every sum rounded (which reproduces the golden float32 results
 * bit for bit, where accumulating in double does not). The i-k-j loop order
 * reads both operands along rows and keeps each element's sum in k order.
 */
export function matmulData(a: Storage, b: Storage, m: number, k: number, n: number, dtype: DType, shape: readonly number[]): Tensor {
  const out = allocate(dtype, m * n);
  multiplyInto(a, 0, b, 0, out, 0, m, k, n, allocateReserved(dtype, n));
  return new Tensor(out, shape.slice());
}

/**
 * out[i] = a[i] · b[i] for each of `batch` pairs of row-major matrices (bmm),
 * each product accumulated as matmulData does.
 */
export function batchedMatmulData(a: Storage, b: Storage, batch: number, m: number, k: number, n: number, dtype: DType): Tensor {
  const out = allocate(dtype, batch * m * n);
  const row = allocateReserved(dtype, n);
  for (let i = 0; i < batch; i++) multiplyInto(a, i * m * k, b, i * k * n, out, i * m * n, m, k, n, row);
  return new Tensor(out, [batch, m, n]);
}

/** One product into out[outAt ..]; `row` (n elements of the dtype) holds the running sums, whose stores round. */
function multiplyInto(a: Storage, aAt: number, b: Storage, bAt: number, out: Storage, outAt: number, m: number, k: number, n: number, row: Storage): void {
  chargeWork(m * k * n); // multiply-adds, charged before they run
  const float32 = row instanceof Float32Array;
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = a[aAt + i * k + p];
      const bRow = bAt + p * n;
      if (float32) for (let j = 0; j < n; j++) row[j] += Math.fround(aip * b[bRow + j]);
      else for (let j = 0; j < n; j++) row[j] += aip * b[bRow + j];
    }
    out.set(row, outAt + i * n);
  }
}

/**
 * addmm's out[m x n] = beta * c + alpha * (a · b), with c already broadcast to
 * [m, n], in PyTorch's order of roundings (checked bit for bit against torch
 * 1.13 on random shapes): a one-column product is a gemv, which sums the
 * products first and adds `alpha * sum` to `beta * c`; any other is
 * at::native's gemm, which starts each element from `beta * c` (c itself
 * when beta is 1, 0 when beta is 0, so c's NaNs are ignored) and adds
 * `b[l][j] * (a[i][l] * alpha)` for l in order.
 */
export function addmmData(c: Storage, a: Storage, b: Storage, m: number, k: number, n: number, beta: number, alpha: number, dtype: DType): Tensor {
  chargeWork(m * k * n); // multiply-adds, charged before they run
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const out = allocate(dtype, m * n);
  const scaledBeta = round(beta);
  const scaledAlpha = round(alpha);
  const start = (v: number) => (beta === 0 ? 0 : beta === 1 ? v : round(scaledBeta * v));
  if (n === 1) {
    for (let i = 0; i < m; i++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum = round(sum + round(a[i * k + p] * b[p]));
      out[i] = round(start(c[i]) + round(scaledAlpha * sum));
    }
    return new Tensor(out, [m, n]);
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = start(c[i * n + j]);
    for (let p = 0; p < k; p++) {
      const scaled = round(a[i * k + p] * scaledAlpha);
      for (let j = 0; j < n; j++) out[i * n + j] += round(b[p * n + j] * scaled);
    }
  }
  return new Tensor(out, [m, n]);
}
