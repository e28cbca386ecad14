import { defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { clamp } from './clamp.js';

/** torch.clip is clamp under NumPy's name (ClampBackward1 with numbers, ClampBackward0 with tensors). */
export default defineOp({
  name: 'clip',
  summary: 'Elementwise clamp into [min, max] (alias of clamp).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'min', kind: 'tensor|number?', default: null },
    { name: 'max', kind: 'tensor|number?', default: null },
  ],
  gradFns: ['ClampBackward1', 'ClampBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [6] }, -0.5, 0.5] }, { args: [{ tensor: [2, 3] }, null, { tensor: [3] }] }],
  call: ({ input, min, max }): Value => clamp(input as Tensor, min as Tensor | Scalar | null, max as Tensor | Scalar | null, 'clip'),
});
