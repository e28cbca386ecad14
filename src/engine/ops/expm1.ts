import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';

// d (e^x - 1)/dx = e^x, from the saved result as PyTorch does: g * (out + 1)
const Expm1: Primitive = {
  gradFn: 'Expm1Backward0',
  forward: ([x]) => map(x, Math.expm1),
  backward: (g, { output }) => [mul(g, add(output, 1))],
};

export function expm1(x: Tensor): Tensor {
  return apply(Expm1, [x], undefined);
}

export default defineOp({
  name: 'expm1',
  summary: 'Elementwise e ** x - 1, exact near 0.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['Expm1Backward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => expm1(input as Tensor),
});
