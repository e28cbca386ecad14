import { inPlace } from '../inplace.js';
import { bindArguments, defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import divOp from './div.js';

/** `x.div_(other, rounding_mode=None)`: x / other written into x (DivBackward0, as div); an integer x refuses a float result. */
export function divInPlace(x: Tensor, other: Tensor | Scalar, roundingMode: string | null = null): Tensor {
  const keywords: Record<string, Value> = roundingMode === null ? {} : { rounding_mode: roundingMode };
  return inPlace(x, (current) => divOp.call(bindArguments(divOp, [current, other], keywords)) as Tensor);
}

export default defineOp({
  name: 'div_',
  summary: 'Divides by `other`, in place.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor|number' },
    { name: 'rounding_mode', kind: 'string?', default: null, keywordOnly: true },
  ],
  gradFns: ['DivBackward0', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input, other, rounding_mode }): Value => divInPlace(input as Tensor, other as Tensor | Scalar, rounding_mode as string | null),
});
