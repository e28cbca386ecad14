import { ProblemError } from '../../errors.js';
import { broadcastShapes } from '../broadcast.js';
import { take } from '../flat_index.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { gatherIndices } from './gather.js';
import { view } from './view.js';

/**
 * torch.take_along_dim(x, indices, dim): as torch does it, x and indices
 * broadcast against each other except along dim (ExpandBackward0 under the
 * result), then gather; without dim both are flattened first (ViewBackward0).
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim: number | null): Tensor {
  if (indices.dtype !== 'int64') throw new ProblemError('invalid-argument', `torch.take_along_dim(): dtype of indices should be Long but got ${indices.dtype === 'bool' ? 'Bool' : 'Float'}`);
  if (dim === null) {
    const flat = view(x, [-1]);
    const flatIndices = new Tensor(indices.data, [indices.numel]);
    return take(flat, gatherIndices(flat, 0, flatIndices, 'gather'), flatIndices.shape, 'GatherBackward0');
  }
  const d = normalizeDim(dim, x.ndim);
  if (x.ndim !== indices.ndim) {
    throw new ProblemError('invalid-argument', `torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`);
  }
  const withDim = (shape: readonly number[], size: number) => shape.map((s, i) => (i === d ? size : s));
  const common = broadcastShapes(withDim(x.shape, 1), withDim(indices.shape, 1));
  const expandedX = expand(x, withDim(common, x.shape[d]), true);
  const expandedIndices = expand(indices, withDim(common, indices.shape[d]));
  const index = expandedIndices.dense ? expandedIndices : new Tensor(expandedIndices.data, expandedIndices.shape.slice());
  return take(expandedX, gatherIndices(expandedX, d, index, 'gather'), index.shape, 'GatherBackward0');
}

export default defineOp({
  name: 'take_along_dim',
  summary: 'Elements of `input` at the int64 `indices` along `dim` (broadcast), or of the flattened input without dim.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'indices', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
  ],
  gradFns: ['GatherBackward0', 'ExpandBackward0', 'ViewBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 1], dtype: 'int64', values: [2, 0] }, 1] },
    { args: [{ tensor: [2, 3] }, { tensor: [3], dtype: 'int64', values: [5, 0, 5] }] },
  ],
  call: ({ input, indices, dim }): Value => takeAlongDim(input as Tensor, indices as Tensor, dim as number | null),
});
