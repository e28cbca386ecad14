import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { droppedDimsView } from '../strided.js';
import type { Tensor } from '../tensor.js';
import { dot } from './dot.js';
import { mm } from './mm.js';
import { mv } from './mv.js';
import { unsqueeze } from './unsqueeze.js';

// In-place squeeze_(0) of mm's result removes the leading 1: the gradient gets it back.
// PyTorch names this node after the in-place overload squeeze_.dim: SqueezeBackward3 in
// 1.13 (squeeze, squeeze.dim, squeeze_, squeeze_.dim), SqueezeBackward4 once squeeze.dims exists.
const SqueezeFirstInPlace: Primitive = {
  gradFn: 'SqueezeBackward3',
  saves: 'nothing',
  forward: ([x]) => droppedDimsView(x, (d) => d === 0),
  backward: (g) => [unsqueeze(g, 0)],
};

/**
 * torch.matmul for 1-D and 2-D operands, dispatched as PyTorch does:
 * dot (1-D, 1-D), mv (2-D, 1-D), mm (2-D, 2-D), and for (1-D, 2-D)
 * `a.unsqueeze(0).mm(b).squeeze_(0)`.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ProblemError('shape-error', `both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  if (a.ndim === 1 && b.ndim === 1) return dot(a, b);
  if (a.ndim === 2 && b.ndim === 1) return mv(a, b);
  if (a.ndim === 2 && b.ndim === 2) return mm(a, b);
  if (a.ndim === 1 && b.ndim === 2) return apply(SqueezeFirstInPlace, [mm(unsqueeze(a, 0), b)], undefined);
  throw new ProblemError(
    'invalid-argument',
    `matmul of tensors with more than 2 dimensions (batched matmul) is not supported by this service, got ${a.ndim}D and ${b.ndim}D tensors`,
  );
}

export default defineOp({
  name: 'matmul',
  summary: 'Matrix product of 1-D and 2-D tensors (`a @ b`): dot, mv or mm by the operands’ dimensions.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['DotBackward0', 'MvBackward0', 'MmBackward0', 'SqueezeBackward3', 'UnsqueezeBackward0'],
  method: true,
  function: true,
  operators: ['@'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [3, 2] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }] },
    { args: [{ tensor: [3] }, { tensor: [3] }] },
    { args: [{ tensor: [3] }, { tensor: [3, 2] }] },
  ],
  call: ({ input, other }): Value => matmul(input as Tensor, other as Tensor),
});
