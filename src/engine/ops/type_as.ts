import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';

export default defineOp({
  name: 'type_as',
  summary: "x.type_as(other): x in other's dtype (x itself when it already is).",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['ToCopyBackward0'],
  method: true,
  function: false,
  modules: ['method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [1] }] }],
  call: ({ input, other }): Value => toDtype(input as Tensor, (other as Tensor).dtype),
});
