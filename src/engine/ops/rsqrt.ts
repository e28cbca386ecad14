import { apply, defineOp, type Primitive } from '../op.js';
import { rounder } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { pow } from './pow.js';

// d x^(-1/2)/dx = -1/2 x^(-3/2) = -out³/2, from the saved result as PyTorch does: (-0.5 * g) * out³;
// at x = 0 the result is +inf and so is the gradient's magnitude
const Rsqrt: Primitive = {
  gradFn: 'RsqrtBackward0',
  // 1 / sqrt(x), each step rounded to the dtype (PyTorch's vectorised rsqrt is a sqrt and a division)
  forward: ([x]) => {
    const round = rounder(x.dtype);
    return map(x, (v) => 1 / round(Math.sqrt(v)));
  },
  backward: (g, { output }) => [mul(mul(g, -0.5), pow(output, 3))],
};

export function rsqrt(x: Tensor): Tensor {
  return apply(Rsqrt, [x], undefined);
}

export default defineOp({
  name: 'rsqrt',
  summary: 'Elementwise 1 / sqrt(x).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['RsqrtBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], domain: 'positive' }] }, { args: [{ tensor: [], domain: 'positive' }] }],
  call: ({ input }) => rsqrt(input as Tensor),
});
