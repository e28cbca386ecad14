import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { resultDtype, scalarNumber } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

interface BoundAttrs {
  bound: number;
}

/** x and the bound's maximum; NaN in either gives NaN. */
function clamp_maxOf(v: number, b: number): number {
  if (v !== v || b !== b) return NaN;
  return v > b ? b : v;
}

// d/dx = 1 where x <= max (the bound counts as inside), else 0
const ClampMaxScalar: Primitive<BoundAttrs> = {
  gradFn: 'ClampMaxBackward0',
  forward: ([x], { bound }) => {
    const b = scalarIn(x.dtype, bound);
    return map(x, (v) => clamp_maxOf(v, b));
  },
  backward: (g, { inputs: [x], attrs: { bound } }) => {
    const b = scalarIn(x.dtype, bound);
    return [mul(g, map(x, (v) => (v <= b ? 1 : 0)))];
  },
};

// d/dx = 1 where x <= max, d/dmax = 1 where x > max (with broadcasting)
const ClampMaxTensor: Primitive = {
  gradFn: 'ClampMaxBackward1',
  forward: ([x, b]) => zip(x, b, resultDtype([x, b]), clamp_maxOf),
  backward: (g, { inputs: [x, b] }) => [
    x.requiresGrad ? mul(g, zip(x, b, g.dtype, (v, w) => (v <= w ? 1 : 0))) : null,
    b.requiresGrad ? mul(g, zip(x, b, g.dtype, (v, w) => (v > w ? 1 : 0))) : null,
  ],
};

/** torch.clamp_max(x, max): clamp with only a max bound, a number (ClampMaxBackward0) or a tensor (ClampMaxBackward1). */
export function clampMax(x: Tensor, max: Tensor | Scalar): Tensor {
  if (isTensor(max)) return apply(ClampMaxTensor, [x, max], undefined);
  return apply(ClampMaxScalar, [x], { bound: scalarNumber(max) });
}

export default defineOp({
  name: 'clamp_max',
  summary: 'Elementwise clamp that only lower above `max` (a number or a tensor that broadcasts).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'max', kind: 'tensor|number' },
  ],
  gradFns: ['ClampMaxBackward0', 'ClampMaxBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, 0.5] }, { args: [{ tensor: [2, 3] }, { tensor: [3] }] }],
  call: ({ input, max }): Value => clampMax(input as Tensor, max as Tensor | Scalar),
});
