import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { isFloating, rounder } from '../dtype.js';
import { map, zip } from '../kernels/elementwise.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { applyLossReduction, LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

// d xlogy(x, y)/dx = log(y), 0 where x is 0 (torch: g * xlogy(x != 0, y)); d/dy = x / y (torch: g * x / y)
const Xlogy: Primitive = {
  gradFn: 'XlogyBackward0',
  // x * log(y); 0 where x is 0 (even for y = 0), NaN where y is NaN
  forward: ([x, y]) => {
    const dtype = resultDtype([x, y]);
    const round = rounder(dtype);
    return zip(x, y, dtype, (a, b) => (b !== b ? NaN : a === 0 ? 0 : a * round(Math.log(b))));
  },
  backward: (g, { inputs: [x, y] }) => [
    x.requiresGrad ? mul(g, apply(Xlogy, [map(x, (a) => (a !== 0 ? 1 : 0)), y], undefined)) : null,
    y.requiresGrad ? div(mul(g, x), y) : null,
  ],
};

/**
 * F.kl_div(input, target, reduction='mean', log_target=False): the pointwise
 * loss is composed in ATen as xlogy(target, target) - target * input (with
 * log_target: exp(target) * (target - input)), then reduced; 'batchmean' sums and
 * the Python function divides by the batch size (DivBackward0).
 */
export function klDiv(input: Tensor, target: Tensor, reduction: string = 'mean', logTarget = false): Tensor {
  if (!isFloating(input.dtype) || !isFloating(target.dtype)) throw new ProblemError('invalid-argument', 'kl_div: Integral inputs not supported.');
  const pointwise = logTarget ? mul(exp(target), sub(target, input)) : sub(apply(Xlogy, [target, target], undefined), mul(target, input));
  if (reduction !== 'batchmean') return applyLossReduction(pointwise, reduction as LossReduction);
  const total = applyLossReduction(pointwise, 'sum');
  return input.ndim === 0 ? total : div(total, BigInt(input.shape[0]));
}

export default defineOp({
  name: 'kl_div',
  summary: "KL divergence of log-probabilities `input` from `target` (log-probabilities too with log_target=True); 'batchmean' divides by the batch size.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
    ...LEGACY_REDUCTION_PARAMS,
    { name: 'reduction', kind: 'string', default: 'mean' },
    { name: 'log_target', kind: 'bool', default: false },
  ],
  gradFns: ['MeanBackward0', 'SumBackward0', 'DivBackward0', 'SubBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3], domain: 'positive' }], kwargs: { reduction: 'batchmean' } },
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3], domain: 'positive' }], kwargs: { reduction: 'sum' } },
    { args: [{ tensor: [4] }, { tensor: [4] }], kwargs: { reduction: 'none', log_target: true } },
  ],
  call: (args): Value => klDiv(args.input as Tensor, args.target as Tensor, lossReduction(args, ['none', 'mean', 'sum', 'batchmean']), args.log_target as boolean),
});
