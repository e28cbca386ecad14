import { allocate } from '../dtype.js';
import { stridesOf, Tensor } from '../tensor.js';

/** Output shape of reducing `dims` (sorted, distinct, non-negative). */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * Folds every group of elements that differ only along `dims` with `step`,
 * starting from `init`, visiting elements in memory order.
 */
export function reduceDims(
  t: Tensor,
  dims: readonly number[],
  keepdim: boolean,
  init: number,
  step: (acc: number, x: number) => number,
): Tensor {
  const outShapeKeep = reducedShape(t.shape, dims, true);
  const outStrides = stridesOf(outShapeKeep).map((s, i) => (dims.includes(i) ? 0 : s));
  const n = outShapeKeep.reduce((a, b) => a * b, 1);
  const acc = new Float64Array(n).fill(init);
  const out = allocate(t.dtype, n);
  const shape = t.shape;
  const index = new Array<number>(shape.length).fill(0);
  let o = 0;
  const src = t.data;
  const round = t.dtype === 'float32' ? Math.fround : (v: number) => v;
  for (let i = 0; i < src.length; i++) {
    acc[o] = round(step(acc[o], src[i]));
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      o += outStrides[d];
      if (index[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      index[d] = 0;
    }
  }
  out.set(acc);
  return new Tensor(out, reducedShape(t.shape, dims, keepdim));
}
