import { ProblemError } from '../../errors.js';
import { apply, defineOp, isTensor, type Primitive, pythonTypeName, type Scalar, type Value } from '../op.js';
import { floatingOf } from '../dtype.js';
import { zip } from '../kernels/elementwise.js';
import { operands, resultDtype, scalarNumber } from '../promote.js';
import { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { reciprocal } from './reciprocal.js';
import { divRounded, roundingMode } from './div_rounding.js';

// d(a / b)/da = 1/b, d(a / b)/db = -a/b², computed as PyTorch does: -g * ((a / b) / b)
const Div: Primitive = {
  gradFn: 'DivBackward0',
  saves: ([, b]) => ({ inputs: b.requiresGrad ? [0, 1] : [1] }),
  // true division: integer operands give the default float dtype
  forward: ([a, b]) => zip(a, b, floatingOf(resultDtype([a, b])), (x, y) => x / y),
  backward: (g, { inputs: [a, b] }) => [
    a.requiresGrad ? div(g, b) : null,
    b.requiresGrad ? mul(neg(g), div(div(a, b), b)) : null,
  ],
};

/** `a / b`; `number / tensor` is PyTorch's `tensor.reciprocal() * number`. */
export function div(a: Tensor | Scalar, b: Tensor | Scalar): Tensor {
  if (!(a instanceof Tensor) && b instanceof Tensor) return mul(reciprocal(b), a);
  const [ta, tb] = operands(a, b);
  return apply(Div, [ta, tb], undefined);
}

/** Python's true division of two numbers, which refuses a zero divisor. */
function divideNumbers(a: Scalar, b: Scalar): number {
  const [x, y] = [scalarNumber(a), scalarNumber(b)];
  if (y === 0) {
    const ints = typeof a !== 'number' && typeof b !== 'number';
    throw new ProblemError('invalid-argument', ints || (Number.isInteger(x) && Number.isInteger(y)) ? 'division by zero' : 'float division by zero', {
      pythonType: 'ZeroDivisionError',
    });
  }
  return x / y;
}

export default defineOp({
  name: 'div',
  summary: 'Elementwise quotient with broadcasting (`a / b`).',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
    // 'trunc', 'floor' or None (DivBackward2, div_rounding.ts); False stands for not given (then DivBackward0)
    { name: 'rounding_mode', kind: 'any', default: false, keywordOnly: true },
  ],
  gradFns: ['DivBackward0', 'MulBackward0', 'ReciprocalBackward0', 'DivBackward2'],
  method: true,
  function: true,
  operators: ['/'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [2, 1] }] },
    { args: [{ tensor: [3] }, 4] },
    { args: [2, { tensor: [3] }] },
    { args: [{ tensor: [] }, { tensor: [3], domain: 'positive' }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3], domain: 'positive' }], kwargs: { rounding_mode: 'floor' } },
    { args: [{ tensor: [2, 3] }, { tensor: [3], domain: 'positive' }], kwargs: { rounding_mode: null } },
  ],
  call: ({ input, other, rounding_mode }): Value => {
    if (rounding_mode !== false) {
      if (rounding_mode !== null && typeof rounding_mode !== 'string') {
        throw new ProblemError('invalid-argument', `div(): argument 'rounding_mode' must be str, not ${pythonTypeName(rounding_mode)}`, { pythonType: 'TypeError' });
      }
      return divRounded(input as Tensor | Scalar, other as Tensor | Scalar, roundingMode(rounding_mode));
    }
    if (!isTensor(input) && !isTensor(other)) return divideNumbers(input as Scalar, other as Scalar);
    return div(input as Tensor | Scalar, other as Tensor | Scalar);
  },
});
