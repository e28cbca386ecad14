import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { operands, resultDtype, scalarArithmetic } from '../promote.js';
import type { Tensor } from '../tensor.js';

// d(a + b)/da = 1, d(a + b)/db = 1; the engine sums broadcast gradients back.
const Add: Primitive = {
  gradFn: 'AddBackward0',
  saves: 'nothing',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), (x, y) => x + y),
  backward: (g) => [g, g],
};

export function add(a: Tensor | Scalar, b: Tensor | Scalar): Tensor {
  const [ta, tb] = operands(a, b);
  return apply(Add, [ta, tb], undefined);
}

export default defineOp({
  name: 'add',
  summary: 'Elementwise sum with broadcasting (`a + b`).',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['AddBackward0'],
  method: true,
  function: true,
  operators: ['+'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }] }, { args: [2.5, { tensor: [4] }] }],
  call: ({ input, other }): Value => {
    if (!isTensor(input) && !isTensor(other)) return scalarArithmetic(input as Scalar, other as Scalar, (x, y) => x + y, (x, y) => x + y);
    // Python's reflected operator (`2 + x` is x.__radd__(2)) puts the tensor first.
    if (!isTensor(input)) return add(other as Tensor, input as Scalar);
    return add(input, other as Tensor | Scalar);
  },
});
