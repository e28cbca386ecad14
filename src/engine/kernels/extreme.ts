import { allocate } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';
import { linesAlong, reducedShape } from './reduce.js';

/** Whether a reduction keeps `candidate` over the `best` so far. NaN always wins, once. */
export type Prefer = (candidate: number, best: number) => boolean;

export const larger: Prefer = (candidate, best) => candidate > best || (Number.isNaN(candidate) && !Number.isNaN(best));
export const smaller: Prefer = (candidate, best) => candidate < best || (Number.isNaN(candidate) && !Number.isNaN(best));

/** The preferred element of a non-empty tensor, as a 0-dim tensor (NaN if any element is NaN). */
export function extremeAll(t: Tensor, prefer: Prefer): Tensor {
  chargeWork(t.numel); // elements read
  const src = t.data;
  let best = src[0];
  for (let i = 1; i < src.length; i++) if (prefer(src[i], best)) best = src[i];
  const out = allocate(t.dtype, 1);
  out[0] = best;
  return new Tensor(out, []);
}

/** A mask with 1 where `t` equals `value` (is NaN, when `value` is NaN), else 0, and how many ones it has. */
export function tiesMask(t: Tensor, value: number): { mask: Tensor; ties: number } {
  chargeWork(t.numel); // elements read
  const src = t.data;
  const mask = allocate(t.dtype, src.length);
  const nan = Number.isNaN(value);
  let ties = 0;
  for (let i = 0; i < src.length; i++) {
    if (nan ? Number.isNaN(src[i]) : src[i] === value) {
      mask[i] = 1;
      ties++;
    }
  }
  return { mask: new Tensor(mask, t.shape.slice()), ties };
}

/**
 * The preferred element along `dim` (the first one on ties, as PyTorch's
 * max(dim)/min(dim) index), and a mask of `t`'s shape with 1 at each of them.
 */
export function extremeAlongDim(t: Tensor, dim: number, keepdim: boolean, prefer: Prefer): { values: Tensor; selected: Tensor; indices: Tensor } {
  chargeWork(t.numel); // elements read
  const { outer, size, inner } = linesAlong(t.shape, dim);
  const src = t.data;
  const values = allocate(t.dtype, outer * inner);
  const indices = allocate('int64', outer * inner);
  const selected = allocate(t.dtype, src.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * size * inner + i;
      let bestAt = first;
      let bestJ = 0;
      for (let j = 1, at = first + inner; j < size; j++, at += inner) {
        if (prefer(src[at], src[bestAt])) {
          bestAt = at;
          bestJ = j;
        }
      }
      values[o * inner + i] = src[bestAt];
      indices[o * inner + i] = bestJ;
      selected[bestAt] = 1;
    }
  }
  const shape = t.ndim === 0 ? [] : reducedShape(t.shape, [dim], keepdim);
  return { values: new Tensor(values, shape), selected: new Tensor(selected, t.shape.slice()), indices: new Tensor(indices, shape.slice()) };
}
