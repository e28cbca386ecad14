import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { operands, resultDtype, scalarArithmetic, scalarNumber } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { divRounded } from './div_rounding.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

interface DivisorAttrs {
  divisor: number;
}

/** Python's %: the remainder of floor division, with the divisor's sign (PyTorch: fmod, moved by b when the signs differ). */
export function remainderOf(a: number, b: number): number {
  let mod = a % b;
  if (mod !== 0 && b < 0 !== mod < 0) mod += b;
  return mod;
}

// d remainder(a, c)/da = 1 (the jumps where a/c is a whole number ignored, as PyTorch does)
const RemainderScalar: Primitive<DivisorAttrs> = {
  gradFn: 'RemainderBackward0',
  forward: ([a], { divisor }) => {
    const c = scalarIn(a.dtype, divisor);
    return map(a, (v) => remainderOf(v, c));
  },
  backward: (g) => [g],
};

// d remainder(a, b)/da = 1, d/db = -floor(a / b), as PyTorch: -g * a.div(b, rounding_mode='floor')
const RemainderTensor: Primitive = {
  gradFn: 'RemainderBackward1',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), remainderOf),
  backward: (g, { inputs: [a, b] }) => [a.requiresGrad ? g : null, b.requiresGrad ? mul(neg(g), divRounded(a, b, 'floor')) : null],
};

/** torch.remainder(input, other) and `a % b`: the remainder with the sign of the divisor (Python's %). */
export function remainder(a: Tensor | Scalar, b: Tensor | Scalar): Tensor {
  if (isTensor(a) && !isTensor(b)) return apply(RemainderScalar, [a], { divisor: scalarNumber(b) });
  const [ta, tb] = operands(a, b);
  return apply(RemainderTensor, [ta, tb], undefined);
}

export default defineOp({
  name: 'remainder',
  summary: "Elementwise remainder of floor division (the divisor's sign, Python's %), with broadcasting.",
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['RemainderBackward0', 'RemainderBackward1'],
  method: true,
  function: true,
  operators: ['%'],
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, 1.5] }, { args: [{ tensor: [2, 3] }, { tensor: [3], range: [0.7, 1.9] }] }],
  call: ({ input, other }): Value => {
    if (!isTensor(input) && !isTensor(other)) {
      return scalarArithmetic(input as Scalar, other as Scalar, remainderOf, (x, y) => {
        const mod = x % y;
        return mod !== 0n && y < 0n !== mod < 0n ? mod + y : mod;
      });
    }
    return remainder(input as Tensor | Scalar, other as Tensor | Scalar);
  },
});
