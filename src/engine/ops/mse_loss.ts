import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { broadcastShapes } from '../broadcast.js';
import { rounder } from '../dtype.js';
import { zip } from '../kernels/elementwise.js';
import { sumAll } from '../kernels/sum.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

interface MseAttrs {
  reduction: LossReduction;
}

// d/dx = norm * (x - t) and d/dt = norm * (t - x) with norm = 2 / n for 'mean', 2 otherwise,
// computed as PyTorch's mse_loss_backward does: (norm * (a - b)) * g
const MseLoss: Primitive<MseAttrs> = {
  gradFn: 'MseLossBackward0',
  // the squared differences, then (for 'mean' and 'sum') their cascade sum and for 'mean' one division by n
  forward: ([x, t], { reduction }) => {
    const dtype = resultDtype([x, t]);
    const round = rounder(dtype);
    const squares = zip(x, t, dtype, (a, b) => {
      const d = round(a - b);
      return d * d;
    });
    if (reduction === 'none') return squares;
    const loss = sumAll(squares);
    if (reduction === 'mean') loss.data[0] /= round(squares.numel);
    return loss;
  },
  backward: (g, { inputs: [x, t], attrs: { reduction } }) => {
    const norm = reduction === 'mean' ? 2 / x.numel : 2;
    return [x.requiresGrad ? mul(mul(norm, sub(x, t)), g) : null, t.requiresGrad ? mul(mul(norm, sub(t, x)), g) : null];
  },
};

/**
 * F.mse_loss(input, target, reduction='mean'). Like the Python function, it
 * first broadcasts both operands (broadcast_tensors: an ExpandBackward0 node for
 * each one whose shape changes).
 */
export function mseLoss(input: Tensor, target: Tensor, reduction: LossReduction = 'mean'): Tensor {
  const shape = broadcastShapes(input.shape, target.shape);
  return apply(MseLoss, [expand(input, shape), expand(target, shape)], { reduction });
}

export default defineOp({
  name: 'mse_loss',
  summary: "Squared error between `input` and `target`, reduced by `reduction` ('mean', 'sum' or 'none').",
  params: [{ name: 'input', kind: 'tensor' }, { name: 'target', kind: 'tensor' }, ...LEGACY_REDUCTION_PARAMS, { name: 'reduction', kind: 'string', default: 'mean' }],
  gradFns: ['MseLossBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [4] }, { tensor: [] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }], kwargs: { reduction: 'sum' } },
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }], kwargs: { reduction: 'none' } },
  ],
  call: (args): Value => mseLoss(args.input as Tensor, args.target as Tensor, lossReduction(args) as LossReduction),
});
