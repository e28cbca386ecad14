import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, scalarIn } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import type { Tensor } from '../tensor.js';
import { shrinkBackwardPrimitive } from './softshrink.js';

interface ShrinkAttrs {
  lambd: number;
}

const HardshrinkBackward = shrinkBackwardPrimitive('HardshrinkBackwardBackward0');

// d hardshrink(x)/dx = 1 outside [-lambd, lambd], 0 on it (0 at ±lambd)
const Hardshrink: Primitive<ShrinkAttrs> = {
  gradFn: 'HardshrinkBackward0',
  forward: ([x], { lambd }) => {
    const l = scalarIn(x.dtype, lambd);
    return map(x, (v) => (v >= -l && v <= l ? 0 : v));
  },
  backward: (g, { inputs: [x], attrs }) => [apply(HardshrinkBackward, [g, x], attrs)],
  kinks: ({ inputs: [x], attrs: { lambd } }) => {
    const l = scalarIn(x.dtype, lambd);
    return kinkWhere(x, (v) => v === l || v === -l, 'hardshrink at ±lambd', 'the value there is 0 and no gradient passes');
  },
};

export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return apply(Hardshrink, [x], { lambd });
}

export default defineOp({
  name: 'hardshrink',
  summary: 'Elementwise x outside [-lambd, lambd], 0 on it.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'lambd', kind: 'number', default: 0.5 },
  ],
  gradFns: ['HardshrinkBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [6] }], kwargs: { lambd: 0.75 } }],
  call: ({ input, lambd }): Value => hardshrink(input as Tensor, lambd as number),
});
