import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { resultDtype, scalarNumber } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { divRounded } from './div_rounding.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

interface DivisorAttrs {
  divisor: number;
}

/** C's fmod: the remainder of truncated division, with the dividend's sign (exact for floats). */
export function fmodOf(a: number, b: number): number {
  return a % b;
}

// d fmod(a, c)/da = 1 (the jumps where a/c is a whole number ignored, as PyTorch does)
const FmodScalar: Primitive<DivisorAttrs> = {
  gradFn: 'FmodBackward0',
  forward: ([a], { divisor }) => {
    const c = scalarIn(a.dtype, divisor);
    return map(a, (v) => v % c);
  },
  backward: (g) => [g],
};

// d fmod(a, b)/da = 1, d/db = -trunc(a / b), as PyTorch: -g * a.div(b, rounding_mode='trunc')
const FmodTensor: Primitive = {
  gradFn: 'FmodBackward1',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), fmodOf),
  backward: (g, { inputs: [a, b] }) => [a.requiresGrad ? g : null, b.requiresGrad ? mul(neg(g), divRounded(a, b, 'trunc')) : null],
};

/** torch.fmod(input, other): the remainder with the sign of the dividend (C's fmod). */
export function fmod(a: Tensor, b: Tensor | Scalar): Tensor {
  if (!isTensor(b)) return apply(FmodScalar, [a], { divisor: scalarNumber(b) });
  return apply(FmodTensor, [a, b], undefined);
}

export default defineOp({
  name: 'fmod',
  summary: 'Elementwise remainder of truncated division (the sign of the dividend), with broadcasting.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['FmodBackward0', 'FmodBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, 1.5] }, { args: [{ tensor: [2, 3] }, { tensor: [3], range: [0.7, 1.9] }] }],
  call: ({ input, other }): Value => fmod(input as Tensor, other as Tensor | Scalar),
});
