import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { erfc as erfcKernel } from '../kernels/special.js';
import type { Tensor } from '../tensor.js';
import { TWO_OVER_SQRT_PI } from './erf.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { pow } from './pow.js';

// d erfc(x)/dx = -2/√π e^(-x²), as PyTorch writes it: (-2/√π * exp(-x.pow(2))) * g
const Erfc: Primitive = {
  gradFn: 'ErfcBackward0',
  forward: ([x]) => map(x, erfcKernel),
  backward: (g, { inputs: [x] }) => [mul(mul(exp(neg(pow(x, 2))), -TWO_OVER_SQRT_PI), g)],
};

export function erfc(x: Tensor): Tensor {
  return apply(Erfc, [x], undefined);
}

export default defineOp({
  name: 'erfc',
  summary: 'Elementwise complementary error function 1 - erf(x), exact for large x.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ErfcBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => erfc(input as Tensor),
});
