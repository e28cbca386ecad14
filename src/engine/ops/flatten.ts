import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { viewStrides } from '../strided.js';
import { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

interface ShapeAttrs {
  shape: readonly number[];
}

// torch 1.13's _reshape_alias (reshape of a viewable tensor): the gradient reshaped back
const ReshapeAlias: Primitive<ShapeAttrs> = {
  gradFn: 'ReshapeAliasBackward0',
  saves: 'nothing',
  forward: ([x], { shape }) => Tensor.view(x, shape.slice(), viewStrides(x.shape, x.strides, shape) as number[], x.offset),
  backward: (g, { inputs: [x] }) => [reshape(g, x.shape)],
};

/** `x.flatten(start_dim, end_dim)`: dims start..end merged into one (ReshapeAliasBackward0 as torch 1.13; a copy when the layout needs one). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeDim(startDim, x.ndim);
  const end = normalizeDim(endDim, x.ndim);
  if (start > end) throw new ProblemError('invalid-argument', 'flatten() has invalid args: start_dim cannot come after end_dim');
  if (start === end) return x;
  const merged = x.shape.slice(start, end + 1).reduce((n, d) => n * d, 1);
  const shape = [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)];
  if (viewStrides(x.shape, x.strides, shape) === null) return reshape(x, shape);
  return apply(ReshapeAlias, [x], { shape });
}

export default defineOp({
  name: 'flatten',
  summary: 'Dims `start_dim` to `end_dim` merged into one.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'start_dim', kind: 'int', default: 0n },
    { name: 'end_dim', kind: 'int', default: -1n },
  ],
  gradFns: ['ReshapeAliasBackward0', 'UnsafeViewBackward0', 'CloneBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [2, 2, 3] }], kwargs: { start_dim: 1 } }],
  call: ({ input, start_dim, end_dim }): Value => flatten(input as Tensor, start_dim as number, end_dim as number),
});
