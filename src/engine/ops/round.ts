import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, scalarIn } from '../kernels/elementwise.js';
import { roundHalfEven } from '../kernels/special.js';
import { zerosTensor, type Tensor } from '../tensor.js';

interface RoundAttrs {
  /** Decimal places (negative: tens, hundreds, ...). */
  decimals: number;
}

// d round(x)/dx = 0 everywhere (the jumps at halves included): the gradient is zeros
const Round: Primitive = {
  gradFn: 'RoundBackward0',
  // ties to even, as C's nearbyint: round(2.5) = 2, round(-0.5) = -0
  forward: ([x]) => map(x, roundHalfEven),
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

// The `decimals=` overload: nearbyint(x * 10^d) / 10^d (d < 0: nearbyint(x / 10^-d) * 10^-d), each step in the dtype
const RoundDecimals: Primitive<RoundAttrs> = {
  gradFn: 'RoundBackward1',
  forward: ([x], { decimals }) => {
    const round = rounder(x.dtype);
    const scale = scalarIn(x.dtype, 10 ** Math.abs(decimals));
    return decimals < 0
      ? map(x, (v) => roundHalfEven(round(v / scale)) * scale)
      : map(x, (v) => roundHalfEven(round(v * scale)) / scale);
  },
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

/** torch.round(x): RoundBackward0; with `decimals` given (even 0): RoundBackward1. */
export function round(x: Tensor, decimals: number | null = null): Tensor {
  return decimals === null ? apply(Round, [x], undefined) : apply(RoundDecimals, [x], { decimals });
}

export default defineOp({
  name: 'round',
  summary: 'Elementwise rounding to the nearest integer, ties to even (or to `decimals` places); its gradient is zero.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'decimals', kind: 'int?', default: null, keywordOnly: true },
  ],
  gradFns: ['RoundBackward0', 'RoundBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [4] }], kwargs: { decimals: 1 } }],
  call: ({ input, decimals }): Value => round(input as Tensor, decimals as number | null),
});
