import { take } from '../flat_index.js';
import { indicesTensor, sortedPositions } from '../kernels/sort.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type NamedTuple, type Value, valuesAndIndices } from '../op.js';
import type { Tensor } from '../tensor.js';

/**
 * `x.sort(dim, descending, stable)`: torch.return_types.sort(values, indices);
 * NaN sorts last (first when descending), equal elements keep their order.
 * The values' gradient goes back to where each came from (SortBackward0;
 * SortBackward1 for stable=True, the other overload).
 */
export function sort(x: Tensor, dim = -1, descending = false, stable = false): NamedTuple {
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const { flat, along, shape } = sortedPositions(x, d, descending, size);
  return valuesAndIndices('sort', take(x, flat, shape, stable ? 'SortBackward1' : 'SortBackward0'), indicesTensor(along, shape));
}

export default defineOp({
  name: 'sort',
  summary: 'The elements sorted along `dim` (ascending unless `descending`) and their indices, as a named tuple.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int', default: -1n },
    { name: 'descending', kind: 'bool', default: false },
    { name: 'stable', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: ['SortBackward0', 'SortBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }] }, { args: [{ tensor: [2, 3] }, 0, true] }],
  call: ({ input, dim, descending, stable }): Value => sort(input as Tensor, dim as number, descending as boolean, stable as boolean),
});
