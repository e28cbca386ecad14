import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { exp } from './exp.js';
import { log1p } from './log1p.js';
import { mul } from './mul.js';
import { sigmoid } from './sigmoid.js';
import { sub } from './sub.js';
import { tanh } from './tanh.js';

// d mish(x)/dx = t + x s (1 - t²) with t = tanh(softplus(x)), s = sigmoid(x), as PyTorch's
// differentiable mish backward: g * (t + x * s * (1 - t * t)), softplus as log1p(exp(x))
const Mish: Primitive = {
  gradFn: 'MishBackward0',
  // x * tanh(log1p(exp(x))), one rounding per step
  forward: ([x]) => {
    const round = rounder(x.dtype);
    return map(x, (v) => v * round(Math.tanh(round(Math.log1p(round(Math.exp(v)))))));
  },
  backward: (g, { inputs: [x] }) => {
    const t = tanh(log1p(exp(x)));
    return [mul(g, add(t, mul(mul(x, sigmoid(x)), sub(1, mul(t, t)))))];
  },
};

export function mish(x: Tensor): Tensor {
  return apply(Mish, [x], undefined);
}

export default defineOp({
  name: 'mish',
  summary: 'Elementwise x * tanh(softplus(x)).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['MishBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }],
  call: ({ input, inplace }): Value => (inplace ? inplaceUnsupported('mish', input as Tensor) : mish(input as Tensor)),
});
