import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { erfinv as erfinvKernel } from '../kernels/special.js';
import type { Tensor } from '../tensor.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { pow } from './pow.js';

// d erfinv(y)/dy = √π/2 e^(erfinv(y)²), as PyTorch writes it: (√π/2 * exp(erfinv(y).pow(2))) * g,
// with erfinv(y) taken from the saved result; +inf at y = ±1
const Erfinv: Primitive = {
  gradFn: 'ErfinvBackward0',
  forward: ([y]) => map(y, erfinvKernel),
  backward: (g, { output }) => [mul(mul(exp(pow(output, 2)), 0.5 * Math.sqrt(Math.PI)), g)],
};

export function erfinv(y: Tensor): Tensor {
  return apply(Erfinv, [y], undefined);
}

export default defineOp({
  name: 'erfinv',
  summary: 'Elementwise inverse error function (±inf at ±1, NaN outside [-1, 1]).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ErfinvBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3], range: [-0.9, 0.9] }] }, { args: [{ tensor: [], range: [-0.9, 0.9] }] }],
  call: ({ input }) => erfinv(input as Tensor),
});
