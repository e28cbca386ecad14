import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { erf as erfKernel } from '../kernels/special.js';
import type { Tensor } from '../tensor.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { pow } from './pow.js';

/** 2 / sqrt(pi), the factor in erf's derivative (PyTorch's 2.0 / sqrt(M_PI)). */
export const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

// d erf(x)/dx = 2/√π e^(-x²), as PyTorch writes it: (2/√π * exp(-x.pow(2))) * g
const Erf: Primitive = {
  gradFn: 'ErfBackward0',
  forward: ([x]) => map(x, erfKernel),
  backward: (g, { inputs: [x] }) => [mul(mul(exp(neg(pow(x, 2))), TWO_OVER_SQRT_PI), g)],
};

export function erf(x: Tensor): Tensor {
  return apply(Erf, [x], undefined);
}

export default defineOp({
  name: 'erf',
  summary: 'Elementwise error function.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ErfBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => erf(input as Tensor),
});
