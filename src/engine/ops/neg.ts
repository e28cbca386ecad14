import { apply, defineOp, isTensor, type Primitive, type Value } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { exactForFloat32 } from '../kernels/fusion.js';
import type { Tensor } from '../tensor.js';

const negative = exactForFloat32((v: number) => -v);

// d(-x)/dx = -1
const Neg: Primitive = {
  gradFn: 'NegBackward0',
  saves: 'nothing',
  forward: ([x]) => map(x, negative),
  backward: (g) => [neg(g)],
};

export function neg(x: Tensor): Tensor {
  return apply(Neg, [x], undefined);
}

export default defineOp({
  name: 'neg',
  summary: 'Elementwise negation (`-x`).',
  params: [{ name: 'input', kind: 'tensor|number' }],
  gradFns: ['NegBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  operators: ['unary -'],
  examples: [{ args: [{ tensor: [2, 2] }] }, { args: [{ tensor: [] }] }],
  // A negated Python number stays a number, so literals like -1 keep Python semantics.
  call: ({ input }): Value => (isTensor(input) ? neg(input) : typeof input === 'bigint' ? -input : -(input as number)),
});
