import { inPlace } from '../inplace.js';
import { bindArguments, defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import addOp from './add.js';

/** `x.add_(other, alpha=alpha)`: x + alpha * other written into x (AddBackward0, as add). */
export function addInPlace(x: Tensor, other: Tensor | Scalar, alpha: Scalar = 1n): Tensor {
  // alpha goes to add only when given, so that add decides how it folds it in (one AddBackward0 node)
  const keywords: Record<string, Value> = alpha === 1n || alpha === 1 ? {} : { alpha };
  return inPlace(x, (current) => addOp.call(bindArguments(addOp, [current, other], keywords)) as Tensor);
}

export default defineOp({
  name: 'add_',
  summary: 'Adds `other` times `alpha`, in place.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor|number' },
    { name: 'alpha', kind: 'scalar', default: 1n, keywordOnly: true },
  ],
  gradFns: ['AddBackward0', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input, other, alpha }): Value => addInPlace(input as Tensor, other as Tensor | Scalar, alpha as Scalar),
});
