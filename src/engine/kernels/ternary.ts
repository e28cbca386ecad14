import { allocate, type DType } from '../dtype.js';
import { broadcastShapes } from '../broadcast.js';
import { numelOf, Tensor } from '../tensor.js';
import { broadcastStrides } from './elementwise.js';

/**
 * out = f(a, b, c) with broadcasting over all three (addcmul, addcdiv, lerp,
 * clamp with tensor bounds), each result rounded to `dtype` when stored.
 */
export function zip3(a: Tensor, b: Tensor, c: Tensor, dtype: DType, f: (x: number, y: number, z: number) => number): Tensor {
  const shape = broadcastShapes(broadcastShapes(a.shape, b.shape), c.shape);
  const n = numelOf(shape);
  const out = allocate(dtype, n);
  const [ad, bd, cd] = [a.data, b.data, c.data];
  const [sa, sb, sc] = [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape), broadcastStrides(c.shape, shape)];
  const index = new Array<number>(shape.length).fill(0);
  let [ia, ib, ic] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    out[i] = f(ad[ia], bd[ib], cd[ic]);
    // advance the multi-index like an odometer, moving the three source offsets
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      ic += sc[d];
      if (index[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      ic -= sc[d] * shape[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, shape);
}
