import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { reciprocal } from './reciprocal.js';

// d atan2(a, b)/da = b / (a² + b²), d/db = -a / (a² + b²), as PyTorch's atan2_backward:
// r = (a * a + b * b).reciprocal(); g * b * r and g * -a * r (at a = b = 0: 0 * inf = NaN)
const Atan2: Primitive = {
  gradFn: 'Atan2Backward0',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), Math.atan2),
  backward: (g, { inputs: [a, b] }) => {
    const r = reciprocal(add(mul(a, a), mul(b, b)));
    return [a.requiresGrad ? mul(mul(g, b), r) : null, b.requiresGrad ? mul(mul(g, neg(a)), r) : null];
  },
};

/** torch.atan2(input, other): the angle of the point (other, input), elementwise with broadcasting. */
export function atan2(a: Tensor, b: Tensor): Tensor {
  return apply(Atan2, [a, b], undefined);
}

export default defineOp({
  name: 'atan2',
  summary: 'Elementwise angle of the point (other, input) in (-pi, pi], with broadcasting.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['Atan2Backward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }] }, { args: [{ tensor: [4] }, { tensor: [] }] }],
  call: ({ input, other }): Value => atan2(input as Tensor, other as Tensor),
});
