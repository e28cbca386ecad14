import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';

export default defineOp({
  name: 'long',
  summary: 'x.long(): x as int64 (x itself when it already is).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: [],
  noGradient: 'an int64 result has no gradient',
  method: true,
  function: false,
  modules: ['method'],
  call: ({ input }): Value => toDtype(input as Tensor, 'int64'),
});
