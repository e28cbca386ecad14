import { ProblemError } from '../../errors.js';
import { withGradMode } from '../autograd.js';
import { broadcastShapes } from '../broadcast.js';
import { crossData } from '../kernels/linalg.js';
import { linesAlong, normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { dtypeMismatch } from './mm.js';

interface CrossAttrs {
  dim: number;
}

// d(a × b)/da · g = b × g, d(a × b)/db · g = g × a (summed back over broadcast dims by the engine)
const LinalgCross: Primitive<CrossAttrs> = {
  gradFn: 'LinalgCrossBackward0',
  forward: ([a, b], { dim }) => {
    const shape = broadcastShapes(a.shape, b.shape);
    const [wideA, wideB] = withGradMode(false, () => [expand(a, shape), expand(b, shape)]);
    const { outer, inner } = linesAlong(shape, dim);
    return new Tensor(crossData(wideA.data, wideB.data, outer, inner, a.dtype), shape);
  },
  backward: (g, { inputs: [a, b], attrs: { dim } }) => [
    a.requiresGrad ? linalgCross(b, g, dim) : null,
    b.requiresGrad ? linalgCross(g, a, dim) : null,
  ],
};

/** The cross product of 3-vectors along `dim` (as given, negative allowed), broadcasting the rest; torch's checks. */
export function linalgCross(a: Tensor, b: Tensor, dim: number): Tensor {
  if (a.ndim !== b.ndim) throw new ProblemError('shape-error', 'linalg.cross: inputs must have the same number of dimensions.');
  const d = normalizeDim(dim, a.ndim);
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new ProblemError('shape-error', `linalg.cross: inputs dimension ${dim} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  broadcastShapes(a.shape, b.shape);
  if (a.dtype !== b.dtype) throw dtypeMismatch(a, b);
  return apply(LinalgCross, [a, b], { dim: d });
}

export default defineOp({
  name: 'linalg_cross',
  pythonName: 'cross',
  summary: 'torch.linalg.cross: cross product of 3-vectors along `dim` (default the last), broadcasting the other dims.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
    { name: 'dim', kind: 'int', default: -1, keywordOnly: true },
  ],
  gradFns: ['LinalgCrossBackward0'],
  method: false,
  function: false,
  modules: ['torch.linalg'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [1, 3] }] }, { args: [{ tensor: [3, 2] }, { tensor: [3, 2] }], kwargs: { dim: 0 } }],
  call: ({ input, other, dim }): Value => linalgCross(input as Tensor, other as Tensor, dim as number),
});
