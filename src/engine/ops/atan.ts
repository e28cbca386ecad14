import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';

// d atan(x)/dx = 1 / (1 + x²), as PyTorch writes it: g / (x * x + 1)
const Atan: Primitive = {
  gradFn: 'AtanBackward0',
  forward: ([x]) => map(x, Math.atan),
  backward: (g, { inputs: [x] }) => [div(g, add(mul(x, x), 1))],
};

export function atan(x: Tensor): Tensor {
  return apply(Atan, [x], undefined);
}

export default defineOp({
  name: 'atan',
  summary: 'Elementwise arctangent.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['AtanBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => atan(input as Tensor),
});
