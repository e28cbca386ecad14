import { ProblemError } from '../../errors.js';
import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { zip } from '../kernels/elementwise.js';
import { operands, resultDtype, scalarArithmetic } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { divFloor } from './div_rounding.js';

// PyTorch 1.13 has no derivative for floor_divide: the result of inputs that require grad
// gets a node named NotImplemented, and a backward pass through it fails
const FloorDivide: Primitive = {
  gradFn: 'NotImplemented',
  forward: ([a, b]) => {
    const dtype = resultDtype([a, b]);
    return zip(a, b, dtype, divFloor(rounder(dtype)));
  },
  backward: () => {
    throw new ProblemError('autograd-error', 'derivative for aten::floor_divide is not implemented');
  },
};

/** torch.floor_divide(a, b) and `a // b`: floor(a / b) (rounding_mode='floor'). */
export function floorDivide(a: Tensor | Scalar, b: Tensor | Scalar): Tensor {
  const [ta, tb] = operands(a, b);
  return apply(FloorDivide, [ta, tb], undefined);
}

/** Python's // on two numbers. */
function floorDivideNumbers(a: Scalar, b: Scalar): Scalar {
  return scalarArithmetic(
    a,
    b,
    (x, y) => {
      if (y === 0) throw new ProblemError('invalid-argument', 'float divmod()', { pythonType: 'ZeroDivisionError' });
      return Math.floor(x / y);
    },
    (x, y) => {
      if (y === 0n) throw new ProblemError('invalid-argument', 'integer division or modulo by zero', { pythonType: 'ZeroDivisionError' });
      const q = x / y;
      return (x % y !== 0n && x < 0n !== y < 0n) ? q - 1n : q;
    },
  );
}

export default defineOp({
  name: 'floor_divide',
  summary: 'Elementwise floor(a / b) with broadcasting (`a // b`); it has no derivative in PyTorch 1.13.',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['NotImplemented'],
  method: true,
  function: true,
  operators: ['//'],
  modules: ['torch', 'method'],
  noGradient: 'PyTorch 1.13 has no derivative for floor_divide (its node is NotImplemented)',
  call: ({ input, other }): Value => {
    if (!isTensor(input) && !isTensor(other)) return floorDivideNumbers(input as Scalar, other as Scalar);
    return floorDivide(input as Tensor | Scalar, other as Tensor | Scalar);
  },
});
