import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

// d 2^x/dx = 2^x ln 2, from the saved result as PyTorch does: (g * out) * ln 2
const Exp2: Primitive = {
  gradFn: 'Exp2Backward0',
  forward: ([x]) => map(x, (v) => 2 ** v),
  backward: (g, { output }) => [mul(mul(g, output), Math.LN2)],
};

export function exp2(x: Tensor): Tensor {
  return apply(Exp2, [x], undefined);
}

export default defineOp({
  name: 'exp2',
  summary: 'Elementwise 2 ** x.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['Exp2Backward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => exp2(input as Tensor),
});
