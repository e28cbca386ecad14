import { ProblemError } from '../../errors.js';
import { take } from '../flat_index.js';
import { indicesTensor, sortedPositions } from '../kernels/sort.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type NamedTuple, type Value, valuesAndIndices } from '../op.js';
import type { Tensor } from '../tensor.js';

/** `x.topk(k, dim, largest, sorted)`: the k largest (or smallest) along dim and their indices (TopkBackward0). */
export function topk(x: Tensor, k: number, dim = -1, largest = true): NamedTuple {
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (k < 0 || k > size) throw new ProblemError('invalid-argument', 'selected index k out of range');
  const { flat, along, shape } = sortedPositions(x, d, largest, k);
  return valuesAndIndices('topk', take(x, flat, shape, 'TopkBackward0'), indicesTensor(along, shape));
}

export default defineOp({
  name: 'topk',
  summary: 'The `k` largest (or smallest) elements along `dim`, sorted, and their indices, as a named tuple.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'k', kind: 'int' },
    { name: 'dim', kind: 'int', default: -1n },
    { name: 'largest', kind: 'bool', default: true },
    { name: 'sorted', kind: 'bool', default: true },
  ],
  gradFns: ['TopkBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }, 2] }, { args: [{ tensor: [2, 3] }, 2], kwargs: { dim: 1, largest: false } }],
  call: ({ input, k, dim, largest }): Value => topk(input as Tensor, k as number, dim as number, largest as boolean),
});
