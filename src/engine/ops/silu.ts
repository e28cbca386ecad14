import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { sigmoid } from './sigmoid.js';
import { sub } from './sub.js';

// d silu(x)/dx = s (1 + x (1 - s)) with s = sigmoid(x), as PyTorch's silu_backward and its
// differentiable form (used under create_graph): g * s * (1 + x * (1 - s))
const Silu: Primitive = {
  gradFn: 'SiluBackward0',
  // x / (1 + exp(-x)), one rounding per step
  forward: ([x]) => {
    const round = rounder(x.dtype);
    return map(x, (v) => v / round(1 + round(Math.exp(-v))));
  },
  backward: (g, { inputs: [x] }) => {
    const s = sigmoid(x);
    return [mul(mul(g, s), add(mul(x, sub(1, s)), 1))];
  },
};

export function silu(x: Tensor): Tensor {
  return apply(Silu, [x], undefined);
}

export default defineOp({
  name: 'silu',
  summary: 'Elementwise x * sigmoid(x) (swish).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['SiluBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }],
  call: ({ input, inplace }): Value => (inplace ? inplaceUnsupported('silu', input as Tensor) : silu(input as Tensor)),
});
