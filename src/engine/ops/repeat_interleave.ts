import { ProblemError } from '../../errors.js';
import { Int64Array } from '../dtype.js';
import { take } from '../flat_index.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, isTensor, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { flatten } from './flatten.js';
import { indexSelectIndices } from './index_select.js';

/** Each position i repeated counts[i] times: the positions index_select reads. */
function repeatedPositions(counts: ArrayLike<number>): number[] {
  const positions: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] < 0) throw new ProblemError('invalid-argument', 'repeats can not be negative');
    for (let r = 0; r < counts[i]; r++) positions.push(i);
  }
  return positions;
}

/**
 * torch.repeat_interleave(x, repeats, dim): each slice along dim repeated
 * (an int, or one count per slice), as torch: index_select with the repeated
 * positions (IndexSelectBackward0); without dim over the flattened input.
 * torch.repeat_interleave(counts) alone gives the repeated positions.
 */
export function repeatInterleave(x: Tensor, repeats: Tensor | number | null, dim: number | null): Tensor {
  if (repeats === null) {
    if (x.dtype !== 'int64' || x.ndim > 1) throw new ProblemError('invalid-argument', 'repeat_interleave only accept 1D vector as repeat');
    return new Tensor(Int64Array.from(repeatedPositions(x.data)), [repeatedPositions(x.data).length]);
  }
  const input = dim === null ? flatten(x) : x;
  const d = dim === null ? 0 : normalizeDim(dim, x.ndim);
  const size = input.ndim === 0 ? 1 : input.shape[d];
  const counts = isTensor(repeats) ? repeats.data : new Array<number>(size).fill(repeats);
  if (isTensor(repeats) && repeats.numel !== size && repeats.numel !== 1) {
    throw new ProblemError('invalid-argument', 'repeats must have the same size as input along dim');
  }
  const perSlice = isTensor(repeats) && repeats.numel === 1 ? new Array<number>(size).fill(repeats.data[0]) : counts;
  const { indices, shape } = indexSelectIndices(input, d, repeatedPositions(perSlice));
  return take(input, indices, shape, 'IndexSelectBackward0');
}

export default defineOp({
  name: 'repeat_interleave',
  summary: 'Each element (or slice along `dim`) repeated `repeats` times in place (an int or one count each).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'repeats', kind: 'tensor|number?', default: null },
    { name: 'dim', kind: 'int?', default: null },
  ],
  gradFns: ['IndexSelectBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [4] }, 2] }, { args: [{ tensor: [2, 3] }, 2], kwargs: { dim: 0 } }, { args: [{ tensor: [3] }, { tensor: [3], dtype: 'int64', values: [1, 0, 2] }] }],
  call: ({ input, repeats, dim }): Value => {
    const r = repeats === null ? null : isTensor(repeats) ? repeats : Number(repeats);
    return repeatInterleave(input as Tensor, r, dim as number | null);
  },
});
