import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { zerosTensor, type Tensor } from '../tensor.js';

// d trunc(x)/dx = 0 everywhere (the jumps at integers included): the gradient is zeros
const Trunc: Primitive = {
  gradFn: 'TruncBackward0',
  forward: ([x]) => map(x, Math.trunc),
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

export function trunc(x: Tensor): Tensor {
  return apply(Trunc, [x], undefined);
}

export default defineOp({
  name: 'trunc',
  summary: 'Elementwise rounding towards 0 (dropping the fraction); its gradient is zero.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['TruncBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }) => trunc(input as Tensor),
});
