import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';

// d (x - trunc(x))/dx = 1 (the jumps at integers ignored, as PyTorch does): the gradient passes unchanged
const Frac: Primitive = {
  gradFn: 'FracBackward0',
  forward: ([x]) => map(x, (v) => v - Math.trunc(v)),
  backward: (g) => [g],
};

export function frac(x: Tensor): Tensor {
  return apply(Frac, [x], undefined);
}

export default defineOp({
  name: 'frac',
  summary: 'Elementwise fractional part x - trunc(x) (keeps the sign of x).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['FracBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }) => frac(input as Tensor),
});
