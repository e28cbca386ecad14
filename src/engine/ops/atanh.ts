import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { pow } from './pow.js';
import { sub } from './sub.js';

// d atanh(x)/dx = 1 / (1 - x²), as PyTorch writes it: g / (1 - x.pow(2)); ±inf at x = ±1
const Atanh: Primitive = {
  gradFn: 'AtanhBackward0',
  forward: ([x]) => map(x, Math.atanh),
  backward: (g, { inputs: [x] }) => [div(g, sub(1, pow(x, 2)))],
};

export function atanh(x: Tensor): Tensor {
  return apply(Atanh, [x], undefined);
}

export default defineOp({
  name: 'atanh',
  summary: 'Elementwise inverse hyperbolic tangent (NaN outside [-1, 1]).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['AtanhBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], range: [-0.9, 0.9] }] }, { args: [{ tensor: [], range: [-0.9, 0.9] }] }],
  call: ({ input }) => atanh(input as Tensor),
});
