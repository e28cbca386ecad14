import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { expandedView } from '../strided.js';
import type { Tensor } from '../tensor.js';
import { clampMin } from './clamp_min.js';
import { div } from './div.js';
import { norm } from './norm.js';

interface ExpandAttrs {
  shape: readonly number[];
}

// x.expand(shape) as torch records it: an ExpandBackward0 node even when the shape does not change
// (expand_as in F.normalize, expand_outplace in cosine_similarity); the engine sums the gradient back
const ExpandRecorded: Primitive<ExpandAttrs> = {
  gradFn: 'ExpandBackward0',
  saves: 'nothing',
  forward: ([x], { shape }) => expandedView(x, shape),
  backward: (g) => [g],
};

/** `x.expand(shape)` with its node whether or not the shape changes (shapes already known to broadcast). */
export function expandRecorded(x: Tensor, shape: readonly number[]): Tensor {
  return apply(ExpandRecorded, [x], { shape: shape.slice() });
}

/**
 * F.normalize is Python: x / x.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(x),
 * so its nodes are DivBackward0, ExpandBackward0, ClampMinBackward0 and NormBackward1.
 */
export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  const denominator = clampMin(norm(x, p, dim, true), eps);
  return div(x, expandRecorded(denominator, x.shape));
}

export default defineOp({
  name: 'normalize',
  summary: 'x divided by its p-norm along `dim` (at least eps), composed as torch composes it (DivBackward0).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'p', kind: 'number', default: 2 },
    { name: 'dim', kind: 'int', default: 1 },
    { name: 'eps', kind: 'number', default: 1e-12 },
    { name: 'out', kind: 'tensor?', default: null },
  ],
  gradFns: ['DivBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [5] }], kwargs: { dim: 0 } }, { args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [3, 2] }], kwargs: { p: 1, dim: 0 } }],
  call: ({ input, p, dim, eps }): Value => normalize(input as Tensor, p as number, dim as number, eps as number),
});
