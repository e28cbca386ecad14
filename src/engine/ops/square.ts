import { defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';
import { pow } from './pow.js';

/** torch.square(x) is x.pow(2): its node is PowBackward0, its value x * x. */
export function square(x: Tensor): Tensor {
  return pow(x, 2);
}

export default defineOp({
  name: 'square',
  summary: 'Elementwise x * x (as x ** 2: PowBackward0).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['PowBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => square(input as Tensor),
});
