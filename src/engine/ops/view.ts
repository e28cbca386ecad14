import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { viewStrides } from '../strided.js';
import { numelOf, Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

interface ViewAttrs {
  shape: readonly number[];
}

// view only re-reads the same elements (sharing x's storage): the gradient is the output gradient viewed back
const View: Primitive<ViewAttrs> = {
  gradFn: 'ViewBackward0',
  saves: 'nothing',
  forward: ([x], { shape }) => viewOf(x, shape),
  backward: (g, { inputs: [x] }) => [reshape(g, x.shape)],
};

/** x read in `shape` without copying, with PyTorch's message when its strides do not allow it. */
function viewOf(x: Tensor, shape: readonly number[]): Tensor {
  const strides = viewStrides(x.shape, x.strides, shape);
  if (strides === null) {
    throw new ProblemError(
      'shape-error',
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  return Tensor.view(x, shape.slice(), strides, x.offset);
}

/** Whether `x` can be viewed in `shape` (else reshape copies). */
export function isViewable(x: Tensor, shape: readonly number[]): boolean {
  return viewStrides(x.shape, x.strides, shape) !== null;
}

/** Resolves one -1 in a requested shape, with PyTorch's messages. */
export function inferShape(requested: readonly number[], numel: number): number[] {
  const shape = [...requested];
  const free = shape.flatMap((d, i) => (d === -1 ? [i] : []));
  if (free.length > 1) throw new ProblemError('invalid-argument', 'only one dimension can be inferred');
  for (const d of shape) {
    if (d < -1) throw new ProblemError('invalid-argument', `invalid shape dimension ${d}`);
  }
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (free.length === 1) {
    if (known === 0 || numel % known !== 0) throw shapeInvalid(requested, numel);
    shape[free[0]] = numel / known;
  }
  if (numelOf(shape) !== numel) throw shapeInvalid(requested, numel);
  return shape;
}

function shapeInvalid(requested: readonly number[], numel: number): ProblemError {
  return new ProblemError('shape-error', `shape '[${requested.join(', ')}]' is invalid for input of size ${numel}`);
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  return apply(View, [x], { shape: inferShape(shape, x.numel) });
}

export default defineOp({
  name: 'view',
  summary: 'The same elements in another shape (one dimension may be -1).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'size', kind: 'int', variadic: true },
  ],
  gradFns: ['ViewBackward0'],
  method: true,
  function: false,
  examples: [{ args: [{ tensor: [6] }, [2, 3]] }],
  call: ({ input, size }): Value => view(input as Tensor, size as number[]),
});
