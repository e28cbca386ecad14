import { allocate } from '../dtype.js';
import { stridesOf, Tensor } from '../tensor.js';

/** A contiguous copy of `t` with dims `dim0` and `dim1` swapped. */
export function swapDims(t: Tensor, dim0: number, dim1: number): Tensor {
  const shape = t.shape.slice();
  shape[dim0] = t.shape[dim1];
  shape[dim1] = t.shape[dim0];
  // strides that read `t` in the output's element order
  const strides = stridesOf(t.shape);
  [strides[dim0], strides[dim1]] = [strides[dim1], strides[dim0]];
  const src = t.data;
  const out = allocate(t.dtype, src.length);
  const index = new Array<number>(shape.length).fill(0);
  let from = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = src[from];
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      from += strides[d];
      if (index[d] < shape[d]) break;
      from -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, shape);
}
