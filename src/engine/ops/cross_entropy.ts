import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { allocate, isFloating, rounder, scalarTypeName } from '../dtype.js';
import { sameShape, Tensor, wrapNumber } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';
import { logSoftmax } from './log_softmax.js';
import { LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { nllLoss } from './nll_loss.js';
import { addScalar, divScalar, mulScalar } from './scalar_overloads.js';
import { sum } from './sum.js';
import { view } from './view.js';

interface MaskAttrs {
  /** 1 where the element is masked (index_put_) or selected (masked_select), as data. */
  mask: Tensor;
}

// smooth_loss.index_put_({mask}, 0.0) as torch records it on a result: IndexPutBackward0 with the
// value as a second input; the gradient passes where the value was kept, 0 where it was replaced
const IndexPutZero: Primitive<MaskAttrs> = {
  gradFn: 'IndexPutBackward0',
  saves: 'nothing',
  forward: ([x], { mask }) => {
    const out = allocate(x.dtype, x.numel);
    const [src, m] = [x.data, mask.data];
    for (let i = 0; i < src.length; i++) out[i] = m[i] ? 0 : src[i];
    return new Tensor(out, x.shape.slice());
  },
  backward: (g, { attrs: { mask } }) => [apply(IndexPutZero, [g, wrapNumber(0, g.dtype)], { mask }), null],
};

// x.masked_select(mask): the selected elements in order; the gradient is scattered back (zeros elsewhere)
const MaskedSelect: Primitive<MaskAttrs> = {
  gradFn: 'MaskedSelectBackward0',
  saves: 'nothing',
  forward: ([x], { mask }) => {
    const [src, m] = [x.data, mask.data];
    const picked: number[] = [];
    for (let i = 0; i < src.length; i++) if (m[i]) picked.push(src[i]);
    const out = allocate(x.dtype, picked.length);
    out.set(picked);
    return new Tensor(out, [picked.length]);
  },
  backward: (g, { inputs: [x], attrs: { mask } }) => [apply(ScatterSelected, [g], { mask, shape: x.shape })],
};

// The gradient of masked_select: the values back at the selected places, zeros elsewhere (linear; its own gradient selects again)
const ScatterSelected: Primitive<MaskAttrs & { shape: readonly number[] }> = {
  gradFn: 'MaskedScatterBackward0',
  saves: 'nothing',
  forward: ([g], { mask, shape }) => {
    const m = mask.data;
    const out = allocate(g.dtype, m.length);
    const src = g.data;
    for (let i = 0, k = 0; i < m.length; i++) if (m[i]) out[i] = src[k++];
    return new Tensor(out, shape.slice());
  },
  backward: (gg, { attrs: { mask } }) => [apply(MaskedSelect, [gg], { mask })],
};

/** A class weight viewed to broadcast along the class dim (dim 1, or dim 0 for a 1-D input). */
function classWeight(weight: Tensor, input: Tensor): Tensor {
  if (input.ndim <= 1) return weight;
  const shape = input.shape.map(() => 1);
  shape[1] = weight.numel;
  return view(weight, shape);
}

/** cross_entropy with class probabilities (input and target of one shape), as ATen's cross_entropy_loss_prob_target. */
function probabilityTarget(input: Tensor, target: Tensor, weight: Tensor | null, reduction: LossReduction, smoothing: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim];
  const logProbs = logSoftmax(input, classDim);
  const smoothed = smoothing > 0 ? addScalar(mulScalar(target, 1 - smoothing), smoothing / classes) : target;
  let product = mul(logProbs, smoothed);
  if (weight !== null) product = mul(product, classWeight(weight, input));
  if (reduction === 'none') return neg(sum(product, classDim));
  const total = neg(sum(product));
  return reduction === 'sum' ? total : divScalar(total, Math.trunc(input.numel / classes));
}

