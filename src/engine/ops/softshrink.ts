import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';

interface ShrinkAttrs {
  lambd: number;
}

/**
 * PyTorch's shrink_backward(g, x, lambd), shared by softshrink and hardshrink:
 * 0 on [-lambd, lambd] (the bounds included), g outside. Linear in g:
 * differentiated again it is shrink_backward of the incoming gradient, nothing for x.
 */
export function shrinkBackwardPrimitive(gradFn: string): Primitive<ShrinkAttrs> {
  const primitive: Primitive<ShrinkAttrs> = {
    gradFn,
    forward: ([g, x], { lambd }) => {
      const l = scalarIn(x.dtype, lambd);
      return zip(g, x, resultDtype([g, x]), (gv, v) => (v >= -l && v <= l ? 0 : gv));
    },
    backward: (gg, { inputs: [g, x], attrs }) => [g.requiresGrad ? apply(primitive, [gg, x], attrs) : null, null],
  };
  return primitive;
}

const SoftshrinkBackward = shrinkBackwardPrimitive('SoftshrinkBackwardBackward0');

// d softshrink(x)/dx = 1 outside [-lambd, lambd], 0 on it (0 at ±lambd)
const Softshrink: Primitive<ShrinkAttrs> = {
  gradFn: 'SoftshrinkBackward0',
  forward: ([x], { lambd }) => {
    const l = scalarIn(x.dtype, lambd);
    return map(x, (v) => (v > l ? v - l : v < -l ? v + l : 0));
  },
  backward: (g, { inputs: [x], attrs }) => [apply(SoftshrinkBackward, [g, x], attrs)],
  kinks: ({ inputs: [x], attrs: { lambd } }) => {
    const l = scalarIn(x.dtype, lambd);
    return kinkWhere(x, (v) => v === l || v === -l, 'softshrink at ±lambd', 'no gradient passes at ±lambd');
  },
};

export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  if (lambd < 0) throw new ProblemError('invalid-argument', `lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return apply(Softshrink, [x], { lambd });
}


export default defineOp({
  name: 'softshrink',
  summary: 'Elementwise x - lambd above lambd, x + lambd below -lambd, 0 between.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'lambd', kind: 'number', default: 0.5 },
  ],
  gradFns: ['SoftshrinkBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [6] }], kwargs: { lambd: 0.75 } }],
  call: ({ input, lambd }): Value => softshrink(input as Tensor, lambd as number),
});
