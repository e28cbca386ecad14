import { ProblemError } from '../../errors.js';
import { type DType, TorchDType } from '../dtype.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { amax } from './amax.js';
import { amin } from './amin.js';
import { vectorNorm } from './linalg_vector_norm.js';

/** An ord as torch prints it in messages: 3, 2.5, inf, fro. */
function formatOrd(ord: number | string): string {
  if (ord === Infinity) return 'inf';
  if (ord === -Infinity) return '-inf';
  return String(ord);
}

/**
 * torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False):
 * 'fro' is the vector 2-norm over both dims (LinalgVectorNormBackward0); ±1 and
 * ±inf are the largest/smallest (amax/amin) column or row 1-norm (the vector
 * norm over one dim, then the extreme over the other), as torch composes them.
 * 'nuc' and ±2 need singular values, which this service does not compute.
 */
export function matrixNorm(a: Tensor, ord: number | string = 'fro', dim: readonly number[] = [-2, -1], keepdim = false, dtype: DType | null = null): Tensor {
  if (a.ndim < 2) throw new ProblemError('shape-error', 'linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
  if (dim.length !== 2) throw new ProblemError('invalid-argument', `linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(' ')}`);
  const dims = dim.map((d) => normalizeDim(d, a.ndim));
  if (dims[0] === dims[1]) throw new ProblemError('invalid-argument', `linalg.matrix_norm: dims must be different. Got (${dims[0]}, ${dims[1]})`);
  if (ord === 'fro') return vectorNorm(a, 2, dims, keepdim, dtype);
  if (ord === 'nuc' || ord === 2 || ord === -2) {
    throw new ProblemError('invalid-argument', `linalg.matrix_norm: ord=${formatOrd(ord)} needs singular values (linalg.svdvals), which this service does not compute`);
  }
  if (typeof ord === 'number' && [1, -1, Infinity, -Infinity].includes(ord)) {
    // the 1-norms run along dims[0] (columns), the inf-norms along dims[1] (rows); the extreme over the other
    let [along, over] = Math.abs(ord) === Infinity ? [dims[1], dims[0]] : [dims[0], dims[1]];
    if (!keepdim && along < over) over--;
    const norms = vectorNorm(a, 1, [along], keepdim, dtype);
    return ord > 0 ? amax(norms, over, keepdim) : amin(norms, over, keepdim);
  }
  throw new ProblemError('invalid-argument', `linalg.matrix_norm: Order ${formatOrd(ord)} not supported.`);
}

/** An ord argument: a number (Python int or float) or a string ('fro', 'nuc'). */
export function ordArgument(value: Value): number | string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  throw new ProblemError('invalid-argument', 'ord must be a number or a string', { pythonType: 'TypeError' });
}

export default defineOp({
  name: 'linalg_matrix_norm',
  pythonName: 'matrix_norm',
  summary: "torch.linalg.matrix_norm: 'fro' (default), 1, -1, inf or -inf matrix norm over two dims (default the last two).",
  params: [
    { name: 'A', kind: 'tensor' },
    { name: 'ord', kind: 'any', default: 'fro' },
    { name: 'dim', kind: 'ints', default: [-2n, -1n] },
    { name: 'keepdim', kind: 'bool', default: false },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
  ],
  gradFns: ['LinalgVectorNormBackward0', 'AmaxBackward0', 'AminBackward0'],
  method: false,
  function: false,
  modules: ['torch.linalg'],
  examples: [
    { args: [{ tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3, 4] }, 1, [2, 0]] },
    { args: [{ tensor: [3, 2] }, -Infinity], kwargs: { keepdim: true } },
  ],
  call: ({ A, ord, dim, keepdim, dtype }): Value =>
    matrixNorm(A as Tensor, ordArgument(ord), dim as number[], keepdim as boolean, dtype === null ? null : (dtype as TorchDType).dtype),
});
