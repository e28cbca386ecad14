import { ProblemError } from '../../errors.js';
import { type DType, TorchDType } from '../dtype.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { matrixNorm, ordArgument } from './linalg_matrix_norm.js';
import { vectorNorm } from './linalg_vector_norm.js';

/**
 * torch.linalg.norm(A, ord=None, dim=None, keepdim=False): a matrix norm when
 * ord is given and dim is a pair (or A is 2-D without dim); otherwise the
 * vector norm (ord=None: the 2-norm of all elements, which is also 'fro').
 */
export function linalgNorm(a: Tensor, ord: number | string | null = null, dim: readonly number[] | null = null, keepdim = false, dtype: DType | null = null): Tensor {
  if (dim !== null) {
    if (dim.length !== 1 && dim.length !== 2) {
      throw new ProblemError('invalid-argument', `linalg.norm: If dim is specified, it must be of length 1 or 2. Got [${dim.join(', ')}]`);
    }
  } else if (ord !== null && a.ndim !== 1 && a.ndim !== 2) {
    throw new ProblemError('invalid-argument', `linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${a.ndim}D.`);
  }
  if (typeof ord === 'string') return matrixNorm(a, ord, dim ?? [0, 1], keepdim, dtype);
  if (ord !== null && ((dim !== null && dim.length === 2) || (dim === null && a.ndim === 2))) return matrixNorm(a, ord, dim ?? [0, 1], keepdim, dtype);
  return vectorNorm(a, ord ?? 2, dim, keepdim, dtype);
}

export default defineOp({
  name: 'linalg_norm',
  pythonName: 'norm',
  summary: 'torch.linalg.norm: a vector norm, or a matrix norm when ord is given for two dims (or a 2-D input).',
  params: [
    { name: 'A', kind: 'tensor' },
    { name: 'ord', kind: 'any', default: null },
    { name: 'dim', kind: 'ints?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
  ],
  gradFns: ['LinalgVectorNormBackward0', 'AmaxBackward0', 'AminBackward0'],
  method: false,
  function: false,
  modules: ['torch.linalg'],
  examples: [
    { args: [{ tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, 1, [1]] },
    { args: [{ tensor: [2, 3] }, Infinity] },
    { args: [{ tensor: [2, 3, 2] }, 'fro', [0, 2]] },
  ],
  call: ({ A, ord, dim, keepdim, dtype }): Value =>
    linalgNorm(A as Tensor, ord === null ? null : ordArgument(ord), dim as number[] | null, keepdim as boolean, dtype === null ? null : (dtype as TorchDType).dtype),
});
