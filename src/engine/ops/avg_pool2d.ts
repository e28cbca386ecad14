import { ProblemError } from '../../errors.js';
import { type AvgPoolOptions, avgPoolAdjointData, avgPoolData, type PoolGeometry } from '../kernels/pool.js';
import { normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { checkPool, pair, poolArgument } from './max_pool2d.js';

interface AvgPoolAttrs extends PoolGeometry, AvgPoolOptions {
  /** The input's shape (the adjoint's result shape). */
  shape: readonly number[];
}

// avg_pool2d is linear: the gradient spreads each g / divisor over its window (the adjoint)
const AvgPool2D: Primitive<AvgPoolAttrs> = {
  gradFn: 'AvgPool2DBackward0',
  saves: 'nothing',
  forward: ([x], attrs) => avgPoolData(x, attrs, attrs),
  backward: (g, { attrs }) => [apply(AvgPoolAdjoint, [g], attrs)],
};

// the adjoint's own gradient is the pooling again
const AvgPoolAdjoint: Primitive<AvgPoolAttrs> = {
  gradFn: 'AvgPool2DBackwardBackward0',
  saves: 'nothing',
  forward: ([g], attrs) => avgPoolAdjointData(g, attrs.shape, attrs, attrs),
  backward: (gg, { attrs }) => [apply(AvgPool2D, [gg], attrs)],
};

export interface AvgPoolCall {
  kernelSize: number | readonly number[];
  stride: number | readonly number[] | null;
  padding: number | readonly number[];
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/** F.avg_pool2d over the last two dims of a 3-D or 4-D input (AvgPool2DBackward0), with torch's checks in order. */
export function avgPool2d(x: Tensor, o: AvgPoolCall): Tensor {
  const kernel = pair('avg_pool2d', 'kernel_size must either be a single int, or a tuple of two ints', o.kernelSize);
  const given = o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? null : o.stride;
  const stride = given === null ? kernel : pair('avg_pool2d', 'stride must either be omitted, a single int, or a tuple of two ints', given);
  const padding = pair('avg_pool2d', 'padding must either be a single int, or a tuple of two ints', o.padding);
  if (o.divisorOverride === 0) throw new ProblemError('invalid-argument', 'divisor must be not zero');
  normalizeDim(-3, x.ndim);
  const geometry: PoolGeometry = { kernel, stride, padding, dilation: [1, 1], ceilMode: o.ceilMode };
  checkPool(x, geometry);
  return apply(AvgPool2D, [x], {
    ...geometry,
    countIncludePad: o.countIncludePad,
    divisorOverride: o.divisorOverride,
    shape: x.shape.slice(),
  });
}

export default defineOp({
  name: 'avg_pool2d',
  summary: 'torch.nn.functional.avg_pool2d: the mean of each window over the last two dims (kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'kernel_size', kind: 'int|tuple' },
    { name: 'stride', kind: 'int|tuple?', default: null },
    { name: 'padding', kind: 'int|tuple', default: 0n },
    { name: 'ceil_mode', kind: 'bool', default: false },
    { name: 'count_include_pad', kind: 'bool', default: true },
    { name: 'divisor_override', kind: 'int?', default: null },
  ],
  gradFns: ['AvgPool2DBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [1, 2, 4, 4] }, 2] },
    { args: [{ tensor: [2, 5, 5] }, 3], kwargs: { stride: 2, padding: 1, count_include_pad: false, ceil_mode: true } },
    { args: [{ tensor: [1, 1, 4, 5] }, [2, 3]], kwargs: { stride: 1, divisor_override: 4 } },
  ],
  call: ({ input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override }): Value =>
    avgPool2d(input as Tensor, {
      kernelSize: poolArgument(kernel_size) as number | number[],
      stride: poolArgument(stride),
      padding: poolArgument(padding) as number | number[],
      ceilMode: ceil_mode as boolean,
      countIncludePad: count_include_pad as boolean,
      divisorOverride: divisor_override as number | null,
    }),
});
