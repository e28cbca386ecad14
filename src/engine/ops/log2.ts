import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

// d log2(x)/dx = 1 / (x ln 2), as PyTorch writes it: g / (x * ln 2); +inf at x = 0 like log
const Log2: Primitive = {
  gradFn: 'Log2Backward0',
  forward: ([x]) => map(x, Math.log2),
  backward: (g, { inputs: [x] }) => [div(g, mul(x, Math.LN2))],
};

export function log2(x: Tensor): Tensor {
  return apply(Log2, [x], undefined);
}

export default defineOp({
  name: 'log2',
  summary: 'Elementwise base-2 logarithm.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['Log2Backward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], domain: 'positive' }] }, { args: [{ tensor: [], domain: 'positive' }] }],
  call: ({ input }) => log2(input as Tensor),
});
