import { defineOp, type Value } from '../op.js';
import { broadcastShapes } from '../broadcast.js';
import { rounder } from '../dtype.js';
import { normalizeDim } from '../kernels/reduce.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { expandRecorded } from './normalize.js';
import { pow } from './pow.js';
import { sqrt } from './sqrt.js';
import { sum } from './sum.js';

/**
 * F.cosine_similarity(x1, x2, dim=1, eps=1e-8) as ATen 1.13 composes it: both
 * inputs expanded to their common shape (ExpandBackward0 each), each divided by
 * its norm sqrt(sum(x ** 2, dim, keepdim=True)) whose squared value is raised to
 * eps² without recording (an in-place clamp under no_grad), then
 * sum(x1n * x2n, dim) (SumBackward1 over MulBackward0 over DivBackward0s).
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  const shape = broadcastShapes(x1.shape, x2.shape);
  const d = normalizeDim(dim, shape.length);
  const [a, b] = [expandRecorded(x1, shape), expandRecorded(x2, shape)];
  const normalized = (x: Tensor) => {
    const squared = sum(pow(x, 2), d, true);
    const floor = rounder(squared.dtype)(eps * eps);
    const data = squared.data;
    for (let i = 0; i < data.length; i++) if (data[i] < floor) data[i] = floor;
    return div(x, sqrt(squared));
  };
  return sum(mul(normalized(a), normalized(b)), d);
}

export default defineOp({
  name: 'cosine_similarity',
  summary: 'Cosine of the angle between x1 and x2 along `dim` (after broadcasting), norms at least eps.',
  params: [
    { name: 'x1', kind: 'tensor' },
    { name: 'x2', kind: 'tensor' },
    { name: 'dim', kind: 'int', default: 1 },
    { name: 'eps', kind: 'number', default: 1e-8 },
  ],
  gradFns: ['SumBackward1'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [4] }, { tensor: [4] }], kwargs: { dim: 0 } },
    { args: [{ tensor: [2, 3] }, { tensor: [1, 3] }] },
  ],
  call: ({ x1, x2, dim, eps }): Value => cosineSimilarity(x1 as Tensor, x2 as Tensor, dim as number, eps as number),
});
