import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';

export default defineOp({
  name: 'bool',
  summary: 'x.bool(): x as bool (x itself when it already is).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: [],
  noGradient: 'a bool result has no gradient',
  method: true,
  function: false,
  modules: ['method'],
  call: ({ input }): Value => toDtype(input as Tensor, 'bool'),
});
