import { allocate, type DType } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';

/**
 * out[m x n] = a[m x k] · b[k x n] over raw row-major data. PyTorch calls BLAS
 * here; each output element is accumulated left to right in the dtype, every
 * product and every sum rounded (which reproduces the golden float32 results
 * bit for bit, where accumulating in double does not). The i-k-j loop order
 * reads both operands along rows and keeps each element's sum in k order.
 */
export function matmulData(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  m: number,
  k: number,
  n: number,
  dtype: DType,
  shape: readonly number[],
): Tensor {
  chargeWork(m * k * n); // multiply-adds, charged before they run
  const out = allocate(dtype, m * n);
  const row = allocate(dtype, n); // a typed-array store rounds each sum to the dtype
  const float32 = dtype === 'float32';
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bRow = p * n;
      if (float32) for (let j = 0; j < n; j++) row[j] += Math.fround(aip * b[bRow + j]);
      else for (let j = 0; j < n; j++) row[j] += aip * b[bRow + j];
    }
    out.set(row, i * n);
  }
  return new Tensor(out, shape.slice());
}
