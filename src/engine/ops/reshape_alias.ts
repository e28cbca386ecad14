import { ProblemError } from '../../errors.js';
import { apply, type Primitive } from '../op.js';
import { viewStrides } from '../strided.js';
import { Tensor } from '../tensor.js';
import { cloneTensor } from './contiguous.js';
import { inferShape } from './view.js';

// ATen's internal reshapes that torch 1.13's composites (outer, kron, tensordot,
// einsum, batched matmul) are made of. They are not ops of the table: Python
// code reaches them only through those composites, whose node names they give.

interface ShapeAttrs {
  shape: readonly number[];
}

/** x read in `shape` through computeStride's strides, or PyTorch's view error when the strides do not allow it. */
function aliasOf(x: Tensor, shape: readonly number[]): Tensor {
  const strides = viewStrides(x.shape, x.strides, shape);
  if (strides === null) {
    throw new ProblemError(
      'shape-error',
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  return Tensor.view(x, shape.slice(), strides, x.offset);
}

// a reshape that could alias x's storage: the gradient is reshaped back
const ReshapeAlias: Primitive<ShapeAttrs> = {
  gradFn: 'ReshapeAliasBackward0',
  saves: 'nothing',
  forward: ([x], { shape }) => aliasOf(x, shape),
  backward: (g, { inputs: [x] }) => [reshapeAlias(g, x.shape)],
};

// the same elements in another shape, without a view's bookkeeping: the gradient is reshaped back
const UnsafeView: Primitive<ShapeAttrs> = {
  gradFn: 'UnsafeViewBackward0',
  saves: 'nothing',
  forward: ([x], { shape }) => aliasOf(x, shape),
  backward: (g, { inputs: [x] }) => [reshapeAlias(g, x.shape)],
};

/**
 * at::reshape as torch 1.13 runs it: an alias when the strides allow one
 * (ReshapeAliasBackward0), else a contiguous copy read in the new shape
 * (UnsafeViewBackward0 over CloneBackward0).
 */
export function reshapeAlias(x: Tensor, shape: readonly number[]): Tensor {
  const resolved = inferShape(shape, x.numel);
  if (viewStrides(x.shape, x.strides, resolved) !== null) return apply(ReshapeAlias, [x], { shape: resolved });
  return apply(UnsafeView, [cloneTensor(x)], { shape: resolved });
}

/** at::_unsafe_view: x's elements in `shape` (UnsafeViewBackward0); the strides must allow it, as a view's. */
export function unsafeView(x: Tensor, shape: readonly number[]): Tensor {
  return apply(UnsafeView, [x], { shape: inferShape(shape, x.numel) });
}
