import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';

/**
 * PyTorch's hardsigmoid_backward(g, x): g * (1/6, as a float) strictly inside
 * (-3, 3), 0 elsewhere (at ±3 too). Linear in g: differentiated again
 * (HardsigmoidBackwardBackward0) it is hardsigmoid_backward of the incoming gradient, nothing for x.
 */
const HardsigmoidBackward: Primitive = {
  gradFn: 'HardsigmoidBackwardBackward0',
  forward: ([g, x]) => {
    const dtype = resultDtype([g, x]);
    const sixth = dtype === 'float32' ? Math.fround(1 / 6) : 1 / 6;
    return zip(g, x, dtype, (gv, v) => (v > -3 && v < 3 ? gv * sixth : 0));
  },
  backward: (gg, { inputs: [g, x] }) => [g.requiresGrad ? hardsigmoidBackward(gg, x) : null, null],
};

function hardsigmoidBackward(g: Tensor, x: Tensor): Tensor {
  return apply(HardsigmoidBackward, [g, x], undefined);
}

// d hardsigmoid(x)/dx = 1/6 strictly inside (-3, 3), else 0 (0 at ±3)
const Hardsigmoid: Primitive = {
  gradFn: 'HardsigmoidBackward0',
  // min(max(x + 3, 0), 6) / 6: NaN passes through
  forward: ([x]) =>
    map(x, (v) => {
      const shifted = v + 3;
      const raised = shifted < 0 ? 0 : shifted;
      return (6 < raised ? 6 : raised) / 6;
    }),
  backward: (g, { inputs: [x] }) => [hardsigmoidBackward(g, x)],
  kinks: ({ inputs: [x] }) => kinkWhere(x, (v) => v === -3 || v === 3, 'hardsigmoid at ±3', 'no gradient passes at -3 and 3'),
};

export function hardsigmoid(x: Tensor): Tensor {
  return apply(Hardsigmoid, [x], undefined);
}

export default defineOp({
  name: 'hardsigmoid',
  summary: 'Elementwise min(max(x + 3, 0), 6) / 6.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['HardsigmoidBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4], range: [-5, 5] }] }],
  call: ({ input, inplace }): Value => (inplace ? inplaceUnsupported('hardsigmoid', input as Tensor) : hardsigmoid(input as Tensor)),
});
