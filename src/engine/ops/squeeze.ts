import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { normalizeDim } from '../kernels/reduce.js';
import { droppedDimsView } from '../strided.js';
import type { Tensor } from '../tensor.js';
import { unsqueeze } from './unsqueeze.js';

interface SqueezeAttrs {
  /** The dim to squeeze if its size is 1; null squeezes every size-1 dim (SqueezeBackward0). */
  dim: number | null;
}

// squeeze removes dims of size 1: the gradient is the output gradient with them re-inserted (unsqueeze_to)
const Squeeze: Primitive<SqueezeAttrs> = {
  gradFn: 'SqueezeBackward0',
  saves: 'nothing',
  forward: ([x], { dim }) => droppedDimsView(x, (d) => x.shape[d] === 1 && (dim === null || d === dim)),
  backward: (g, { inputs: [x], attrs: { dim } }) => [unsqueezeTo(g, x.shape, dim)],
};

const SqueezeDim: Primitive<SqueezeAttrs> = { ...Squeeze, gradFn: 'SqueezeBackward1' };

/** PyTorch's unsqueeze_to: puts back the size-1 dims of `shape` that squeeze removed. */
export function unsqueezeTo(g: Tensor, shape: readonly number[], dim: number | null): Tensor {
  let grad = g;
  shape.forEach((size, i) => {
    if (size === 1 && (dim === null || i === dim)) grad = unsqueeze(grad, i);
  });
  return grad;
}

/** Removes `dim` if its size is 1, or every size-1 dim when `dim` is null. */
export function squeeze(x: Tensor, dim: number | null = null): Tensor {
  if (dim === null) return apply(Squeeze, [x], { dim: null });
  return apply(SqueezeDim, [x], { dim: normalizeDim(dim, x.ndim) });
}

export default defineOp({
  name: 'squeeze',
  summary: 'Removes dimensions of size 1 (only `dim`, when given).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
  ],
  gradFns: ['SqueezeBackward0', 'SqueezeBackward1'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 1, 3, 1] }] }, { args: [{ tensor: [2, 1, 3] }, 1] }, { args: [{ tensor: [2, 3] }, 0] }],
  call: ({ input, dim }): Value => squeeze(input as Tensor, dim as number | null),
});
