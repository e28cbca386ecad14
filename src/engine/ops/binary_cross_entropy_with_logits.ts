import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, zip } from '../kernels/elementwise.js';
import { resultDtype } from '../promote.js';
import { formatSize, sameShape, type Tensor } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';
import { expand } from './expand.js';
import { LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';
import { logsigmoid } from './logsigmoid.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { sigmoid } from './sigmoid.js';
import { reduceLoss } from './smooth_l1_loss.js';
import { sub } from './sub.js';

interface BceLogitsAttrs {
  reduction: LossReduction;
  /** Per-element weight and the positive-class weight, broadcast against the input; not inputs of the node. */
  weight: Tensor | null;
  posWeight: Tensor | null;
}

/**
 * PyTorch 1.13's binary_cross_entropy_with_logits, op by op (each rounded):
 * m = max(-x, 0); without pos_weight (1 - t) * x + m + log(exp(-m) + exp(-x - m));
 * with it (1 - t) * x + (1 + (pw - 1) * t) * (log(exp(-m) + exp(-x - m)) + m); times the weight.
 */
function elementLosses(x: Tensor, t: Tensor, { weight, posWeight }: BceLogitsAttrs): Tensor {
  const dtype = resultDtype([x, t]);
  const round = rounder(dtype);
  const m = map(x, (v) => (-v < 0 ? 0 : -v));
  const logTerm = zip(x, m, dtype, (v, mv) => round(Math.log(round(round(Math.exp(-mv)) + round(Math.exp(round(-v - mv)))))));
  const linear = zip(t, x, dtype, (tv, v) => round(1 - tv) * v);
  let losses: Tensor;
  if (posWeight === null) {
    losses = zip(zip(linear, m, dtype, (l, mv) => l + mv), logTerm, dtype, (a, b) => a + b);
  } else {
    const logWeight = zip(posWeight, t, dtype, (pw, tv) => round(round(pw - 1) * tv) + 1);
    const softplus = zip(logTerm, m, dtype, (l, mv) => l + mv);
    losses = zip(linear, zip(logWeight, softplus, dtype, (a, b) => a * b), dtype, (a, b) => a + b);
  }
  return weight === null ? losses : zip(losses, weight, dtype, (l, w) => l * w);
}

// d/dx = sigmoid(x) - t, with pos_weight (pw t + 1 - t) sigmoid(x) - pw t (times the weight, / n for 'mean');
// d/dt = -x + (pw - 1) softplus(-x) (as engine ops: -x - (pw - 1) logsigmoid(x))
const BceWithLogits: Primitive<BceLogitsAttrs> = {
  gradFn: 'BinaryCrossEntropyWithLogitsBackward0',
  forward: ([x, t], attrs) => reduceLoss(elementLosses(x, t, attrs), attrs.reduction),
  backward: (g, { inputs: [x, t], attrs: { reduction, weight, posWeight } }) => {
    const scale = (grad: Tensor) => {
      const weighted = weight === null ? grad : mul(grad, weight);
      return reduction === 'mean' ? div(weighted, x.numel) : weighted;
    };
    let gx: Tensor | null = null;
    if (x.requiresGrad) {
      if (posWeight === null) gx = mul(sub(sigmoid(x), t), g);
      else {
        const pt = mul(posWeight, t);
        gx = mul(sub(mul(sub(add(pt, 1), t), sigmoid(x)), pt), g);
      }
      gx = scale(gx);
    }
    let gt: Tensor | null = null;
    if (t.requiresGrad) {
      const base = posWeight === null ? neg(x) : sub(neg(mul(sub(posWeight, 1), logsigmoid(x))), x);
      gt = scale(mul(base, g));
    }
    return [gx, gt];
  },
};

/** F.binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None): BCE of sigmoid(input), computed stably. */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null = null,
  reduction: LossReduction = 'mean',
  posWeight: Tensor | null = null,
): Tensor {
  if (!sameShape(input.shape, target.shape)) {
    throw new ProblemError('invalid-argument', `Target size (${formatSize(target.shape)}) must be the same as input size (${formatSize(input.shape)})`, {
      pythonType: 'ValueError',
    });
  }
  return apply(BceWithLogits, [input, target], {
    reduction,
    weight: weight === null ? null : expand(weight, input.shape),
    posWeight: posWeight === null ? null : expand(posWeight, input.shape),
  });
}

export default defineOp({
  name: 'binary_cross_entropy_with_logits',
  summary: 'Binary cross entropy of sigmoid(input), computed stably; optional weight and pos_weight, reduced by `reduction`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
    { name: 'weight', kind: 'tensor?', default: null },
    ...LEGACY_REDUCTION_PARAMS,
    { name: 'reduction', kind: 'string', default: 'mean' },
    { name: 'pos_weight', kind: 'tensor?', default: null },
  ],
  gradFns: ['BinaryCrossEntropyWithLogitsBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3], range: [0, 1] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3], range: [0, 1] }], kwargs: { reduction: 'sum' } },
    { args: [{ tensor: [4] }, { tensor: [4], range: [0, 1] }], kwargs: { reduction: 'none' } },
  ],
  call: (args): Value =>
    binaryCrossEntropyWithLogits(args.input as Tensor, args.target as Tensor, args.weight as Tensor | null, lossReduction(args) as LossReduction, args.pos_weight as Tensor | null),
});
