import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { cosh } from './cosh.js';
import { mul } from './mul.js';

// d sinh(x)/dx = cosh(x): g * x.cosh()
const Sinh: Primitive = {
  gradFn: 'SinhBackward0',
  forward: ([x]) => map(x, Math.sinh),
  backward: (g, { inputs: [x] }) => [mul(g, cosh(x))],
};

export function sinh(x: Tensor): Tensor {
  return apply(Sinh, [x], undefined);
}

export default defineOp({
  name: 'sinh',
  summary: 'Elementwise hyperbolic sine.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SinhBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => sinh(input as Tensor),
});
