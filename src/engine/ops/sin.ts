import { apply, defineOp, type Primitive } from '../op.js';
import { floatingOf } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { cos } from './cos.js';
import { mul } from './mul.js';

// d sin(x)/dx = cos(x)
const Sin: Primitive = {
  gradFn: 'SinBackward0',
  forward: ([x]) => map(x, Math.sin, floatingOf(x.dtype)),
  backward: (g, { inputs: [x] }) => [mul(g, cos(x))],
};

export function sin(x: Tensor): Tensor {
  return apply(Sin, [x], undefined);
}

export default defineOp({
  name: 'sin',
  summary: 'Elementwise sine.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SinBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => sin(input as Tensor),
});
