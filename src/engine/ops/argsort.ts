import { indicesTensor, sortedPositions } from '../kernels/sort.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

/** `x.argsort(dim, descending)`: the indices that sort x along dim (int64, as sort's). */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim);
  const { along, shape } = sortedPositions(x, d, descending, x.ndim === 0 ? 1 : x.shape[d]);
  return indicesTensor(along, shape);
}

export default defineOp({
  name: 'argsort',
  summary: 'The indices that sort the elements along `dim` (int64).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int', default: -1n },
    { name: 'descending', kind: 'bool', default: false },
  ],
  gradFns: [],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  noGradient: 'indices are not differentiable',
  call: ({ input, dim, descending }): Value => argsort(input as Tensor, dim as number, descending as boolean),
});
