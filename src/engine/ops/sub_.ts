import { inPlace } from '../inplace.js';
import { bindArguments, defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import subOp from './sub.js';

/** `x.sub_(other, alpha=alpha)`: x - alpha * other written into x (SubBackward0, as sub). */
export function subInPlace(x: Tensor, other: Tensor | Scalar, alpha: Scalar = 1n): Tensor {
  // alpha goes to sub only when given, so that sub decides how it folds it in (one SubBackward0 node)
  const keywords: Record<string, Value> = alpha === 1n || alpha === 1 ? {} : { alpha };
  return inPlace(x, (current) => subOp.call(bindArguments(subOp, [current, other], keywords)) as Tensor);
}

export default defineOp({
  name: 'sub_',
  summary: 'Subtracts `other` times `alpha`, in place.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor|number' },
    { name: 'alpha', kind: 'scalar', default: 1n, keywordOnly: true },
  ],
  gradFns: ['SubBackward0', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input, other, alpha }): Value => subInPlace(input as Tensor, other as Tensor | Scalar, alpha as Scalar),
});
