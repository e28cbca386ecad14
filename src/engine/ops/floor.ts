import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { zerosTensor, type Tensor } from '../tensor.js';

// d floor(x)/dx = 0 everywhere (the jumps at integers included): the gradient is zeros
const Floor: Primitive = {
  gradFn: 'FloorBackward0',
  forward: ([x]) => map(x, Math.floor),
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

export function floor(x: Tensor): Tensor {
  return apply(Floor, [x], undefined);
}

export default defineOp({
  name: 'floor',
  summary: 'Elementwise rounding towards -inf; its gradient is zero.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['FloorBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }) => floor(input as Tensor),
});
