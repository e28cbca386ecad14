import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { allocate, rounder, scalarTypeName } from '../dtype.js';
import { fusedMultiplyAdd } from '../kernels/fma.js';
import { Tensor } from '../tensor.js';
import { LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';

/** The targets, class weights and options of an nll_loss node (the node's only input is the log-probabilities). */
export interface NllAttrs {
  /** One class index per row (int64 values). */
  target: Tensor;
  weight: Tensor | null;
  reduction: LossReduction;
  ignoreIndex: number;
}

/** Rows and classes of the input: (C) is one row, (N, C) is N. */
function layout(x: Tensor): { rows: number; classes: number } {
  return x.ndim === 1 ? { rows: 1, classes: x.shape[0] } : { rows: x.shape[0], classes: x.shape[1] };
}

/** The class of row `r`, checked as torch checks it. */
function classOf(target: Tensor, r: number, classes: number, ignoreIndex: number): number | null {
  const t = target.data[r];
  if (t === ignoreIndex) return null;
  if (!(t >= 0 && t < classes)) throw new ProblemError('invalid-argument', `Target ${t} is out of bounds.`, { pythonType: 'IndexError' });
  return t;
}

/** Σ of the chosen weights (the mean's divisor); rows whose class is ignored count nothing. */
function totalWeight(x: Tensor, { target, weight, ignoreIndex }: NllAttrs): number {
  const { rows, classes } = layout(x);
  const round = rounder(x.dtype);
  const levels = cascade(rows);
  const partial = new Float64Array(8);
  let ignored = 0;
  for (let r = 0; r < rows; r++) {
    const t = classOf(target, r, classes, ignoreIndex);
    if (t === null) {
      ignored++;
      continue;
    }
    if (weight !== null) partial[0] = round(partial[0] + weight.data[t]);
    levels.carry(r, partial, round);
  }
  if (weight === null) return rows - ignored;
  return partial.reduce((a, b) => round(a + b), 0);
}

/**
 * PyTorch's nll_loss for 1-D and 2-D inputs: -w[t] * x[r, t] per row (0 for an
 * ignored row); 'sum' and 'mean' add the rows with its eight-level cascade
 * (a partial sum moves up a level every 2^max(4, ceil(log2 N) / 8) rows) and
 * 'mean' divides by the total weight of the rows kept.
 */
function nllForward(x: Tensor, attrs: NllAttrs): Tensor {
  const { target, weight, reduction, ignoreIndex } = attrs;
  const { rows, classes } = layout(x);
  const round = rounder(x.dtype);
  const fma = fusedMultiplyAdd(x.dtype);
  const data = x.data;
  if (reduction === 'none') {
    const out = allocate(x.dtype, rows);
    for (let r = 0; r < rows; r++) {
      const t = classOf(target, r, classes, ignoreIndex);
      out[r] = t === null ? 0 : -(weight === null ? data[r * classes + t] : round(data[r * classes + t] * weight.data[t]));
    }
    return new Tensor(out, x.ndim === 1 ? [] : [rows]);
  }
  const levels = cascade(rows);
  const partial = new Float64Array(8);
  const weights = new Float64Array(8);
  let ignored = 0;
  for (let r = 0; r < rows; r++) {
    const t = classOf(target, r, classes, ignoreIndex);
    if (t === null) {
      ignored++;
      continue;
    }
    const value = data[r * classes + t];
    if (weight !== null) {
      partial[0] = fma(-value, weight.data[t], partial[0]);
      weights[0] = round(weights[0] + weight.data[t]);
    } else partial[0] = round(partial[0] - value);
    levels.carry(r, partial, round, weights);
  }
  let total = 0;
  for (const p of partial) total = round(total + p);
  if (reduction === 'mean') {
    let divisor = rows - ignored;
    if (weight !== null) divisor = weights.reduce((a, b) => round(a + b), 0);
    total = round(total / divisor);
  }
  const out = allocate(x.dtype, 1);
  out[0] = total;
  return new Tensor(out, []);
}

/** The cascade of partial sums torch's nll_loss uses over the rows. */
function cascade(rows: number): { carry(r: number, partial: Float64Array, round: (v: number) => number, also?: Float64Array): void } {
  let ceilLog2 = 0;
  while (2 ** ceilLog2 < rows) ceilLog2++;
  const power = Math.max(4, Math.floor(ceilLog2 / 8));
  const mask = 2 ** power - 1;
  return {
    carry(r, partial, round, also) {
      for (let j = 0; j + 1 < 8; j++) {
        if ((r & (mask * 2 ** (j * power))) !== 0) break;
        partial[j + 1] = round(partial[j + 1] + partial[j]);
        partial[j] = 0;
        if (also) {
          also[j + 1] = round(also[j + 1] + also[j]);
          also[j] = 0;
        }
      }
    },
  };
}

/**
 * PyTorch's nll_loss_backward: zeros except -w[t] * g at each row's class
 * (g / total weight for 'mean'). Linear in g, constant in the input:
 * differentiated again (NllLossBackwardBackward0) it is nll_loss of the incoming gradient.
 */
const NllLossBackward: Primitive<NllAttrs> = {
  gradFn: 'NllLossBackwardBackward0',
  forward: ([g, x], attrs) => {
    const { target, weight, reduction, ignoreIndex } = attrs;
    const { rows, classes } = layout(x);
    const round = rounder(x.dtype);
    const out = allocate(x.dtype, x.numel);
    const gd = g.data;
    const scale = reduction === 'mean' ? -round(gd[0] / totalWeight(x, attrs)) : -gd[0];
    for (let r = 0; r < rows; r++) {
      const t = classOf(target, r, classes, ignoreIndex);
      if (t === null) continue;
      const grad = reduction === 'none' ? -gd[r] : scale;
      out[r * classes + t] = weight === null ? grad : round(weight.data[t] * grad);
    }
    return new Tensor(out, x.shape.slice());
  },
  backward: (gg, { inputs: [g], attrs }) => [g.requiresGrad ? apply(NllLoss, [gg], attrs) : null, null],
};

// d nll/dx[r, c] = -w[c] where c is row r's class (divided by the total weight for 'mean'), else 0
const NllLoss: Primitive<NllAttrs> = {
  gradFn: 'NllLossBackward0',
  forward: ([x], attrs) => nllForward(x, attrs),
  backward: (g, { inputs: [x], attrs }) => [apply(NllLossBackward, [g, x], attrs)],
};

/** F.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean') for (C) or (N, C) log-probabilities. */
export function nllLoss(input: Tensor, target: Tensor, weight: Tensor | null = null, reduction: LossReduction = 'mean', ignoreIndex = -100): Tensor {
  if (target.dtype !== 'int64') {
    throw new ProblemError('invalid-argument', `expected scalar type Long but found ${scalarTypeName(target.dtype)}`);
  }
  if (input.ndim < 1 || input.ndim > 2) {
    throw new ProblemError('invalid-argument', `nll_loss here takes inputs of shape (C) or (N, C), got ${input.ndim} dimensions`);
  }
  const { rows, classes } = layout(input);
  const targetRows = target.ndim === 0 ? 1 : target.shape[0];
  if (target.ndim > 1 || (input.ndim === 2 && targetRows !== rows) || (input.ndim === 1 && target.ndim !== 0)) {
    throw new ProblemError('invalid-argument', `Expected input batch_size (${input.ndim === 1 ? 1 : rows}) to match target batch_size (${targetRows}).`, {
      pythonType: 'ValueError',
    });
  }
  if (weight !== null && weight.numel !== classes) {
    throw new ProblemError(
      'invalid-argument',
      `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`,
    );
  }
  return apply(NllLoss, [input], { target, weight, reduction, ignoreIndex });
}

export default defineOp({
  name: 'nll_loss',
  summary: "Negative log-likelihood of class indices under log-probabilities (C) or (N, C); optional class weights and ignore_index.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
    { name: 'weight', kind: 'tensor?', default: null },
    LEGACY_REDUCTION_PARAMS[0],
    { name: 'ignore_index', kind: 'int', default: -100 },
    LEGACY_REDUCTION_PARAMS[1],
    { name: 'reduction', kind: 'string', default: 'mean' },
  ],
  gradFns: ['NllLossBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [3, 4] }, { tensor: [3], dtype: 'int64', values: [2, 0, 3] }] },
    { args: [{ tensor: [3, 4] }, { tensor: [3], dtype: 'int64', values: [1, 1, -100] }], kwargs: { reduction: 'sum' } },
    { args: [{ tensor: [2, 3] }, { tensor: [2], dtype: 'int64', values: [2, 1] }], kwargs: { reduction: 'none' } },
  ],
  call: (args): Value =>
    nllLoss(args.input as Tensor, args.target as Tensor, args.weight as Tensor | null, lossReduction(args) as LossReduction, args.ignore_index as number),
});
