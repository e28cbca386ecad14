import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { rsqrt } from './rsqrt.js';
import { add } from './add.js';

// d asin(x)/dx = 1 / sqrt(1 - x²), as PyTorch writes it: g * (-x * x + 1).rsqrt(); +inf at x = ±1
const Asin: Primitive = {
  gradFn: 'AsinBackward0',
  forward: ([x]) => map(x, Math.asin),
  backward: (g, { inputs: [x] }) => [mul(g, rsqrt(add(mul(neg(x), x), 1)))],
};

export function asin(x: Tensor): Tensor {
  return apply(Asin, [x], undefined);
}

export default defineOp({
  name: 'asin',
  summary: 'Elementwise arcsine (NaN outside [-1, 1]).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['AsinBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], range: [-0.9, 0.9] }] }, { args: [{ tensor: [], range: [-0.9, 0.9] }] }],
  call: ({ input }) => asin(input as Tensor),
});
