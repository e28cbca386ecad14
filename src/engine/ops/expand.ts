import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { expandedView } from '../strided.js';
import { sameShape, type Tensor } from '../tensor.js';

interface ExpandAttrs {
  shape: readonly number[];
}

// expand repeats elements: the engine sums the output-shaped gradient back to the input (sum_to)
const Expand: Primitive<ExpandAttrs> = {
  gradFn: 'ExpandBackward0',
  saves: 'nothing',
  forward: ([x], { shape }) => expandedView(x, shape),
  backward: (g) => [g],
};

/** `x.expand(*shape)`; a shape equal to x's gives x itself unless `always` (torch's expand makes a node either way). */
export function expand(x: Tensor, shape: readonly number[], always = false): Tensor {
  if (!always && sameShape(x.shape, shape)) return x;
  const lead = shape.length - x.ndim;
  const resolved = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  resolved.forEach((d, i) => {
    const own = i >= lead ? x.shape[i - lead] : 1;
    if (i >= lead && own !== 1 && own !== d) {
      throw new ProblemError(
        'shape-error',
        `The expanded size of the tensor (${d}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${x.shape.join(', ')}]`,
      );
    }
  });
  return apply(Expand, [x], { shape: resolved });
}

export default defineOp({
  name: 'expand',
  summary: 'Repeats singleton dimensions to a larger shape without copying semantics.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'size', kind: 'int', variadic: true },
  ],
  gradFns: ['ExpandBackward0'],
  method: true,
  function: false,
  examples: [{ args: [{ tensor: [3, 1] }, [2, 3, 4]] }],
  call: ({ input, size }): Value => expand(input as Tensor, size as number[]),
});
