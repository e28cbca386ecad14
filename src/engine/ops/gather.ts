import { ProblemError } from '../../errors.js';
import { take } from '../flat_index.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import { rowMajorLayout } from '../strided.js';
import type { Tensor } from '../tensor.js';

/** Flat indices into x of gather(x, dim, index): out[i][j] = x[i][index[i][j]] for dim 1, and so on. */
export function gatherIndices(x: Tensor, dim: number, index: Tensor, name: string): Int32Array {
  if (index.dtype !== 'int64') throw new ProblemError('invalid-argument', `${name}(): Expected dtype int64 for index`);
  if (index.ndim !== x.ndim && !(index.ndim <= 1 && x.ndim <= 1)) {
    throw new ProblemError('invalid-argument', 'Index tensor must have the same number of dimensions as input tensor');
  }
  for (let d = 0; d < index.ndim; d++) {
    if (d !== dim && index.shape[d] > x.shape[d]) {
      throw new ProblemError(
        'invalid-argument',
        `Size does not match at dimension ${d} expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${dim}`,
      );
    }
  }
  const xStrides = rowMajorLayout(x.shape).strides;
  const iStrides = rowMajorLayout(index.shape).strides;
  const size = x.ndim === 0 ? 1 : x.shape[dim];
  const values = index.data;
  const out = new Int32Array(index.numel);
  for (let k = 0; k < out.length; k++) {
    const v = values[k];
    if (v < -size || v >= size) throw new ProblemError('invalid-argument', `index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    let at = 0;
    for (let d = 0; d < index.ndim; d++) {
      const i = Math.floor(k / iStrides[d]) % index.shape[d];
      at += (d === dim ? (v < 0 ? v + size : v) : i) * xStrides[d];
    }
    out[k] = at;
  }
  return out;
}

/** torch.gather(x, dim, index): the elements of x at `index` along dim (GatherBackward0; repeats add their gradients). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim);
  return take(x, gatherIndices(x, d, index, 'gather'), index.shape, 'GatherBackward0');
}

export default defineOp({
  name: 'gather',
  summary: 'Elements of `input` picked along `dim` by the int64 `index` (index has the shape of the result).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'index', kind: 'tensor' },
  ],
  gradFns: ['GatherBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [2, 3] }, 1, { tensor: [2, 2], dtype: 'int64', values: [0, 2, 1, 1] }] },
    { args: [{ tensor: [2, 3] }, 0, { tensor: [1, 3], dtype: 'int64', values: [1, 0, 1] }] },
  ],
  call: ({ input, dim, index }): Value => gather(input as Tensor, dim as number, index as Tensor),
});
