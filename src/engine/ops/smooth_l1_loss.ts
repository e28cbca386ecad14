import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { broadcastShapes } from '../broadcast.js';
import { rounder } from '../dtype.js';
import { scalarIn, zip } from '../kernels/elementwise.js';
import { zip3 } from '../kernels/ternary.js';
import { sumAll } from '../kernels/sum.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { l1Loss } from './l1_loss.js';
import { LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

interface SmoothL1Attrs {
  reduction: LossReduction;
  beta: number;
}

/** 1/n for 'mean' (in the dtype, as torch's kernel reads it), else 1. */
function normOf(x: Tensor, reduction: LossReduction): number {
  return reduction === 'mean' ? scalarIn(x.dtype, 1 / x.numel) : 1;
}

/**
 * PyTorch's smooth_l1_loss_backward(g, a, b): with d = a - b, -norm * g below
 * -beta, norm * g above beta, norm * d * g / beta between. The target's gradient
 * is the same kernel with a and b swapped. Differentiated again
 * (SmoothL1LossBackwardBackward0): linear in g; d/da = norm * gg * g / beta strictly between, else 0.
 */
const SmoothL1Backward: Primitive<SmoothL1Attrs> = {
  gradFn: 'SmoothL1LossBackwardBackward0',
  forward: ([g, a, b], { reduction, beta }) => {
    const dtype = resultDtype([a, b]);
    const round = rounder(dtype);
    const norm = normOf(a, reduction);
    const limit = scalarIn(dtype, beta);
    return zip3(g, a, b, dtype, (gv, av, bv) => {
      const d = round(av - bv);
      if (d <= -limit) return round(-norm * gv);
      if (d >= limit) return round(norm * gv);
      return round(round(norm * d) * gv) / limit;
    });
  },
  backward: (gg, { inputs: [g, a, b], attrs }) => {
    const limit = scalarIn(a.dtype, attrs.beta);
    const inside = zip(a, b, a.dtype, (av, bv) => (Math.abs(av - bv) < limit ? 1 : 0));
    const curvature = mul(mul(mul(gg, g), normOf(a, attrs.reduction) / attrs.beta), inside);
    return [g.requiresGrad ? apply(SmoothL1Backward, [gg, a, b], attrs) : null, a.requiresGrad ? curvature : null, b.requiresGrad ? neg(curvature) : null];
  },
};

// d/dx = (x - t) / beta where |x - t| < beta, else sign(x - t) (times 1/n for 'mean'); d/dt the opposite
const SmoothL1Loss: Primitive<SmoothL1Attrs> = {
  gradFn: 'SmoothL1LossBackward0',
  // z = |x - t|: 0.5 z² / beta below beta, z - beta / 2 from it on, each step rounded; then the reduction
  forward: ([x, t], { reduction, beta }) => {
    const dtype = resultDtype([x, t]);
    const round = rounder(dtype);
    const limit = scalarIn(dtype, beta);
    const half = round(0.5 * limit);
    const losses = zip(x, t, dtype, (a, b) => {
      const z = Math.abs(round(a - b));
      return z < limit ? round(round(0.5 * z) * z) / limit : z - half;
    });
    return reduceLoss(losses, reduction);
  },
  backward: (g, { inputs: [x, t], attrs }) => [
    x.requiresGrad ? apply(SmoothL1Backward, [g, x, t], attrs) : null,
    t.requiresGrad ? apply(SmoothL1Backward, [g, t, x], attrs) : null,
  ],
};

/** The kernel's reduction: the cascade sum, divided by n for 'mean' (in the dtype). */
export function reduceLoss(losses: Tensor, reduction: LossReduction): Tensor {
  if (reduction === 'none') return losses;
  const total = sumAll(losses);
  if (reduction === 'mean') total.data[0] /= rounder(losses.dtype)(losses.numel);
  return total;
}

/** F.smooth_l1_loss(input, target, reduction='mean', beta=1.0); beta = 0 is l1_loss, as in the Python function. */
export function smoothL1Loss(input: Tensor, target: Tensor, reduction: LossReduction = 'mean', beta = 1): Tensor {
  if (beta < 0) throw new ProblemError('invalid-argument', 'smooth_l1_loss does not support negative values for beta.');
  if (beta === 0) return l1Loss(input, target, reduction);
  const shape = broadcastShapes(input.shape, target.shape);
  return apply(SmoothL1Loss, [expand(input, shape), expand(target, shape)], { reduction, beta });
}

export default defineOp({
  name: 'smooth_l1_loss',
  summary: "Squared error below `beta`, absolute error above it (Huber divided by beta), reduced by `reduction`.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
    ...LEGACY_REDUCTION_PARAMS,
    { name: 'reduction', kind: 'string', default: 'mean' },
    { name: 'beta', kind: 'number', default: 1 },
  ],
  gradFns: ['SmoothL1LossBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }], kwargs: { reduction: 'sum', beta: 0.5 } },
    { args: [{ tensor: [5] }, { tensor: [5] }], kwargs: { reduction: 'none', beta: 0.5 } },
  ],
  call: (args): Value => smoothL1Loss(args.input as Tensor, args.target as Tensor, lossReduction(args) as LossReduction, args.beta as number),
});
