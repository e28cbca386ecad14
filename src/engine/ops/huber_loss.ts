import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { broadcastShapes } from '../broadcast.js';
import { rounder } from '../dtype.js';
import { scalarIn, zip } from '../kernels/elementwise.js';
import { zip3 } from '../kernels/ternary.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { type LossReduction, lossReduction } from './loss_reduction.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { reduceLoss } from './smooth_l1_loss.js';

interface HuberAttrs {
  reduction: LossReduction;
  delta: number;
}

function normOf(x: Tensor, reduction: LossReduction): number {
  return reduction === 'mean' ? scalarIn(x.dtype, 1 / x.numel) : 1;
}

/**
 * PyTorch's huber_loss_backward(g, a, b): with d = a - b, -norm * g * delta
 * below -delta, norm * g * delta above delta, norm * d * g between (the target's
 * gradient swaps a and b). Differentiated again (HuberLossBackwardBackward0):
 * linear in g; d/da = norm * gg * g strictly between, else 0.
 */
const HuberBackward: Primitive<HuberAttrs> = {
  gradFn: 'HuberLossBackwardBackward0',
  forward: ([g, a, b], { reduction, delta }) => {
    const dtype = resultDtype([a, b]);
    const round = rounder(dtype);
    const norm = normOf(a, reduction);
    const limit = scalarIn(dtype, delta);
    return zip3(g, a, b, dtype, (gv, av, bv) => {
      const d = round(av - bv);
      if (d <= -limit) return round(round(-norm * gv) * limit);
      if (d >= limit) return round(round(norm * gv) * limit);
      return round(norm * d) * gv;
    });
  },
  backward: (gg, { inputs: [g, a, b], attrs }) => {
    const limit = scalarIn(a.dtype, attrs.delta);
    const inside = zip(a, b, a.dtype, (av, bv) => (Math.abs(av - bv) < limit ? 1 : 0));
    const curvature = mul(mul(mul(gg, g), normOf(a, attrs.reduction)), inside);
    return [g.requiresGrad ? apply(HuberBackward, [gg, a, b], attrs) : null, a.requiresGrad ? curvature : null, b.requiresGrad ? neg(curvature) : null];
  },
};

// d/dx = x - t where |x - t| < delta, else delta * sign(x - t) (times 1/n for 'mean'); d/dt the opposite
const HuberLoss: Primitive<HuberAttrs> = {
  gradFn: 'HuberLossBackward0',
  // z = |x - t|: z² / 2 below delta, delta (z - delta / 2) from it on, each step rounded; then the reduction
  forward: ([x, t], { reduction, delta }) => {
    const dtype = resultDtype([x, t]);
    const round = rounder(dtype);
    const limit = scalarIn(dtype, delta);
    const half = round(0.5 * limit);
    const losses = zip(x, t, dtype, (a, b) => {
      const z = Math.abs(round(a - b));
      return z < limit ? round(0.5 * z) * z : limit * round(z - half);
    });
    return reduceLoss(losses, reduction);
  },
  backward: (g, { inputs: [x, t], attrs }) => [
    x.requiresGrad ? apply(HuberBackward, [g, x, t], attrs) : null,
    t.requiresGrad ? apply(HuberBackward, [g, t, x], attrs) : null,
  ],
};

/** F.huber_loss(input, target, reduction='mean', delta=1.0). */
export function huberLoss(input: Tensor, target: Tensor, reduction: LossReduction = 'mean', delta = 1): Tensor {
  if (delta <= 0) throw new ProblemError('invalid-argument', 'huber_loss does not support non-positive values for delta.');
  const shape = broadcastShapes(input.shape, target.shape);
  return apply(HuberLoss, [expand(input, shape), expand(target, shape)], { reduction, delta });
}

export default defineOp({
  name: 'huber_loss',
  summary: "Squared error / 2 below `delta`, delta * (absolute error - delta / 2) above, reduced by `reduction`.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
    { name: 'reduction', kind: 'string', default: 'mean' },
    { name: 'delta', kind: 'number', default: 1 },
  ],
  gradFns: ['HuberLossBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }], kwargs: { reduction: 'sum', delta: 0.5 } },
    { args: [{ tensor: [5] }, { tensor: [5] }], kwargs: { reduction: 'none', delta: 0.5 } },
  ],
  call: (args): Value => huberLoss(args.input as Tensor, args.target as Tensor, lossReduction(args) as LossReduction, args.delta as number),
});
