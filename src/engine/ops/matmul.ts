import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { broadcastShapes } from '../broadcast.js';
import { droppedDimsView } from '../strided.js';
import type { Tensor } from '../tensor.js';
import { bmm } from './bmm.js';
import { contiguous } from './contiguous.js';
import { dot } from './dot.js';
import { mm } from './mm.js';
import { mv } from './mv.js';
import { expandRecorded } from './normalize.js';
import { reshapeAlias, unsafeView } from './reshape_alias.js';
import { t } from './t.js';
import { transpose } from './transpose.js';
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
 * Whether torch 1.13 folds `t1`'s batch dims into matrix rows (one mm or mv)
 * instead of running bmm: t1 is 3-D or more against a 1-D or 2-D operand,
 * unless t1 is a 3-D tensor whose last two dims are transposed (bmm handles
 * those without a copy).
 */
function shouldFold(t1: Tensor, otherDims: number): boolean {
  if (t1.ndim < 3 || (otherDims !== 1 && otherDims !== 2)) return false;
  const [, rows, cols] = t1.shape;
  return !(t1.ndim === 3 && otherDims === 2 && t1.strides[2] !== 1 && t1.strides[0] === rows * cols);
}

/**
 * torch.matmul dispatched as torch 1.13's _matmul_impl: dot (1-D, 1-D),
 * mv (2-D, 1-D), mm (2-D, 2-D), `a.unsqueeze(0).mm(b).squeeze_(0)` for
 * (1-D, 2-D); a batched operand against a 1-D or 2-D one is folded into one
 * mm or mv of its rows (transposing the problem when the batched operand is
 * on the right); otherwise both are expanded to the broadcast batch, reshaped
 * to 3-D and multiplied by bmm, the result viewed back (UnsafeViewBackward0).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const dim1 = a.ndim;
  const dim2 = b.ndim;
  if (dim1 === 0 || dim2 === 0) {
    throw new ProblemError('shape-error', `both arguments to matmul need to be at least 1D, but they are ${dim1}D and ${dim2}D`);
  }
  if (dim1 === 1 && dim2 === 1) return dot(a, b);
  if (dim1 === 2 && dim2 === 1) return mv(a, b);
  if (dim1 === 2 && dim2 === 2) return mm(a, b);
  if (dim1 === 1 && dim2 === 2) return apply(SqueezeFirstInPlace, [mm(unsqueeze(a, 0), b)], undefined);
  if (shouldFold(a, dim2) || shouldFold(b, dim1)) return foldedMatmul(a, b);
  return batchedMatmul(a, b);
}

function foldedMatmul(a: Tensor, b: Tensor): Tensor {
  const transposed = b.ndim > a.ndim;
  const t1 = transposed ? transpose(b, -2, -1) : a;
  const t2 = !transposed ? b : a.ndim === 2 ? t(a) : a;
  const outputShape = t1.shape.slice(0, -1);
  const rows = outputShape.reduce((n, d) => n * d, 1);
  if (t2.ndim === 2) outputShape.push(t2.shape[1]);
  const folded = reshapeAlias(t1, [rows, t1.shape[t1.ndim - 1]]);
  if (t2.ndim === 1) return unsafeView(mv(folded, t2), outputShape);
  const product = unsafeView(mm(folded, t2), outputShape);
  return transposed ? contiguous(transpose(product, -2, -1)) : product;
}

function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const n = a.ndim > 1 ? a.shape[a.ndim - 2] : 1;
  const m1 = a.shape[a.ndim - 1];
  const m2 = b.ndim > 1 ? b.shape[b.ndim - 2] : b.shape[0];
  const p = b.ndim > 1 ? b.shape[b.ndim - 1] : 1;
  const batch = broadcastShapes(a.shape.slice(0, Math.max(a.ndim - 2, 0)), b.shape.slice(0, Math.max(b.ndim - 2, 0)));
  const count = batch.reduce((k, d) => k * d, 1);
  // expand as at::matmul calls it: a node even when the shape does not change
  const expandTo = (x: Tensor, shape: number[]) => expandRecorded(x, expandedShape(x, shape));
  const left = reshapeAlias(expandTo(a, [...batch, n, m1]), [count, n, m1]);
  const right = reshapeAlias(expandTo(b, [...batch, m2, p]), [count, m2, p]);
  const outputShape = [...batch, ...(a.ndim > 1 ? [n] : []), ...(b.ndim > 1 ? [p] : [])];
  return unsafeView(bmm(left, right), outputShape);
}

/** x's expansion to `shape`, checked as expand checks it (a 1-D operand's matrix dims included). */
function expandedShape(x: Tensor, shape: number[]): number[] {
  const lead = shape.length - x.ndim;
  x.shape.forEach((size, i) => {
    if (size !== 1 && size !== shape[lead + i]) {
      throw new ProblemError(
        'shape-error',
        `The expanded size of the tensor (${shape[lead + i]}) must match the existing size (${size}) at non-singleton dimension ${lead + i}.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${x.shape.join(', ')}]`,
      );
    }
  });
  return shape;
}

export default defineOp({
  name: 'matmul',
  summary: 'Matrix product (`a @ b`): dot, mv or mm by the operands’ dimensions; batched operands broadcast their batch dims (folded into one mm or mv, or bmm).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['DotBackward0', 'MvBackward0', 'MmBackward0', 'SqueezeBackward3', 'UnsafeViewBackward0', 'CloneBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  operators: ['@'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [3, 2] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }] },
    { args: [{ tensor: [3] }, { tensor: [3] }] },
    { args: [{ tensor: [3] }, { tensor: [3, 2] }] },
    { args: [{ tensor: [2, 2, 3] }, { tensor: [2, 3, 4] }] },
    { args: [{ tensor: [2, 1, 2, 3] }, { tensor: [3, 3, 2] }] },
    { args: [{ tensor: [2, 2, 3] }, { tensor: [3, 2] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3, 4] }] },
    { args: [{ tensor: [3] }, { tensor: [2, 3, 4] }] },
    { args: [{ tensor: [2, 2, 3] }, { tensor: [3] }] },
  ],
  call: ({ input, other }): Value => matmul(input as Tensor, other as Tensor),
});
