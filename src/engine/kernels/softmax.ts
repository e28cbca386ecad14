import { allocate, rounder } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';
import { linesAlong } from './reduce.js';

/**
 * softmax or log_softmax along `dim`, in PyTorch's order of float operations
 * (aten/src/ATen/native/cpu/SoftMaxKernel.cpp): m = max (NaN propagates),
 * e_j = exp(x_j - m), s = sum of e_j; softmax is e_j * (1 / s) and
 * log_softmax is (x_j - m) - log(s). Each step rounds to the dtype.
 */
export function softmaxAlong(t: Tensor, dim: number, log: boolean): Tensor {
  chargeWork(2 * t.numel); // two passes reading before the one that writes
  const { outer, size, inner } = linesAlong(t.shape, dim);
  const round = rounder(t.dtype);
  const src = t.data;
  const out = allocate(t.dtype, src.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * size * inner + i;
      const last = first + size * inner;
      let max = -Infinity;
      for (let at = first; at < last; at += inner) {
        const v = src[at];
        if (v > max || Number.isNaN(v)) max = v;
        if (Number.isNaN(max)) break;
      }
      let sum = 0;
      for (let at = first; at < last; at += inner) {
        const e = round(Math.exp(round(src[at] - max)));
        if (!log) out[at] = e;
        sum = round(sum + e);
      }
      if (log) {
        const logSum = round(Math.log(sum));
        for (let at = first; at < last; at += inner) out[at] = round(src[at] - max) - logSum;
      } else {
        const scale = round(1 / sum);
        for (let at = first; at < last; at += inner) out[at] = out[at] * scale;
      }
    }
  }
  return new Tensor(out, t.shape.slice());
}
