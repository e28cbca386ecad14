import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

// d hypot(a, b)/da = a / hypot(a, b), d/db = b / hypot(a, b), from the saved result as PyTorch does:
// g * a / out (NaN at a = b = 0)
const Hypot: Primitive = {
  gradFn: 'HypotBackward0',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), Math.hypot),
  backward: (g, { inputs: [a, b], output }) => [
    a.requiresGrad ? div(mul(g, a), output) : null,
    b.requiresGrad ? div(mul(g, b), output) : null,
  ],
};

/** torch.hypot(input, other): sqrt(input² + other²) without overflow, with broadcasting. */
export function hypot(a: Tensor, b: Tensor): Tensor {
  return apply(Hypot, [a, b], undefined);
}

export default defineOp({
  name: 'hypot',
  summary: 'Elementwise sqrt(a² + b²), with broadcasting.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['HypotBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }] }, { args: [{ tensor: [4] }, { tensor: [] }] }],
  call: ({ input, other }): Value => hypot(input as Tensor, other as Tensor),
});
