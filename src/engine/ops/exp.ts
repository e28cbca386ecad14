import { apply, defineOp, type Primitive } from '../op.js';
import { floatingOf } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

// d exp(x)/dx = exp(x), taken from the saved result as PyTorch does
const Exp: Primitive = {
  gradFn: 'ExpBackward0',
  saves: 'output',
  forward: ([x]) => map(x, Math.exp, floatingOf(x.dtype)),
  backward: (g, { output }) => [mul(g, output)],
};

export function exp(x: Tensor): Tensor {
  return apply(Exp, [x], undefined);
}

export default defineOp({
  name: 'exp',
  summary: 'Elementwise e ** x.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ExpBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }] }],
  call: ({ input }) => exp(input as Tensor),
});
