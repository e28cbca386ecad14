import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';

// d ln(1 + x)/dx = 1 / (1 + x), as PyTorch's log1p_backward: g / (x + 1); +inf at x = -1
const Log1p: Primitive = {
  gradFn: 'Log1PBackward0',
  forward: ([x]) => map(x, Math.log1p),
  backward: (g, { inputs: [x] }) => [div(g, add(x, 1))],
};

export function log1p(x: Tensor): Tensor {
  return apply(Log1p, [x], undefined);
}

export default defineOp({
  name: 'log1p',
  summary: 'Elementwise ln(1 + x), exact near 0.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['Log1PBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3], range: [-0.8, 2] }] }, { args: [{ tensor: [], domain: 'positive' }] }],
  call: ({ input }) => log1p(input as Tensor),
});
