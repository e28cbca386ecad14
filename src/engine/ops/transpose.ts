import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { normalizeDim } from '../kernels/reduce.js';
import { permutedView } from '../strided.js';
import type { Tensor } from '../tensor.js';

interface TransposeAttrs {
  dim0: number;
  dim1: number;
}

// transpose swaps two dims: the gradient is the output gradient with the same two dims swapped back
const Transpose: Primitive<TransposeAttrs> = {
  gradFn: 'TransposeBackward0',
  saves: 'nothing',
  forward: ([x], { dim0, dim1 }) => permutedView(x, swappedOrder(x.ndim, dim0, dim1)),
  backward: (g, { attrs: { dim0, dim1 } }) => [transpose(g, dim0, dim1)],
};

/** 0, 1, ..., ndim - 1 with dim0 and dim1 swapped. */
export function swappedOrder(ndim: number, dim0: number, dim1: number): number[] {
  const order = Array.from({ length: ndim }, (_, i) => i);
  if (ndim > 0) [order[dim0], order[dim1]] = [order[dim1], order[dim0]];
  return order;
}

/** `x.mT`: the last two dims swapped (TransposeBackward0), for matrices and batches of them. */
export function matrixTranspose(x: Tensor): Tensor {
  if (x.ndim < 2) throw new ProblemError('invalid-argument', `tensor.mT is only supported on matrices or batches of matrices. Got ${x.ndim}-D tensor.`);
  return transpose(x, -2, -1);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  return apply(Transpose, [x], { dim0: normalizeDim(dim0, x.ndim), dim1: normalizeDim(dim1, x.ndim) });
}

export default defineOp({
  name: 'transpose',
  summary: 'Swaps dimensions `dim0` and `dim1`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim0', kind: 'int' },
    { name: 'dim1', kind: 'int' },
  ],
  gradFns: ['TransposeBackward0'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }, 0, 1] }, { args: [{ tensor: [2, 3, 4] }, -1, 0] }],
  call: ({ input, dim0, dim1 }): Value => transpose(input as Tensor, dim0 as number, dim1 as number),
});
