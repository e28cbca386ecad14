import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { sub } from './sub.js';
import { tanh } from './tanh.js';

/** F.tanhshrink is Python: input - input.tanh(), so its nodes are SubBackward0 and TanhBackward0. */
export function tanhshrink(x: Tensor): Tensor {
  return sub(x, tanh(x));
}

export default defineOp({
  name: 'tanhshrink',
  summary: 'Elementwise x - tanh(x), composed as torch composes it (SubBackward0).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SubBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }],
  call: ({ input }): Value => tanhshrink(input as Tensor),
});
