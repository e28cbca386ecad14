import { ProblemError } from '../../errors.js';
import { allocate } from '../dtype.js';
import { defineOp, type Value } from '../op.js';
import { Tensor } from '../tensor.js';

/** F.one_hot(tensor, num_classes=-1): int64 [..., num_classes] with a 1 at each class index; torch's checks in order. */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  if (input.dtype !== 'int64') throw new ProblemError('invalid-argument', 'one_hot is only applicable to index tensor.');
  const classes = input.data;
  if (input.numel === 0) {
    if (numClasses <= 0) throw new ProblemError('invalid-argument', 'Can not infer total number of classes from empty tensor.');
    return new Tensor(allocate('int64', 0), [...input.shape, numClasses]);
  }
  let least = Infinity;
  let most = -Infinity;
  for (const c of classes) {
    least = Math.min(least, c);
    most = Math.max(most, c);
  }
  if (least < 0) throw new ProblemError('invalid-argument', 'Class values must be non-negative.');
  const count = numClasses === -1 ? most + 1 : numClasses;
  if (count <= most) throw new ProblemError('invalid-argument', 'Class values must be smaller than num_classes.');
  const out = allocate('int64', classes.length * count);
  for (let i = 0; i < classes.length; i++) out[i * count + classes[i]] = 1;
  return new Tensor(out, [...input.shape, count]);
}

export default defineOp({
  name: 'one_hot',
  summary: 'torch.nn.functional.one_hot: int64 one-hot vectors of class indices (num_classes inferred from the largest when -1).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'num_classes', kind: 'int', default: -1n },
  ],
  gradFns: [],
  method: false,
  function: false,
  modules: ['torch.nn.functional'],
  noGradient: 'its result is an int64 tensor',
  call: ({ input, num_classes }): Value => oneHot(input as Tensor, num_classes as number),
});
