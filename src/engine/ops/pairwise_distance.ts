import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { vectorNormOver } from './norm.js';
import { addScalar } from './scalar_overloads.js';
import { sub } from './sub.js';

/**
 * F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False) as ATen composes
 * it: norm(x1 - x2 + eps, p, innermost dim, keepdim), so its nodes are
 * NormBackward1 over AddBackward1 (the number eps) over SubBackward0.
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor {
  const innermost = Math.max(x1.ndim, x2.ndim) - 1;
  return vectorNormOver(addScalar(sub(x1, x2), eps), p, innermost < 0 ? [] : [innermost], keepdim);
}

export default defineOp({
  name: 'pairwise_distance',
  summary: 'The p-norm of x1 - x2 + eps along the last dim (rows of a batch: their distances).',
  params: [
    { name: 'x1', kind: 'tensor' },
    { name: 'x2', kind: 'tensor' },
    { name: 'p', kind: 'number', default: 2 },
    { name: 'eps', kind: 'number', default: 1e-6 },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['NormBackward1'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }], kwargs: { p: 1, keepdim: true } },
    { args: [{ tensor: [4] }, { tensor: [4] }], kwargs: { p: 3 } },
  ],
  call: ({ x1, x2, p, eps, keepdim }): Value => pairwiseDistance(x1 as Tensor, x2 as Tensor, p as number, eps as number, keepdim as boolean),
});
