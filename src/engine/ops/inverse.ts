import { ProblemError } from '../../errors.js';
import { allocate } from '../dtype.js';
import { factorTransposed, solveTransposedColumn } from '../kernels/linalg.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { checkSquareBatch } from './det.js';
import { matmul } from './matmul.js';
import { neg } from './neg.js';
import { transpose } from './transpose.js';

// d(A⁻¹) = -A⁻¹ dA A⁻¹, so the gradient is -A⁻ᵀ g A⁻ᵀ, read from the saved result
const LinalgInvEx: Primitive = {
  gradFn: 'LinalgInvExBackward0',
  forward: ([a]) => {
    const n = a.shape[a.ndim - 1];
    const data = a.data;
    const out = allocate(a.dtype, a.numel);
    const count = n === 0 ? 0 : a.numel / (n * n);
    for (let b = 0; b < count; b++) {
      const factors = factorTransposed(data, b * n * n, n, a.dtype);
      if (factors.zeroPivot !== 0) {
        const where = a.ndim > 2 ? `(Batch element ${b}): ` : '';
        throw new ProblemError(
          'invalid-argument',
          `linalg.inv: ${where}The diagonal element ${factors.zeroPivot} is zero, the inversion could not be completed because the input matrix is singular.`,
        );
      }
      // torch solves A X = I: column j of X solves A x = e_j
      for (let j = 0; j < n; j++) {
        out[b * n * n + j * n + j] = 1;
        solveTransposedColumn(factors, n, a.dtype, out, b * n * n + j, n);
      }
    }
    return new Tensor(out, a.shape.slice());
  },
  backward: (g, { output }) => {
    const inverseT = transpose(output, -2, -1);
    return [neg(matmul(inverseT, matmul(g, inverseT)))];
  },
};

/** The inverse of a square matrix or of each of a batch, as torch.linalg.inv computes it (a solve against I). */
export function inverse(a: Tensor): Tensor {
  checkSquareBatch('linalg.inv', a);
  return apply(LinalgInvEx, [a], undefined);
}

export default defineOp({
  name: 'inverse',
  summary: 'Inverse of a square matrix or of each of a batch (torch.inverse; torch.linalg.inv is the same).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['LinalgInvExBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [3, 3] }] }, { args: [{ tensor: [1, 1] }] }],
  call: ({ input }): Value => inverse(input as Tensor),
});
