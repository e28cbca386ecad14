import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

// d log10(x)/dx = 1 / (x ln 10), as PyTorch writes it: g / (x * ln 10); +inf at x = 0 like log
const Log10: Primitive = {
  gradFn: 'Log10Backward0',
  forward: ([x]) => map(x, Math.log10),
  backward: (g, { inputs: [x] }) => [div(g, mul(x, Math.LN10))],
};

export function log10(x: Tensor): Tensor {
  return apply(Log10, [x], undefined);
}

export default defineOp({
  name: 'log10',
  summary: 'Elementwise base-10 logarithm.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['Log10Backward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], domain: 'positive' }] }, { args: [{ tensor: [], domain: 'positive' }] }],
  call: ({ input }) => log10(input as Tensor),
});
