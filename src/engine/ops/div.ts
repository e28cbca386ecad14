import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { operands, resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { reciprocal } from './reciprocal.js';

// d(a / b)/da = 1/b, d(a / b)/db = -a/b², computed as PyTorch does: -g * ((a / b) / b)
const Div: Primitive = {
  gradFn: 'DivBackward0',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), (x, y) => x / y),
  backward: (g, { inputs: [a, b] }) => [
    a.requiresGrad ? div(g, b) : null,
    b.requiresGrad ? mul(neg(g), div(div(a, b), b)) : null,
  ],
};

/** `a / b`; `number / tensor` is PyTorch's `tensor.reciprocal() * number`. */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  if (typeof a === 'number' && typeof b !== 'number') return mul(reciprocal(b), a);
  const [ta, tb] = operands(a, b);
  return apply(Div, [ta, tb], undefined);
}

/** Python's true division of two numbers, which refuses a zero divisor. */
function divideNumbers(a: number, b: number): number {
  if (b === 0) {
    throw new ProblemError('invalid-argument', Number.isInteger(a) && Number.isInteger(b) ? 'division by zero' : 'float division by zero');
  }
  return a / b;
}

export default defineOp({
  name: 'div',
  summary: 'Elementwise quotient with broadcasting (`a / b`).',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['DivBackward0', 'MulBackward0', 'ReciprocalBackward0'],
  method: true,
  function: true,
  operators: ['/'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 1] }] },
    { args: [{ tensor: [3] }, 4] },
    { args: [2, { tensor: [3] }] },
    { args: [{ tensor: [] }, { tensor: [3], domain: 'positive' }] },
  ],
  call: ({ input, other }): Value => {
    if (typeof input === 'number' && typeof other === 'number') return divideNumbers(input, other);
    return div(input as Tensor | number, other as Tensor | number);
  },
});
