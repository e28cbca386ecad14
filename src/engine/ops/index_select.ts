import { ProblemError } from '../../errors.js';
import { take } from '../flat_index.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import { rowMajorLayout } from '../strided.js';
import type { Tensor } from '../tensor.js';

/** The rows (along dim) `index` picks, as flat indices into x, and the result's shape. */
export function indexSelectIndices(x: Tensor, dim: number, picks: ArrayLike<number>): { indices: Int32Array; shape: number[] } {
  const size = x.ndim === 0 ? 1 : x.shape[dim];
  for (let k = 0; k < picks.length; k++) {
    if (picks[k] < -size || picks[k] >= size) throw new ProblemError('invalid-argument', 'index out of range in self', { pythonType: 'IndexError' });
  }
  const shape = x.ndim === 0 ? [] : x.shape.slice();
  if (x.ndim > 0) shape[dim] = picks.length;
  const strides = rowMajorLayout(x.shape).strides;
  const outStrides = rowMajorLayout(shape).strides;
  const indices = new Int32Array(shape.reduce((n, d) => n * d, 1));
  for (let k = 0; k < indices.length; k++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) {
      const i = Math.floor(k / outStrides[d]) % shape[d];
      const pick = d === dim ? picks[i] : i;
      at += (pick < 0 ? pick + size : pick) * strides[d];
    }
    indices[k] = at;
  }
  return { indices, shape };
}

/** torch.index_select(x, dim, index): the slices along dim at the 1-D int64 `index` (IndexSelectBackward0). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  if (index.dtype !== 'int64') throw new ProblemError('invalid-argument', 'index_select(): Expected dtype int64 for index');
  if (index.ndim > 1) throw new ProblemError('invalid-argument', 'index_select(): Index is supposed to be a vector');
  const d = normalizeDim(dim, x.ndim);
  const { indices, shape } = indexSelectIndices(x, d, index.data);
  return take(x, indices, shape, 'IndexSelectBackward0');
}

export default defineOp({
  name: 'index_select',
  summary: 'The slices of `input` along `dim` at the positions of the 1-D int64 `index`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'index', kind: 'tensor' },
  ],
  gradFns: ['IndexSelectBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [2, 3] }, 0, { tensor: [3], dtype: 'int64', values: [1, 0, 1] }] },
    { args: [{ tensor: [2, 3] }, 1, { tensor: [2], dtype: 'int64', values: [2, 0] }] },
  ],
  call: ({ input, dim, index }): Value => indexSelect(input as Tensor, dim as number, index as Tensor),
});
