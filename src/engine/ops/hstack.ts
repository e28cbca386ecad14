import { ProblemError } from '../../errors.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { cat } from './cat.js';
import { reshape } from './reshape.js';

/** torch.hstack: 0-dim tensors as 1-D (atleast_1d), then cat along dim 0 for 1-D tensors, else dim 1 (CatBackward0). */
export function hstack(tensors: readonly Tensor[]): Tensor {
  if (tensors.length === 0) throw new ProblemError('invalid-argument', 'hstack expects a non-empty TensorList');
  const atLeast1d = tensors.map((t) => (t.ndim === 0 ? reshape(t, [1]) : t));
  return cat(atLeast1d, atLeast1d[0].ndim === 1 ? 0 : 1, 'torch.hstack');
}

export default defineOp({
  name: 'hstack',
  summary: 'Tensors joined horizontally: along dim 0 for vectors, dim 1 otherwise.',
  params: [{ name: 'tensors', kind: 'tensors' }],
  gradFns: ['CatBackward0'],
  method: false,
  function: true,
  modules: ['torch'],
  examples: [{ args: [[{ tensor: [3] }, { tensor: [2] }]] }, { args: [[{ tensor: [2, 3] }, { tensor: [2, 1] }]] }],
  call: ({ tensors }): Value => hstack(tensors as Tensor[]),
});
