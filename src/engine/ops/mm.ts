import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { matmulData } from '../kernels/matmul.js';
import type { Tensor } from '../tensor.js';
import { t } from './t.js';

// d(A B)/dA = g Bᵀ, d(A B)/dB = Aᵀ g
const Mm: Primitive = {
  gradFn: 'MmBackward0',
  forward: ([a, b]) => {
    const [m, k] = a.shape;
    const n = b.shape[1];
    return matmulData(a.data, b.data, m, k, n, a.dtype, [m, n]);
  },
  backward: (g, { inputs: [a, b] }) => [a.requiresGrad ? mm(g, t(b)) : null, b.requiresGrad ? mm(t(a), g) : null],
};

/** PyTorch's complaint when a kernel meets operands of two dtypes (the first one's type is expected). */
export function dtypeMismatch(expected: Tensor, found: Tensor): ProblemError {
  const name = (x: Tensor) => (x.dtype === 'float32' ? 'Float' : 'Double');
  return new ProblemError('invalid-argument', `expected scalar type ${name(expected)} but found ${name(found)}`);
}

/** Matrix product of two 2-D tensors. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new ProblemError('shape-error', 'self must be a matrix');
  if (b.ndim !== 2) throw new ProblemError('shape-error', 'mat2 must be a matrix');
  if (a.shape[1] !== b.shape[0]) {
    throw new ProblemError(
      'shape-error',
      `mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`,
    );
  }
  if (a.dtype !== b.dtype) throw dtypeMismatch(a, b);
  return apply(Mm, [a, b], undefined);
}

export default defineOp({
  name: 'mm',
  summary: 'Matrix product of two 2-D tensors.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'mat2', kind: 'tensor' },
  ],
  gradFns: ['MmBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3, 4] }] }, { args: [{ tensor: [1, 2] }, { tensor: [2, 1] }] }],
  call: ({ input, mat2 }): Value => mm(input as Tensor, mat2 as Tensor),
});
