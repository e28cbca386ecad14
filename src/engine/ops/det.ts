import { ProblemError } from '../../errors.js';
import { allocate } from '../dtype.js';
import { determinantOf, factorTransposed, solveTransposedColumn } from '../kernels/linalg.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { inverse } from './inverse.js';
import { mul } from './mul.js';
import { transpose } from './transpose.js';
import { unsqueeze } from './unsqueeze.js';

/** The checks torch's linalg functions make of a batch of square matrices, named after `fn`. */
export function checkSquareBatch(fn: string, a: Tensor, operand = 'A'): number {
  if (a.ndim < 2) throw new ProblemError('shape-error', `${fn}: The input tensor ${operand} must have at least 2 dimensions.`);
  const [rows, cols] = a.shape.slice(-2);
  if (rows !== cols) throw new ProblemError('shape-error', `${fn}: ${operand} must be batches of square matrices, but they are ${rows} by ${cols} matrices`);
  if (a.dtype !== 'float32' && a.dtype !== 'float64') {
    throw new ProblemError('invalid-argument', `${fn}: Expected a floating point or complex tensor as input. Got ${a.dtype === 'int64' ? 'Long' : 'Bool'}`);
  }
  return rows;
}

// d det(A)/dA = det(A) A⁻ᵀ (the cofactor matrix). At a singular A (det exactly 0) torch 1.13's
// backward gives 0 (it only takes the cofactors of a singular matrix when it records a graph of the
// gradient); here it is 0 both ways.
const LinalgDet: Primitive = {
  gradFn: 'LinalgDetBackward0',
  forward: ([a]) => {
    const n = a.shape[a.ndim - 1];
    const batch = a.shape.slice(0, -2);
    const out = allocate(a.dtype, batch.reduce((k, d) => k * d, 1));
    const data = a.data;
    for (let i = 0; i < out.length; i++) out[i] = determinantOf(factorTransposed(data, i * n * n, n, a.dtype), n, a.dtype);
    return new Tensor(out, batch);
  },
  backward: (g, { inputs: [a], output }) => {
    const dets = output.data;
    for (let i = 0; i < dets.length; i++) if (dets[i] === 0) return [cofactorsWithSingularZero(g, a, output)];
    const scale = unsqueeze(unsqueeze(mul(g, output), -1), -1);
    return [mul(scale, transpose(inverse(a), -2, -1))];
  },
};

/**
 * g det(A) A⁻ᵀ for a batch where some det is 0, those matrices getting 0, as a
 * constant (the gradient of a singular matrix is not differentiated again).
 */
function cofactorsWithSingularZero(g: Tensor, a: Tensor, det: Tensor): Tensor {
  const n = a.shape[a.ndim - 1];
  const out = allocate(a.dtype, a.numel);
  const data = a.data;
  const scale = g.data;
  const dets = det.data;
  for (let b = 0; b * n * n < out.length; b++) {
    if (dets[b] === 0) continue;
    const factors = factorTransposed(data, b * n * n, n, a.dtype);
    // column j of A⁻¹ is row j of A⁻ᵀ: solve into out's row j
    for (let j = 0; j < n; j++) {
      const at = b * n * n + j * n;
      out[at + j] = 1;
      solveTransposedColumn(factors, n, a.dtype, out, at, 1);
      for (let k = 0; k < n; k++) out[at + k] *= scale[b] * dets[b];
    }
  }
  return new Tensor(out, a.shape.slice());
}

/** The determinant of each square matrix of a batch [..., n, n]. */
export function det(a: Tensor): Tensor {
  checkSquareBatch('linalg.det', a);
  return apply(LinalgDet, [a], undefined);
}

export default defineOp({
  name: 'det',
  summary: 'Determinant of a square matrix or of each of a batch (LU with partial pivoting).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['LinalgDetBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.linalg'],
  examples: [{ args: [{ tensor: [3, 3] }] }, { args: [{ tensor: [1, 1] }] }, { args: [{ tensor: [2, 2, 2] }] }],
  call: ({ input }): Value => det(input as Tensor),
});
