import { allocate } from '../dtype.js';
import { stridesOf, Tensor } from '../tensor.js';
import { reducedShape } from './reduce.js';
import { sumContiguous } from './sum.js';

/**
 * Variance (or standard deviation) as PyTorch 1.13 computes it on the CPU, in
 * double precision whatever the dtype, rounded to the dtype once at the end.
 * Over every element (std_var_all_cpu): the mean as `x.mean()` gives it (the
 * dtype's cascade sum divided by n), then Σ (x - mean)² in double, divided by
 * max(0, n - correction). Over some dims (WelfordOps): Welford's update per
 * element in memory order, m2 / (n - correction) (0 when that is not positive).
 */
export function varianceAll(t: Tensor, correction: number, takeSqrt: boolean): Tensor {
  const n = t.numel;
  const data = t.data;
  const round = t.dtype === 'float32' ? Math.fround : (v: number) => v;
  const mean = round(sumContiguous(data, 0, n) / round(n));
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const dx = data[i] - mean;
    sumSquares += dx * dx;
  }
  const variance = sumSquares / Math.max(0, n - correction);
  const out = allocate(t.dtype, 1);
  out[0] = takeSqrt ? Math.sqrt(variance) : variance;
  return new Tensor(out, []);
}

export function varianceDims(t: Tensor, dims: readonly number[], keepdim: boolean, correction: number, takeSqrt: boolean): Tensor {
  const kept = reducedShape(t.shape, dims, true);
  const outStrides = stridesOf(kept).map((s, i) => (dims.includes(i) ? 0 : s));
  const outputs = kept.reduce((a, b) => a * b, 1);
  const means = new Float64Array(outputs);
  const m2 = new Float64Array(outputs);
  const counts = new Float64Array(outputs);
  const shape = t.shape;
  const index = new Array<number>(shape.length).fill(0);
  const src = t.data;
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const count = counts[o] + 1;
    const delta = src[i] - means[o];
    const mean = means[o] + delta / count;
    m2[o] += delta * (src[i] - mean);
    means[o] = mean;
    counts[o] = count;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      o += outStrides[d];
      if (index[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      index[d] = 0;
    }
  }
  const out = allocate(t.dtype, outputs);
  for (let k = 0; k < outputs; k++) {
    const divisor = counts[k] > correction ? counts[k] - correction : 0;
    const variance = m2[k] / divisor;
    out[k] = takeSqrt ? Math.sqrt(variance) : variance;
  }
  return new Tensor(out, reducedShape(t.shape, dims, keepdim));
}
