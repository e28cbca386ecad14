import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { operands, resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';

// d(a + b)/da = 1, d(a + b)/db = 1; the engine sums broadcast gradients back.
const Add: Primitive = {
  gradFn: 'AddBackward0',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), (x, y) => x + y),
  backward: (g) => [g, g],
};

export function add(a: Tensor | number, b: Tensor | number): Tensor {
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
    if (typeof input === 'number' && typeof other === 'number') return input + other;
    // Python's reflected operator (`2 + x` is x.__radd__(2)) puts the tensor first.
    if (typeof input === 'number') return add(other as Tensor, input);
    return add(input as Tensor, other as Tensor | number);
  },
});
