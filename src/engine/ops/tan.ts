import { apply, defineOp, type Primitive } from '../op.js';
import { floatingOf } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { pow } from './pow.js';

// d tan(x)/dx = 1 + tan²(x), from the saved result: g * (1 + out²)
const Tan: Primitive = {
  gradFn: 'TanBackward0',
  forward: ([x]) => map(x, Math.tan, floatingOf(x.dtype)),
  backward: (g, { output }) => [mul(g, add(1, pow(output, 2)))],
};

export function tan(x: Tensor): Tensor {
  return apply(Tan, [x], undefined);
}

export default defineOp({
  name: 'tan',
  summary: 'Elementwise tangent.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['TanBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => tan(input as Tensor),
});
