import { inPlace } from '../inplace.js';
import { defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

/** `x.mul_(other)`: x * other written into x (MulBackward0, as mul). */
export function mulInPlace(x: Tensor, other: Tensor | Scalar): Tensor {
  return inPlace(x, (current) => mul(current, other));
}

export default defineOp({
  name: 'mul_',
  summary: 'Multiplies by `other`, in place.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['MulBackward0', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input, other }): Value => mulInPlace(input as Tensor, other as Tensor | Scalar),
});
