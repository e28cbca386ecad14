import { ProblemError } from '../../errors.js';
import { withGradMode } from '../autograd.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { addmmData } from '../kernels/matmul.js';
import type { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { mm } from './mm.js';
import { mul } from './mul.js';
import { t } from './t.js';

interface AddmmAttrs {
  beta: number;
  alpha: number;
}

/** g * s, or g itself when s is 1 (PyTorch's maybe_multiply). */
function scaled(g: Tensor, s: number): Tensor {
  return s === 1 ? g : mul(g, s);
}

// d(β C + α A B)/dC = β g (summed back to C's shape), d/dA = α g Bᵀ, d/dB = α Aᵀ g
const Addmm: Primitive<AddmmAttrs> = {
  gradFn: 'AddmmBackward0',
  forward: ([c, a, b], { beta, alpha }) => {
    const [m, k] = a.shape;
    const n = b.shape[1];
    const broadcast = withGradMode(false, () => expand(c, [m, n]));
    return addmmData(broadcast.data, a.data, b.data, m, k, n, beta, alpha, a.dtype);
  },
  backward: (g, { inputs: [c, a, b], attrs: { beta, alpha } }) => [
    c.requiresGrad ? scaled(g, beta) : null,
    a.requiresGrad ? scaled(mm(g, t(b)), alpha) : null,
    b.requiresGrad ? scaled(mm(t(a), g), alpha) : null,
  ],
};

/** beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape; PyTorch's checks in its order. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, beta = 1, alpha = 1): Tensor {
  if (mat1.ndim !== 2) throw new ProblemError('shape-error', `mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new ProblemError('shape-error', `mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  if (input.dtype !== mat2.dtype) throw new ProblemError('invalid-argument', 'self and mat2 must have the same dtype');
  if (mat1.dtype !== mat2.dtype) throw new ProblemError('invalid-argument', 'mat1 and mat2 must have the same dtype');
  if (mat1.shape[1] !== mat2.shape[0]) {
    throw new ProblemError(
      'shape-error',
      `mat1 and mat2 shapes cannot be multiplied (${mat1.shape[0]}x${mat1.shape[1]} and ${mat2.shape[0]}x${mat2.shape[1]})`,
    );
  }
  return apply(Addmm, [input, mat1, mat2], { beta, alpha });
}

export default defineOp({
  name: 'addmm',
  summary: '`beta * input + alpha * (mat1 @ mat2)`, input broadcast to the product’s shape.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'mat1', kind: 'tensor' },
    { name: 'mat2', kind: 'tensor' },
    { name: 'beta', kind: 'number', default: 1, keywordOnly: true },
    { name: 'alpha', kind: 'number', default: 1, keywordOnly: true },
  ],
  gradFns: ['AddmmBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [3] }, { tensor: [2, 4] }, { tensor: [4, 3] }] },
    { args: [{ tensor: [2, 1] }, { tensor: [2, 3] }, { tensor: [3, 1] }], kwargs: { beta: 0.5, alpha: 2 } },
    { args: [{ tensor: [2, 2] }, { tensor: [2, 3] }, { tensor: [3, 2] }], kwargs: { beta: 0, alpha: -1.5 } },
  ],
  call: ({ input, mat1, mat2, beta, alpha }): Value => addmm(input as Tensor, mat1 as Tensor, mat2 as Tensor, beta as number, alpha as number),
});
