import { defineOp, type Value } from '../op.js';
import { isContiguous, type Tensor } from '../tensor.js';
import { add } from './add.js';
import { addmm } from './addmm.js';
import { matmul } from './matmul.js';
import { t } from './t.js';
import { view } from './view.js';

/**
 * F.linear(input, weight, bias=None) = input @ weightᵀ + bias, dispatched as
 * torch 1.13 does: a 2-D input with a bias is one addmm (AddmmBackward0); a
 * contiguous 3-D input with a bias is an addmm of its rows viewed back
 * (ViewBackward0); anything else is matmul, then the bias added.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (input.ndim === 2 && bias !== null) return addmm(bias, input, t(weight));
  if (input.ndim === 3 && bias !== null && isContiguous(input.shape, input.strides)) {
    const [n, l, features] = input.shape;
    const rows = addmm(bias, view(input, [n * l, features]), t(weight));
    return view(rows, [n, l, rows.shape[1]]);
  }
  const output = matmul(input, t(weight));
  return bias === null ? output : add(output, bias);
}

export default defineOp({
  name: 'linear',
  summary: 'torch.nn.functional.linear: input @ weightᵀ + bias (addmm for a 2-D input with a bias, as torch).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'weight', kind: 'tensor' },
    { name: 'bias', kind: 'tensor?', default: null },
  ],
  gradFns: ['AddmmBackward0', 'ViewBackward0', 'MmBackward0', 'MvBackward0', 'SqueezeBackward3', 'AddBackward0'],
  method: false,
  function: false,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [4, 3] }, { tensor: [4] }] },
    { args: [{ tensor: [3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [2, 2, 3] }, { tensor: [4, 3] }, { tensor: [4] }] },
    { args: [{ tensor: [3] }, { tensor: [2, 3] }, { tensor: [2] }] },
  ],
  call: ({ input, weight, bias }): Value => linear(input as Tensor, weight as Tensor, bias as Tensor | null),
});
