import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { rounder } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

// d sigmoid(x)/dx = s(1 - s), from the saved result in PyTorch's order: (g * (1 - out)) * out
const Sigmoid: Primitive = {
  gradFn: 'SigmoidBackward0',
  forward: ([x]) => {
    const round = rounder(x.dtype);
    return map(x, (v) => 1 / round(1 + round(Math.exp(-v))));
  },
  backward: (g, { output }) => [mul(mul(g, sub(1, output)), output)],
};

export function sigmoid(x: Tensor): Tensor {
  return apply(Sigmoid, [x], undefined);
}

export default defineOp({
  name: 'sigmoid',
  summary: 'Elementwise logistic function 1 / (1 + e ** -x).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SigmoidBackward0'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => sigmoid(input as Tensor),
});
