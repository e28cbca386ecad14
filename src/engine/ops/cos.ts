import { apply, defineOp, type Primitive } from '../op.js';
import { floatingOf } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { sin } from './sin.js';

// d cos(x)/dx = -sin(x), as g * -sin(x)
const Cos: Primitive = {
  gradFn: 'CosBackward0',
  forward: ([x]) => map(x, Math.cos, floatingOf(x.dtype)),
  backward: (g, { inputs: [x] }) => [mul(g, neg(sin(x)))],
};

export function cos(x: Tensor): Tensor {
  return apply(Cos, [x], undefined);
}

export default defineOp({
  name: 'cos',
  summary: 'Elementwise cosine.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['CosBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => cos(input as Tensor),
});
