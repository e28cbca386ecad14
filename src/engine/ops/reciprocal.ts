import { apply, defineOp, type Primitive } from '../op.js';
import { floatingOf } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

// d(1/x)/dx = -1/x² = -out², taken from the saved result as PyTorch does: -g * (out * out)
const Reciprocal: Primitive = {
  gradFn: 'ReciprocalBackward0',
  forward: ([x]) => map(x, (v) => 1 / v, floatingOf(x.dtype)),
  backward: (g, { output }) => [mul(neg(g), mul(output, output))],
};

export function reciprocal(x: Tensor): Tensor {
  return apply(Reciprocal, [x], undefined);
}

export default defineOp({
  name: 'reciprocal',
  summary: 'Elementwise 1 / x.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ReciprocalBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [4] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => reciprocal(input as Tensor),
});
