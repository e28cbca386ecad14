import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { operands, resultDtype, scalarArithmetic } from '../promote.js';
import type { Tensor } from '../tensor.js';

// d(a * b)/da = b, d(a * b)/db = a
const Mul: Primitive = {
  gradFn: 'MulBackward0',
  saves: ([a, b]) => ({ inputs: b.requiresGrad ? (a.requiresGrad ? [0, 1] : [0]) : [1] }),
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), (x, y) => x * y),
  backward: (g, { inputs: [a, b] }) => [
    a.requiresGrad ? mul(g, b) : null,
    b.requiresGrad ? mul(g, a) : null,
  ],
};

export function mul(a: Tensor | Scalar, b: Tensor | Scalar): Tensor {
  const [ta, tb] = operands(a, b);
  return apply(Mul, [ta, tb], undefined);
}

export default defineOp({
  name: 'mul',
  summary: 'Elementwise product with broadcasting (`a * b`).',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['MulBackward0'],
  method: true,
  function: true,
  operators: ['*'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [2, 1] }] }, { args: [{ tensor: [3] }, 3] }],
  call: ({ input, other }): Value => {
    if (!isTensor(input) && !isTensor(other)) return scalarArithmetic(input as Scalar, other as Scalar, (x, y) => x * y, (x, y) => x * y);
    // Python's reflected operator (`2 * x` is x.__rmul__(2)) puts the tensor first.
    if (!isTensor(input)) return mul(other as Tensor, input as Scalar);
    return mul(input, other as Tensor | Scalar);
  },
});
