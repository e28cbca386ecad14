import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { matmulData } from '../kernels/matmul.js';
import type { Tensor } from '../tensor.js';
import { dtypeMismatch } from './mm.js';
import { mul } from './mul.js';
import { t } from './t.js';
import { unsqueeze } from './unsqueeze.js';

// d(A v)/dA = g vᵀ (an outer product), d(A v)/dv = Aᵀ g
const Mv: Primitive = {
  gradFn: 'MvBackward0',
  forward: ([a, v]) => {
    const [m, k] = a.shape;
    return matmulData(a.data, v.data, m, k, 1, a.dtype, [m]);
  },
  backward: (g, { inputs: [a, v] }) => [a.requiresGrad ? mul(unsqueeze(g, 1), v) : null, v.requiresGrad ? mv(t(a), g) : null],
};

/** Product of a 2-D matrix and a 1-D vector. */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1) {
    throw new ProblemError('shape-error', `vector + matrix @ vector expected, got 1, ${a.ndim}, ${v.ndim}`);
  }
  if (a.shape[1] !== v.shape[0]) {
    throw new ProblemError('shape-error', `size mismatch, got ${a.shape[0]}, ${a.shape[0]}x${a.shape[1]},${v.shape[0]}`);
  }
  if (a.dtype !== v.dtype) throw dtypeMismatch(a, v);
  return apply(Mv, [a, v], undefined);
}

export default defineOp({
  name: 'mv',
  summary: 'Product of a matrix and a vector.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'vec', kind: 'tensor' },
  ],
  gradFns: ['MvBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }] }],
  call: ({ input, vec }): Value => mv(input as Tensor, vec as Tensor),
});
