import { ProblemError } from '../../errors.js';
import { apply, type Primitive, type Scalar } from '../op.js';
import { floatingOf, rounder } from '../dtype.js';
import { zip } from '../kernels/elementwise.js';
import { operands, resultDtype } from '../promote.js';
import { type Tensor, zerosTensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

/**
 * torch.div's rounding_mode overload (ATen div.Tensor_mode, node DivBackward2)
 * and the kernels floor_divide shares with it. Not an op of the table: div
 * and floor_divide call it.
 */
export type RoundingMode = 'trunc' | 'floor' | null;

/** trunc(a / b), the quotient rounded to the dtype first (PyTorch's div_trunc). */
export function divTrunc(round: (v: number) => number): (a: number, b: number) => number {
  return (a, b) => Math.trunc(round(a / b));
}

/**
 * PyTorch's div_floor_floating: the floor of a / b computed from fmod so that it
 * is exact where a / b rounds up to a whole number: (a - fmod(a, b)) / b, one
 * less when the remainder's sign differs from b's, then floored (and rounded up
 * when more than 1/2 below); a signed 0 for a zero quotient; a / b for b = 0.
 */
export function divFloor(round: (v: number) => number): (a: number, b: number) => number {
  return (a, b) => {
    if (b === 0) return a / b;
    const mod = a % b;
    let quotient = round(round(a - mod) / b);
    if (mod !== 0 && b < 0 !== mod < 0) quotient = round(quotient - 1);
    if (quotient === 0) {
      const sign = round(a / b);
      return sign < 0 || Object.is(sign, -0) ? -0 : 0;
    }
    let floored = Math.floor(quotient);
    if (round(quotient - floored) > 0.5) floored += 1;
    return floored;
  };
}

interface ModeAttrs {
  mode: RoundingMode;
}

// d(a / b)/da = 1/b and d/db = -a/b² without a rounding mode (as DivBackward0); with one the
// result is piecewise constant and both gradients are zeros
const DivMode: Primitive<ModeAttrs> = {
  gradFn: 'DivBackward2',
  forward: ([a, b], { mode }) => {
    // rounding_mode=None is true division: integer operands give the default float dtype
    const dtype = mode === null ? floatingOf(resultDtype([a, b])) : resultDtype([a, b]);
    const round = rounder(dtype);
    const kernel = mode === 'trunc' ? divTrunc(round) : mode === 'floor' ? divFloor(round) : (x: number, y: number) => x / y;
    return zip(a, b, dtype, kernel);
  },
  backward: (g, { inputs: [a, b], attrs: { mode } }) => {
    if (mode !== null) return [a.requiresGrad ? zerosTensor(g.shape, g.dtype) : null, b.requiresGrad ? zerosTensor(g.shape, g.dtype) : null];
    return [a.requiresGrad ? div(g, b) : null, b.requiresGrad ? mul(neg(g), div(div(a, b), b)) : null];
  },
};

/** The rounding mode a program passed, checked as torch checks it. */
export function roundingMode(mode: string | null): RoundingMode {
  if (mode === null || mode === 'trunc' || mode === 'floor') return mode;
  throw new ProblemError('invalid-argument', `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`);
}

/** torch.div(a, b, rounding_mode=...): DivBackward2, even for rounding_mode=None. */
export function divRounded(a: Tensor | Scalar, b: Tensor | Scalar, mode: RoundingMode): Tensor {
  const [ta, tb] = operands(a, b);
  return apply(DivMode, [ta, tb], { mode });
}
