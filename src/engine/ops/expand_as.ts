import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { expand } from './expand.js';

export default defineOp({
  name: 'expand_as',
  summary: "`input` broadcast to `other`'s shape (a view).",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['ExpandBackward0'],
  method: true,
  function: false,
  // x.expand(other.size())
  examples: [{ args: [{ tensor: [3] }, { tensor: [2, 3] }] }, { args: [{ tensor: [2, 1] }, { tensor: [2, 3] }] }],
  call: ({ input, other }): Value => expand(input as Tensor, (other as Tensor).shape, true),
});
