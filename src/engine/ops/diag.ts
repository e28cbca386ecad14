import { ProblemError } from '../../errors.js';
import { layoutIndices, putAdd, putAddValues, takeValues } from '../flat_index.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { diagonalLayout, rowMajorLayout } from '../strided.js';
import type { Tensor } from '../tensor.js';

interface DiagAttrs {
  diagonal: number;
}

/** Flat indices of the `diagonal`-th diagonal of a rows x cols matrix. */
function diagonalIndices(rows: number, cols: number, diagonal: number): Int32Array {
  const { shape, strides, offset } = diagonalLayout(rowMajorLayout([rows, cols]), { offset: diagonal, dim1: 0, dim2: 1 });
  return layoutIndices(shape, strides, offset);
}

// a vector onto a diagonal of a square matrix, or a matrix's diagonal as a vector: each the other's gradient
const Diag: Primitive<DiagAttrs> = {
  gradFn: 'DiagBackward0',
  saves: 'nothing',
  forward: ([x], { diagonal }) => {
    if (x.ndim === 1) {
      const n = x.shape[0] + Math.abs(diagonal);
      return putAddValues(x, diagonalIndices(n, n, diagonal), [n, n]);
    }
    const indices = diagonalIndices(x.shape[0], x.shape[1], diagonal);
    return takeValues(x, indices, [indices.length]);
  },
  backward: (g, { inputs: [x], attrs }) => [x.ndim === 1 ? apply(Diag, [g], attrs) : diagBack(g, x.shape, attrs.diagonal)],
};

function diagBack(g: Tensor, shape: readonly number[], diagonal: number): Tensor {
  return putAdd(g, diagonalIndices(shape[0], shape[1], diagonal), shape);
}

/** torch.diag: a 1-D tensor onto the `diagonal`-th diagonal of a square matrix, or a 2-D tensor's diagonal as a vector. */
export function diag(x: Tensor, diagonal = 0): Tensor {
  if (x.ndim !== 1 && x.ndim !== 2) throw new ProblemError('invalid-argument', 'matrix or a vector expected');
  return apply(Diag, [x], { diagonal });
}

export default defineOp({
  name: 'diag',
  summary: 'A vector onto a diagonal of a square matrix, or the diagonal of a matrix as a vector.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'diagonal', kind: 'int', default: 0n },
  ],
  gradFns: ['DiagBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [4] }] }, { args: [{ tensor: [3, 3] }] }, { args: [{ tensor: [3] }, 1] }, { args: [{ tensor: [3, 4] }, -1] }],
  call: ({ input, diagonal }): Value => diag(input as Tensor, diagonal as number),
});
