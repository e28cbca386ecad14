import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { zerosTensor, type Tensor } from '../tensor.js';

/** PyTorch's sign: (0 < x) - (x < 0), so 0 at ±0 and at NaN. */
function signOf(v: number): number {
  return (v > 0 ? 1 : 0) - (v < 0 ? 1 : 0);
}

// d sign(x)/dx = 0 everywhere (the jump at 0 included): the gradient is zeros
const Sign: Primitive = {
  gradFn: 'SignBackward0',
  forward: ([x]) => map(x, signOf),
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

export function sign(x: Tensor): Tensor {
  return apply(Sign, [x], undefined);
}

export default defineOp({
  name: 'sign',
  summary: 'Elementwise sign: -1, 0 or 1 (0 for NaN); its gradient is zero.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SignBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }) => sign(input as Tensor),
});
