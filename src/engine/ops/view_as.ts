import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { view } from './view.js';

export default defineOp({
  name: 'view_as',
  summary: "The same elements in `other`'s shape (a view).",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['ViewBackward0'],
  method: true,
  function: false,
  // x.view(other.size())
  examples: [{ args: [{ tensor: [6] }, { tensor: [3, 2] }] }],
  call: ({ input, other }): Value => view(input as Tensor, (other as Tensor).shape),
});
