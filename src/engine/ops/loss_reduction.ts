import { ProblemError } from '../../errors.js';
import type { Param, Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { mean } from './mean.js';
import { sum } from './sum.js';

/**
 * How torch.nn.functional losses reduce their elementwise loss. Not an op of
 * the table: the loss ops share it.
 */
export type LossReduction = 'none' | 'mean' | 'sum';

/** The legacy size_average/reduce pair of torch.nn.functional (as _Reduction.legacy_get_string reads it). */
export const LEGACY_REDUCTION_PARAMS: readonly Param[] = [
  { name: 'size_average', kind: 'bool?', default: null },
  { name: 'reduce', kind: 'bool?', default: null },
];

/** The reduction a loss was asked for: `reduction`, unless size_average or reduce is given (they win, as in torch). */
export function lossReduction(args: Record<string, Value>, allowed: readonly string[] = ['none', 'mean', 'sum']): string {
  const sizeAverage = args.size_average ?? null;
  const reduce = args.reduce ?? null;
  if (sizeAverage !== null || reduce !== null) {
    if (reduce === false) return 'none';
    return sizeAverage === false ? 'sum' : 'mean';
  }
  const reduction = args.reduction as string;
  if (!allowed.includes(reduction)) {
    throw new ProblemError('invalid-argument', `${reduction} is not a valid value for reduction`, { pythonType: 'ValueError' });
  }
  return reduction;
}

/** ATen's apply_loss_reduction: loss.mean() (MeanBackward0), loss.sum() (SumBackward0) or the loss itself. */
export function applyLossReduction(loss: Tensor, reduction: LossReduction): Tensor {
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  return loss;
}
