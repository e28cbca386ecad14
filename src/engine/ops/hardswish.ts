import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

/**
 * PyTorch's hardswish_backward(g, x): 0 below -3, g * (x / 3 + 0.5) on [-3, 3],
 * g above 3. Differentiated again (HardswishBackwardBackward0):
 * d/dg = hardswish_backward(gg, x), d/dx = gg * g / 3 strictly inside (-3, 3), else 0.
 */
const HardswishBackward: Primitive = {
  gradFn: 'HardswishBackwardBackward0',
  forward: ([g, x]) => {
    const round = rounder(x.dtype);
    return zip(g, x, resultDtype([g, x]), (gv, v) => (v < -3 ? 0 : v <= 3 ? gv * round(round(v / 3) + 0.5) : gv));
  },
  backward: (gg, { inputs: [g, x] }) => [
    g.requiresGrad ? hardswishBackward(gg, x) : null,
    x.requiresGrad ? mul(div(mul(gg, g), 3), map(x, (v) => (v > -3 && v < 3 ? 1 : 0))) : null,
  ],
};

function hardswishBackward(g: Tensor, x: Tensor): Tensor {
  return apply(HardswishBackward, [g, x], undefined);
}

// d hardswish(x)/dx = 0 below -3, x / 3 + 1/2 on [-3, 3] (-1/2 at -3, 3/2 at 3), 1 above
const Hardswish: Primitive = {
  gradFn: 'HardswishBackward0',
  // x * min(max(x + 3, 0), 6) / 6, one rounding per step
  forward: ([x]) => {
    const round = rounder(x.dtype);
    return map(x, (v) => {
      const shifted = round(v + 3);
      const raised = shifted < 0 ? 0 : shifted;
      return round(v * (6 < raised ? 6 : raised)) / 6;
    });
  },
  backward: (g, { inputs: [x] }) => [hardswishBackward(g, x)],
  kinks: ({ inputs: [x] }) => kinkWhere(x, (v) => v === -3 || v === 3, 'hardswish at ±3', 'the gradient there is x / 3 + 1/2 (-1/2 at -3, 3/2 at 3)'),
};

export function hardswish(x: Tensor): Tensor {
  return apply(Hardswish, [x], undefined);
}

export default defineOp({
  name: 'hardswish',
  summary: 'Elementwise x * min(max(x + 3, 0), 6) / 6.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['HardswishBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4], range: [-5, 5] }] }],
  call: ({ input, inplace }): Value => (inplace ? inplaceUnsupported('hardswish', input as Tensor) : hardswish(input as Tensor)),
});
