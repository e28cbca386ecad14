import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

export default defineOp({
  name: 'detach',
  summary: 'The same values (sharing memory) outside any graph: no gradient flows through it.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: [],
  noGradient: 'its result is outside any graph',
  method: true,
  function: true,
  modules: ['torch', 'method'],
  call: ({ input }): Value => (input as Tensor).detach(),
});
