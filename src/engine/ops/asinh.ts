import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { pow } from './pow.js';
import { rsqrt } from './rsqrt.js';

// d asinh(x)/dx = 1 / sqrt(x² + 1), as PyTorch writes it: g * (x.pow(2) + 1).rsqrt()
const Asinh: Primitive = {
  gradFn: 'AsinhBackward0',
  forward: ([x]) => map(x, Math.asinh),
  backward: (g, { inputs: [x] }) => [mul(g, rsqrt(add(pow(x, 2), 1)))],
};

export function asinh(x: Tensor): Tensor {
  return apply(Asinh, [x], undefined);
}

export default defineOp({
  name: 'asinh',
  summary: 'Elementwise inverse hyperbolic sine.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['AsinhBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => asinh(input as Tensor),
});
