import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { identity } from '../kernels/fusion.js';
import { rounder } from '../dtype.js';
import { operands, resultDtype, scalarNumber } from '../promote.js';
import { Tensor, zerosTensor } from '../tensor.js';
import { add } from './add.js';
import { log } from './log.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/** C's pow: unlike Math.pow, pow(1, y) is 1 for every y (NaN too) and pow(-1, ±inf) is 1. */
function powC(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/**
 * PyTorch's kernel for tensor ** number: small exponents are rewritten as
 * products, square roots and reciprocals, each step rounded to the dtype.
 */
function powerKernel(exponent: number, round: (v: number) => number): (x: number) => number {
  switch (exponent) {
    case 0: return () => 1;
    case 1: return identity;
    case 2: return (x) => x * x;
    case 3: return (x) => round(x * x) * x;
    case 0.5: return Math.sqrt;
    case -0.5: return (x) => 1 / round(Math.sqrt(x));
    case -1: return (x) => 1 / x;
    case -2: return (x) => 1 / round(x * x);
    default: return (x) => powC(x, exponent);
  }
}

interface ExponentAttrs {
  exponent: number;
}

// d(x^p)/dx = p * x^(p-1), as g * (p * x.pow(p - 1)); at x = 0 that is 0 for p > 1, and p = 0 gives zeros everywhere
const PowScalar: Primitive<ExponentAttrs> = {
  gradFn: 'PowBackward0',
  forward: ([x], { exponent }) => map(x, powerKernel(exponent, rounder(x.dtype))),
  backward: (g, { inputs: [x], attrs: { exponent } }) => [
    exponent === 0 ? zerosTensor(x.shape, x.dtype) : mul(g, mul(pow(x, exponent - 1), exponent)),
  ],
};

// d(x^e)/dx = e * x^(e-1), d(x^e)/de = x^e * ln(x).
// PyTorch zeroes the first where e == 0 and the second where x == 0 and e >= 0
// (with where()); moving the base to 1 at exactly those entries gives the same
// zeros while the rule stays written in differentiable ops.
const PowTensor: Primitive = {
  gradFn: 'PowBackward1',
  forward: ([x, e]) => zip(x, e, resultDtype([x, e]), powC),
  backward: (g, { inputs: [x, e], output }) => [
    x.requiresGrad ? mul(g, mul(e, pow(shiftBase(x, e, (xv, ev) => ev === 0 && xv === 0), sub(e, 1)))) : null,
    e.requiresGrad ? mul(g, mul(output, log(shiftBase(x, e, (xv, ev) => xv === 0 && ev >= 0)))) : null,
  ],
};

/** `x`, plus 1 wherever `masked(x, e)` holds (broadcast to the output's shape then). */
function shiftBase(x: Tensor, e: Tensor, masked: (xv: number, ev: number) => boolean): Tensor {
  const shift = zip(x, e, x.dtype, (xv, ev) => (masked(xv, ev) ? 1 : 0));
  return shift.data.some((v) => v !== 0) ? add(x, shift) : x;
}

interface BaseAttrs {
  /** The Python number raised to the tensor's power. */
  base: number;
}

// d(b^x)/dx = b^x * ln(b), as g * (out * ln b); for b = 0 PyTorch gives 0 where x >= 0
const PowScalarBase: Primitive<BaseAttrs> = {
  gradFn: 'PowBackward2',
  forward: ([x], { base }) => {
    const b = scalarIn(x.dtype, base);
    return map(x, (v) => powC(b, v));
  },
  backward: (g, { inputs: [x], output, attrs: { base } }) => {
    if (base !== 0) return [mul(g, mul(output, Math.log(base)))];
    const factor = zip(x, output, output.dtype, (v, out) => (v >= 0 ? 0 : out * -Infinity));
    return [mul(g, factor)];
  },
};

/** Python's `a ** b` of two numbers: an int for ints and a non-negative int exponent. */
function powScalars(a: Scalar, b: Scalar): Scalar {
  if (typeof a !== 'number' && typeof b !== 'number' && BigInt(b) >= 0n) return BigInt(a) ** BigInt(b);
  return powC(scalarNumber(a), scalarNumber(b));
}

/** `a ** b` for a tensor on either side (PowBackward0, 1 or 2 by which side is a number). */
export function pow(a: Tensor, b: Tensor | Scalar): Tensor;
export function pow(a: Tensor | Scalar, b: Tensor): Tensor;
export function pow(a: Tensor | Scalar, b: Tensor | Scalar): Tensor {
  if (!(b instanceof Tensor)) {
    if (!(a instanceof Tensor)) throw new TypeError('pow of two numbers is not a tensor operation');
    return apply(PowScalar, [a], { exponent: scalarNumber(b) });
  }
  if (!(a instanceof Tensor)) return apply(PowScalarBase, [b], { base: scalarNumber(a) });
  const [ta, tb] = operands(a, b);
  return apply(PowTensor, [ta, tb], undefined);
}

export default defineOp({
  name: 'pow',
  summary: 'Elementwise power with broadcasting (`a ** b`).',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'exponent', kind: 'tensor|number' },
  ],
  gradFns: ['PowBackward0', 'PowBackward1', 'PowBackward2'],
  method: true,
  function: true,
  operators: ['**'],
  examples: [
    { args: [{ tensor: [4] }, 2] },
    { args: [{ tensor: [2, 2] }, 3] },
    { args: [{ tensor: [4], domain: 'positive' }, 2.5] },
    { args: [{ tensor: [3], domain: 'positive' }, 0.5] },
    { args: [{ tensor: [3], domain: 'positive' }, -0.5] },
    { args: [{ tensor: [3] }, -1] },
    { args: [{ tensor: [3] }, -2] },
    { args: [{ tensor: [3] }, 1] },
    { args: [{ tensor: [3] }, 0] },
    { args: [{ tensor: [] }, 3] },
    { args: [{ tensor: [2, 3], domain: 'positive' }, { tensor: [3] }] },
    { args: [2.5, { tensor: [4] }] },
  ],
  call: ({ input, exponent }): Value => {
    if (!isTensor(input) && !isTensor(exponent)) return powScalars(input as Scalar, exponent as Scalar);
    return isTensor(input) ? pow(input, exponent as Tensor | Scalar) : pow(input as Scalar, exponent as Tensor);
  },
});
