import { defineOp, type Value } from '../op.js';
import { broadcastShapes } from '../broadcast.js';
import type { Tensor } from '../tensor.js';
import { abs } from './abs.js';
import { expand } from './expand.js';
import { applyLossReduction, LEGACY_REDUCTION_PARAMS, type LossReduction, lossReduction } from './loss_reduction.js';
import { sub } from './sub.js';

/**
 * F.l1_loss is composed in ATen: apply_loss_reduction((input - target).abs()),
 * so its nodes are MeanBackward0/SumBackward0 over AbsBackward0 over SubBackward0
 * (the operands broadcast first, as the Python function does).
 */
export function l1Loss(input: Tensor, target: Tensor, reduction: LossReduction = 'mean'): Tensor {
  const shape = broadcastShapes(input.shape, target.shape);
  return applyLossReduction(abs(sub(expand(input, shape), expand(target, shape))), reduction);
}

export default defineOp({
  name: 'l1_loss',
  summary: "Absolute error between `input` and `target`, reduced by `reduction` ('mean', 'sum' or 'none').",
  params: [{ name: 'input', kind: 'tensor' }, { name: 'target', kind: 'tensor' }, ...LEGACY_REDUCTION_PARAMS, { name: 'reduction', kind: 'string', default: 'mean' }],
  gradFns: ['MeanBackward0', 'SumBackward0', 'AbsBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }], kwargs: { reduction: 'sum' } },
    { args: [{ tensor: [4] }, { tensor: [4] }], kwargs: { reduction: 'none' } },
  ],
  call: (args): Value => l1Loss(args.input as Tensor, args.target as Tensor, lossReduction(args) as LossReduction),
});
