import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sinh } from './sinh.js';

// d cosh(x)/dx = sinh(x): g * x.sinh()
const Cosh: Primitive = {
  gradFn: 'CoshBackward0',
  forward: ([x]) => map(x, Math.cosh),
  backward: (g, { inputs: [x] }) => [mul(g, sinh(x))],
};

export function cosh(x: Tensor): Tensor {
  return apply(Cosh, [x], undefined);
}

export default defineOp({
  name: 'cosh',
  summary: 'Elementwise hyperbolic cosine.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['CoshBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => cosh(input as Tensor),
});
