import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

/** PyTorch's sign: 0 at 0 and at NaN. */
function sign(v: number): number {
  return (v > 0 ? 1 : 0) - (v < 0 ? 1 : 0);
}

// d|x|/dx = sign(x), with sign(0) = 0 (abs'(0) = 0)
const Abs: Primitive = {
  gradFn: 'AbsBackward0',
  forward: ([x]) => map(x, Math.abs),
  backward: (g, { inputs: [x] }) => [mul(g, map(x, sign))],
  kinks: ({ inputs: [x] }) => kinkWhere(x, (v) => v === 0, 'abs at 0', "abs'(0) = sign(0) = 0: no gradient passes where the input is 0"),
};

export function abs(x: Tensor): Tensor {
  return apply(Abs, [x], undefined);
}

export default defineOp({
  name: 'abs',
  summary: 'Elementwise absolute value.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['AbsBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => abs(input as Tensor),
});
