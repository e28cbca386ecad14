import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';

export default defineOp({
  name: 'float',
  summary: 'x.float(): x as float32 (x itself when it already is).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ToCopyBackward0'],
  method: true,
  function: false,
  modules: ['method'],
  noGradient: 'a float32 result is too coarse for float64 finite differences; the same ToCopyBackward0 is checked through double and to',
  call: ({ input }): Value => toDtype(input as Tensor, 'float32'),
});
