import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { pow } from './pow.js';
import { rsqrt } from './rsqrt.js';
import { sub } from './sub.js';

// d acosh(x)/dx = 1 / sqrt(x² - 1), as PyTorch writes it: g * (x.pow(2) - 1).rsqrt(); +inf at x = 1
const Acosh: Primitive = {
  gradFn: 'AcoshBackward0',
  forward: ([x]) => map(x, Math.acosh),
  backward: (g, { inputs: [x] }) => [mul(g, rsqrt(sub(pow(x, 2), 1)))],
};

export function acosh(x: Tensor): Tensor {
  return apply(Acosh, [x], undefined);
}

export default defineOp({
  name: 'acosh',
  summary: 'Elementwise inverse hyperbolic cosine (NaN below 1).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['AcoshBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], range: [1.2, 3] }] }, { args: [{ tensor: [], range: [1.2, 3] }] }],
  call: ({ input }) => acosh(input as Tensor),
});
