import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

// d tanh(x)/dx = 1 - tanh²(x), from the saved result: g * (1 - out * out)
const Tanh: Primitive = {
  gradFn: 'TanhBackward0',
  forward: ([x]) => map(x, Math.tanh),
  backward: (g, { output }) => [mul(g, sub(1, mul(output, output)))],
};

export function tanh(x: Tensor): Tensor {
  return apply(Tanh, [x], undefined);
}

export default defineOp({
  name: 'tanh',
  summary: 'Elementwise hyperbolic tangent.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['TanhBackward0'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => tanh(input as Tensor),
});
