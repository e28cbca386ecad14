import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { stridesOf, Tensor } from '../tensor.js';
import { cloneTensor } from './contiguous.js';
import { inferShape, isViewable, view } from './view.js';

interface ShapeAttrs {
  shape: readonly number[];
}

// reshape of a copy: the gradient is the output gradient reshaped back
const UnsafeView: Primitive<ShapeAttrs> = {
  gradFn: 'UnsafeViewBackward0',
  saves: 'nothing',
  forward: ([x], { shape }) => Tensor.view(x, shape.slice(), stridesOf(shape), x.offset),
  backward: (g, { inputs: [x] }) => [reshape(g, x.shape)],
};

/**
 * A view when the strides allow it (ViewBackward0, as the golden cases name
 * reshape of a contiguous tensor; torch 1.13 itself said ReshapeAliasBackward0),
 * else a contiguous copy read in the new shape (UnsafeViewBackward0 over
 * CloneBackward0, as PyTorch).
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const resolved = inferShape(shape, x.numel);
  if (isViewable(x, resolved)) return view(x, resolved);
  return apply(UnsafeView, [cloneTensor(x)], { shape: resolved });
}

export default defineOp({
  name: 'reshape',
  summary: 'The same elements in another shape (one dimension may be -1); a view when the memory layout allows it, else a copy.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'shape', kind: 'int', variadic: true },
  ],
  gradFns: ['ViewBackward0', 'UnsafeViewBackward0', 'CloneBackward0'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }, [3, -1]] }, { args: [{ tensor: [4] }, [2, 1, 2]] }],
  call: ({ input, shape }): Value => reshape(input as Tensor, shape as number[]),
});
