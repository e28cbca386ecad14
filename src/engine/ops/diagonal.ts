import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, type Value } from '../op.js';
import { diagonalLayout, viewPrimitive } from '../strided.js';
import type { Tensor } from '../tensor.js';

// a view of the diagonal: the gradient goes back onto the diagonal
const Diagonal = viewPrimitive('DiagonalBackward0', diagonalLayout);

/** `x.diagonal(offset, dim1, dim2)`: the diagonal of dims dim1 and dim2 as the last dim (a view). */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const d1 = normalizeDim(dim1, x.ndim);
  const d2 = normalizeDim(dim2, x.ndim);
  if (d1 === d2) throw new ProblemError('invalid-argument', `diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return apply(Diagonal, [x], { offset, dim1: d1, dim2: d2 });
}

export default defineOp({
  name: 'diagonal',
  summary: 'The diagonal (shifted by `offset`) of dims `dim1` and `dim2`, as the last dim (a view).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'offset', kind: 'int', default: 0n },
    { name: 'dim1', kind: 'int', default: 0n },
    { name: 'dim2', kind: 'int', default: 1n },
  ],
  gradFns: ['DiagonalBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [3, 3] }] }, { args: [{ tensor: [3, 4] }, -1] }, { args: [{ tensor: [2, 3, 3] }], kwargs: { dim1: -2, dim2: -1 } }],
  call: ({ input, offset, dim1, dim2 }): Value => diagonal(input as Tensor, offset as number, dim1 as number, dim2 as number),
});
