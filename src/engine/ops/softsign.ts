import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { div } from './div.js';

/** F.softsign is Python: input / (input.abs() + 1), so its nodes are DivBackward0, AddBackward0, AbsBackward0. */
export function softsign(x: Tensor): Tensor {
  return div(x, add(abs(x), 1));
}

export default defineOp({
  name: 'softsign',
  summary: 'Elementwise x / (|x| + 1), composed as torch composes it (DivBackward0).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['DivBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }],
  call: ({ input }): Value => softsign(input as Tensor),
});
