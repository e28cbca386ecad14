import { ProblemError } from '../../errors.js';
import { unsqueezeView } from '../indexing.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { cat } from './cat.js';
import { reshape } from './reshape.js';

/** torch.vstack: tensors made at least 2-D (a vector becomes a row: UnsqueezeBackward0), then cat along dim 0. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  if (tensors.length === 0) throw new ProblemError('invalid-argument', 'vstack expects a non-empty TensorList');
  const atLeast2d = tensors.map((t) => (t.ndim === 0 ? reshape(t, [1, 1]) : t.ndim === 1 ? unsqueezeView(t, 0) : t));
  return cat(atLeast2d, 0, 'torch.vstack');
}

export default defineOp({
  name: 'vstack',
  summary: 'Tensors joined vertically (vectors as rows) along dim 0.',
  params: [{ name: 'tensors', kind: 'tensors' }],
  gradFns: ['CatBackward0', 'UnsqueezeBackward0'],
  method: false,
  function: true,
  modules: ['torch'],
  examples: [{ args: [[{ tensor: [3] }, { tensor: [3] }]] }, { args: [[{ tensor: [2, 3] }, { tensor: [1, 3] }]] }],
  call: ({ tensors }): Value => vstack(tensors as Tensor[]),
});
