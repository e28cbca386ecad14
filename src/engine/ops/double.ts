import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';

export default defineOp({
  name: 'double',
  summary: 'x.double(): x as float64 (x itself when it already is).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ToCopyBackward0'],
  method: true,
  function: false,
  modules: ['method'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }): Value => toDtype(input as Tensor, 'float64'),
});
