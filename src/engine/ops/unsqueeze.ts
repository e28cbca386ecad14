import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { normalizeDim } from '../kernels/reduce.js';
import { unsqueezedView } from '../strided.js';
import type { Tensor } from '../tensor.js';
import { squeeze } from './squeeze.js';

interface UnsqueezeAttrs {
  dim: number;
}

// unsqueeze inserts a dim of size 1: the gradient is the output gradient with that dim squeezed out
const Unsqueeze: Primitive<UnsqueezeAttrs> = {
  gradFn: 'UnsqueezeBackward0',
  saves: 'nothing',
  forward: ([x], { dim }) => unsqueezedView(x, dim),
  backward: (g, { attrs: { dim } }) => [squeeze(g, dim)],
};

/** Inserts a dimension of size 1 at `dim` (-ndim - 1 <= dim <= ndim). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  return apply(Unsqueeze, [x], { dim: normalizeDim(dim, x.ndim + 1) });
}

export default defineOp({
  name: 'unsqueeze',
  summary: 'Inserts a dimension of size 1 at `dim`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
  ],
  gradFns: ['UnsqueezeBackward0'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [3] }, -1] }],
  call: ({ input, dim }): Value => unsqueeze(input as Tensor, dim as number),
});
