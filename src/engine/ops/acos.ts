import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { rsqrt } from './rsqrt.js';

// d acos(x)/dx = -1 / sqrt(1 - x²), as PyTorch writes it: g * -((-x * x + 1).rsqrt()); -inf at x = ±1
const Acos: Primitive = {
  gradFn: 'AcosBackward0',
  forward: ([x]) => map(x, Math.acos),
  backward: (g, { inputs: [x] }) => [mul(g, neg(rsqrt(add(mul(neg(x), x), 1))))],
};

export function acos(x: Tensor): Tensor {
  return apply(Acos, [x], undefined);
}

export default defineOp({
  name: 'acos',
  summary: 'Elementwise arccosine (NaN outside [-1, 1]).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['AcosBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], range: [-0.9, 0.9] }] }, { args: [{ tensor: [], range: [-0.9, 0.9] }] }],
  call: ({ input }) => acos(input as Tensor),
});