/** cross_entropy with class indices and label smoothing, as ATen 1.13's cross_entropy_loss_label_smoothing. */
function labelSmoothing(input: Tensor, target: Tensor, weight: Tensor | null, reduction: LossReduction, ignoreIndex: number, smoothing: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim];
  const logProbs = logSoftmax(input, classDim);
  const nll = nllLoss(logProbs, target, weight, reduction, ignoreIndex);
  const spread = neg(sum(weight === null ? logProbs : mul(logProbs, classWeight(weight, input)), classDim));
  const ignored = new Tensor(Uint8Array.from(target.data, (t) => (t === ignoreIndex ? 1 : 0)), target.shape.slice());
  const kept = new Tensor(Uint8Array.from(ignored.data, (v) => 1 - v), target.shape.slice());
  const smoothLoss = apply(IndexPutZero, [spread, wrapNumber(0, spread.dtype)], { mask: ignored });
  let reduced: Tensor;
  if (reduction === 'mean') {
    if (weight !== null) {
      // weight.gather(0, target.masked_select(~ignored)).sum(), in the weight's dtype
      const round = rounder(weight.dtype);
      let weightSum = 0;
      for (let i = 0; i < target.numel; i++) if (kept.data[i]) weightSum = round(weightSum + weight.data[target.data[i]]);
      reduced = div(sum(smoothLoss), wrapNumber(weightSum, smoothLoss.dtype));
    } else reduced = mean(apply(MaskedSelect, [smoothLoss], { mask: kept }));
  } else reduced = reduction === 'sum' ? sum(smoothLoss) : smoothLoss;
  return add(mulScalar(nll, 1 - smoothing), mulScalar(reduced, smoothing / classes));
}

/**
 * F.cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)
 * as torch 1.13 composes it: class indices give nll_loss(log_softmax(input)) (NllLossBackward0 over
 * LogSoftmaxBackward0); class probabilities (target shaped like input) give -(log_softmax * target).sum() / N
 * (DivBackward1); label smoothing mixes in the uniform distribution (AddBackward0).
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null = null,
  reduction: LossReduction = 'mean',
  ignoreIndex = -100,
  smoothing = 0,
): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim];
  const checkSmoothing = () => {
    if (smoothing > 1) throw new ProblemError('invalid-argument', `label_smoothing must be between 0.0 and 1.0. Got: ${smoothing}`);
  };
  if (sameShape(input.shape, target.shape)) {
    if (!isFloating(target.dtype)) {
      throw new ProblemError('invalid-argument', `Expected floating point type for target with class probabilities, got ${scalarTypeName(target.dtype)}`);
    }
    if (ignoreIndex >= 0) throw new ProblemError('invalid-argument', 'ignore_index is not supported for floating point target');
    if (weight !== null && (weight.ndim !== 1 || weight.numel !== classes)) {
      throw new ProblemError(
        'invalid-argument',
        `cross_entropy: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
      );
    }
    checkSmoothing();
    return probabilityTarget(input, target, weight, reduction, smoothing);
  }
  if (smoothing > 0) {
    checkSmoothing();
    return labelSmoothing(input, target, weight, reduction, ignoreIndex, smoothing);
  }
  return nllLoss(logSoftmax(input, classDim), target, weight, reduction, ignoreIndex);
}

export default defineOp({
  name: 'cross_entropy',
  summary: 'Cross entropy of logits against class indices (int64) or class probabilities; weights, ignore_index, label_smoothing.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
    { name: 'weight', kind: 'tensor?', default: null },
    LEGACY_REDUCTION_PARAMS[0],
    { name: 'ignore_index', kind: 'int', default: -100 },
    LEGACY_REDUCTION_PARAMS[1],
    { name: 'reduction', kind: 'string', default: 'mean' },
    { name: 'label_smoothing', kind: 'number', default: 0 },
  ],
  gradFns: ['NllLossBackward0', 'DivBackward1', 'AddBackward0', 'NegBackward0', 'SumBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [3, 4] }, { tensor: [3], dtype: 'int64', values: [2, 0, 3] }] },
    { args: [{ tensor: [3, 4] }, { tensor: [3], dtype: 'int64', values: [1, -100, 2] }], kwargs: { reduction: 'sum' } },
    { args: [{ tensor: [2, 3] }, { tensor: [2], dtype: 'int64', values: [2, 0] }], kwargs: { label_smoothing: 0.1 } },
    { args: [{ tensor: [3, 4] }, { tensor: [3], dtype: 'int64', values: [1, -100, 2] }], kwargs: { label_smoothing: 0.2, reduction: 'none' } },
    { args: [{ tensor: [4] }, { tensor: [], dtype: 'int64', values: [1] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3], range: [0, 1] }] },
  ],
  call: (args): Value =>
    crossEntropy(
      args.input as Tensor,
      args.target as Tensor,
      args.weight as Tensor | null,
      lossReduction(args) as LossReduction,
      args.ignore_index as number,
      args.label_smoothing as number,
    ),
});
