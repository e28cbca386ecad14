import { ProblemError } from '../../errors.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { linalgCross } from './linalg_cross.js';

/** torch.cross(input, other, dim=None): linalg.cross along `dim`, by default the first dim of size 3 (LinalgCrossBackward0). */
export function cross(a: Tensor, b: Tensor, dim: number | null = null): Tensor {
  if (dim === null) {
    const first = a.shape.indexOf(3);
    if (first < 0) throw new ProblemError('shape-error', 'no dimension of size 3 in input');
    return linalgCross(a, b, first);
  }
  return linalgCross(a, b, dim);
}

export default defineOp({
  name: 'cross',
  summary: 'Cross product of 3-vectors along `dim` (default: the first dim of size 3), as torch.linalg.cross.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
  ],
  gradFns: ['LinalgCrossBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [3] }, { tensor: [3] }] }, { args: [{ tensor: [3, 2] }, { tensor: [3, 2] }] }],
  call: ({ input, other, dim }): Value => cross(input as Tensor, other as Tensor, dim as number | null),
});
