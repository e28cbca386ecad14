import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { resultDtype, scalarNumber } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

interface BoundAttrs {
  bound: number;
}

/** x and the bound's minimum; NaN in either gives NaN. */
function clamp_minOf(v: number, b: number): number {
  if (v !== v || b !== b) return NaN;
  return v < b ? b : v;
}

// d/dx = 1 where x >= min (the bound counts as inside), else 0
const ClampMinScalar: Primitive<BoundAttrs> = {
  gradFn: 'ClampMinBackward0',
  forward: ([x], { bound }) => {
    const b = scalarIn(x.dtype, bound);
    return map(x, (v) => clamp_minOf(v, b));
  },
  backward: (g, { inputs: [x], attrs: { bound } }) => {
    const b = scalarIn(x.dtype, bound);
    return [mul(g, map(x, (v) => (v >= b ? 1 : 0)))];
  },
};

// d/dx = 1 where x >= min, d/dmin = 1 where x < min (with broadcasting)
const ClampMinTensor: Primitive = {
  gradFn: 'ClampMinBackward1',
  forward: ([x, b]) => zip(x, b, resultDtype([x, b]), clamp_minOf),
  backward: (g, { inputs: [x, b] }) => [
    x.requiresGrad ? mul(g, zip(x, b, g.dtype, (v, w) => (v >= w ? 1 : 0))) : null,
    b.requiresGrad ? mul(g, zip(x, b, g.dtype, (v, w) => (v < w ? 1 : 0))) : null,
  ],
};

/** torch.clamp_min(x, min): clamp with only a min bound, a number (ClampMinBackward0) or a tensor (ClampMinBackward1). */
export function clampMin(x: Tensor, min: Tensor | Scalar): Tensor {
  if (isTensor(min)) return apply(ClampMinTensor, [x, min], undefined);
  return apply(ClampMinScalar, [x], { bound: scalarNumber(min) });
}

export default defineOp({
  name: 'clamp_min',
  summary: 'Elementwise clamp that only raise below `min` (a number or a tensor that broadcasts).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'min', kind: 'tensor|number' },
  ],
  gradFns: ['ClampMinBackward0', 'ClampMinBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, 0.5] }, { args: [{ tensor: [2, 3] }, { tensor: [3] }] }],
  call: ({ input, min }): Value => clampMin(input as Tensor, min as Tensor | Scalar),
});
