import { defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';

/** torch.true_divide is div without a rounding mode (DivBackward0). */
export default defineOp({
  name: 'true_divide',
  summary: 'Elementwise a / b with broadcasting, as div.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['DivBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3], domain: 'positive' }] }, { args: [{ tensor: [3] }, 4] }],
  call: ({ input, other }): Value => div(input as Tensor, other as Tensor | Scalar),
});
