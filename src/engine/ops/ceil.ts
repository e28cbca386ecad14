import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { zerosTensor, type Tensor } from '../tensor.js';

// d ceil(x)/dx = 0 everywhere (the jumps at integers included): the gradient is zeros
const Ceil: Primitive = {
  gradFn: 'CeilBackward0',
  forward: ([x]) => map(x, Math.ceil),
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

export function ceil(x: Tensor): Tensor {
  return apply(Ceil, [x], undefined);
}

export default defineOp({
  name: 'ceil',
  summary: 'Elementwise rounding towards +inf; its gradient is zero.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['CeilBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }) => ceil(input as Tensor),
});
