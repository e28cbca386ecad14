import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { pow } from './pow.js';
import { sub } from './sub.js';

interface LogitAttrs {
  /** Inputs are clamped to [eps, 1 - eps] first; null: no clamping. */
  eps: number | null;
}

/** The clamp bounds in the dtype: [eps, 1 - eps], or none. */
function bounds(x: Tensor, eps: number | null): [number, number] {
  if (eps === null) return [-Infinity, Infinity];
  const lo = scalarIn(x.dtype, eps);
  return [lo, rounder(x.dtype)(1 - lo)];
}

/**
 * PyTorch's logit_backward(g, x, eps) kernel: g / (x * (1 - x)) inside
 * [eps, 1 - eps] (a bound counts as inside), 0 outside; without eps NaN outside
 * [0, 1], and g * inf at 0 and 1. Differentiated again it is
 * LogitBackwardBackward0: d/dg = logit_backward(gg, x), d/dx = gg * g * (2x - 1) / (x (1 - x))²
 * (0 outside [eps, 1 - eps]; NaN outside [0, 1] without eps).
 */
const LogitBackward: Primitive<LogitAttrs> = {
  gradFn: 'LogitBackwardBackward0',
  forward: ([g, x], { eps }) => {
    const round = rounder(x.dtype);
    const [lo, hi] = bounds(x, eps);
    const outside = eps === null ? NaN : 0;
    return zip(g, x, resultDtype([g, x]), (gv, v) => {
      if (v < lo || v > hi || (eps === null && (v < 0 || v > 1))) return outside;
      return v === 0 || v === 1 ? gv * Infinity : gv / round(v * round(1 - v));
    });
  },
  backward: (gg, { inputs: [g, x], attrs }) => {
    const [lo, hi] = bounds(x, attrs.eps);
    const inside = (v: number) => v >= lo && v <= hi && v >= 0 && v <= 1;
    // Outside, x moves to 1/2 (a constant shift) so the masked-out terms stay finite.
    const safe = add(x, map(x, (v) => (inside(v) ? 0 : 0.5 - v)));
    const mask = map(x, (v) => (inside(v) ? 1 : attrs.eps === null ? NaN : 0));
    const curvature = div(sub(mul(safe, 2), 1), pow(mul(safe, sub(1, safe)), 2));
    return [g.requiresGrad ? logitBackward(gg, x, attrs.eps) : null, x.requiresGrad ? mul(mul(mul(gg, g), curvature), mask) : null];
  },
};

function logitBackward(g: Tensor, x: Tensor, eps: number | null): Tensor {
  return apply(LogitBackward, [g, x], { eps });
}

// d logit(x)/dx = 1 / (x (1 - x)); outside [eps, 1 - eps] the clamp is flat (0), see logit_backward above
const Logit: Primitive<LogitAttrs> = {
  gradFn: 'LogitBackward0',
  forward: ([x], { eps }) => {
    const round = rounder(x.dtype);
    const [lo, hi] = bounds(x, eps);
    return map(x, (v) => {
      const clamped = v < lo ? lo : v > hi ? hi : v;
      return clamped === 1 ? Infinity : Math.log(round(clamped / round(1 - clamped)));
    });
  },
  backward: (g, { inputs: [x], attrs: { eps } }) => [logitBackward(g, x, eps)],
  kinks: ({ inputs: [x], attrs: { eps } }) => {
    if (eps === null) return kinkWhere(x, (v) => v === 0 || v === 1, 'logit at 0 or 1', 'the gradient is g * inf there');
    const [lo, hi] = bounds(x, eps);
    return kinkWhere(x, (v) => v === lo || v === hi, 'logit at a clamp bound', 'a bound counts as inside: the gradient is g / (x (1 - x)) there');
  },
};

/** torch.logit(x, eps): log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given. */
export function logit(x: Tensor, eps: number | null = null): Tensor {
  return apply(Logit, [x], { eps });
}

export default defineOp({
  name: 'logit',
  summary: 'Elementwise log(x / (1 - x)), the inverse of sigmoid; `eps` clamps x to [eps, 1 - eps] first.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'eps', kind: 'number?', default: null },
  ],
  gradFns: ['LogitBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [
    { args: [{ tensor: [2, 3], range: [0.05, 0.95] }] },
    { args: [{ tensor: [6], range: [0.02, 0.98] }], kwargs: { eps: 0.2 } },
    { args: [{ tensor: [], range: [0.05, 0.95] }] },
  ],
  call: ({ input, eps }): Value => logit(input as Tensor, eps as number | null),
});
