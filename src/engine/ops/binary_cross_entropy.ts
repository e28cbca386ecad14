import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { zip } from '../kernels/elementwise.js';
import { resultDtype } from '../promote.js';
import { formatSize, sameShape, type Tensor } from '../tensor.js';
import { clampMin } from './clamp_min.js';
import { div } from './div.js';
import { expand } from './expand.js';
import { logit } from './logit.js';
import { LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { reduceLoss } from './smooth_l1_loss.js';
import { sub } from './sub.js';

interface BceAttrs {
  reduction: LossReduction;
  /** The per-element weight (already broadcast to the input's shape); not an input of the node. */
  weight: Tensor | null;
}

/** PyTorch's EPSILON in binary_cross_entropy_backward: the floor of x (1 - x). */
const EPSILON = 1e-12;

// d/dx = w (x - t) / max(x (1 - x), 1e-12) (divided by n for 'mean'), as PyTorch's binary_cross_entropy_backward:
// g * (x - t) / max((1 - x) * x, EPSILON), then * w, then / n; d/dt = -logit(x) * g (* w, / n).
// Written with engine ops, which round as the kernel does, so second derivatives follow.
const BinaryCrossEntropy: Primitive<BceAttrs> = {
  gradFn: 'BinaryCrossEntropyBackward0',
  // (t - 1) * max(log1p(-x), -100) - t * max(log(x), -100), times the weight, then the reduction
  forward: ([x, t], { reduction, weight }) => {
    const dtype = resultDtype([x, t]);
    const round = rounder(dtype);
    for (const v of x.data) {
      if (!(v >= 0 && v <= 1)) throw new ProblemError('invalid-argument', 'all elements of input should be between 0 and 1');
    }
    let losses = zip(x, t, dtype, (xv, tv) => {
      const logComplement = Math.max(round(Math.log1p(-xv)), -100);
      const logValue = Math.max(round(Math.log(xv)), -100);
      return round(round(tv - 1) * logComplement) - round(tv * logValue);
    });
    if (weight !== null) losses = zip(losses, weight, dtype, (l, w) => l * w);
    return reduceLoss(losses, reduction);
  },
  backward: (g, { inputs: [x, t], attrs: { reduction, weight } }) => {
    const scale = (grad: Tensor) => {
      const weighted = weight === null ? grad : mul(grad, weight);
      return reduction === 'mean' ? div(weighted, x.numel) : weighted;
    };
    return [
      x.requiresGrad ? scale(div(mul(g, sub(x, t)), clampMin(mul(sub(1, x), x), EPSILON))) : null,
      t.requiresGrad ? scale(mul(neg(logit(x)), g)) : null,
    ];
  },
};

/** F.binary_cross_entropy(input, target, weight=None, reduction='mean'): input probabilities in [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, weight: Tensor | null = null, reduction: LossReduction = 'mean'): Tensor {
  if (!sameShape(input.shape, target.shape)) {
    throw new ProblemError(
      'invalid-argument',
      `Using a target size (${formatSize(target.shape)}) that is different to the input size (${formatSize(input.shape)}) is deprecated. Please ensure they have the same size.`,
      { pythonType: 'ValueError' },
    );
  }
  const broadcastWeight = weight === null ? null : expand(weight, input.shape);
  return apply(BinaryCrossEntropy, [input, target], { reduction, weight: broadcastWeight });
}

export default defineOp({
  name: 'binary_cross_entropy',
  summary: "-(t log x + (1 - t) log(1 - x)) for probabilities x (logs floored at -100), optionally weighted, reduced by `reduction`.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
    { name: 'weight', kind: 'tensor?', default: null },
    ...LEGACY_REDUCTION_PARAMS,
    { name: 'reduction', kind: 'string', default: 'mean' },
  ],
  gradFns: ['BinaryCrossEntropyBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3], range: [0.1, 0.9] }, { tensor: [2, 3], range: [0, 1] }] },
    { args: [{ tensor: [4], range: [0.1, 0.9] }, { tensor: [4], range: [0, 1] }], kwargs: { reduction: 'sum' } },
    { args: [{ tensor: [3], range: [0.1, 0.9] }, { tensor: [3], range: [0, 1] }], kwargs: { reduction: 'none' } },
  ],
  call: (args): Value => binaryCrossEntropy(args.input as Tensor, args.target as Tensor, args.weight as Tensor | null, lossReduction(args) as LossReduction),
});
