import { ProblemError } from '../../errors.js';
import { gatherPlanes, indicesTensor, maxPoolData, type PoolGeometry, poolOutputSize, scatterPlanes } from '../kernels/pool.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { Tensor } from '../tensor.js';

interface MaxPoolAttrs extends PoolGeometry {
  /** The input's shape (the scatter's result shape). */
  shape: readonly number[];
}

/** The window each pooled element picked, recomputed from the saved input (a saved index tensor in PyTorch). */
function picks(x: Tensor, geometry: PoolGeometry): Int32Array {
  return maxPoolData(x, geometry).indices;
}

// max_pool2d passes each window's maximum (the first of tied maxima): the gradient goes to that element
const MaxPool2DWithIndices: Primitive<MaxPoolAttrs> = {
  gradFn: 'MaxPool2DWithIndicesBackward0',
  forward: ([x], geometry) => maxPoolData(x, geometry).values,
  backward: (g, { inputs: [x], attrs }) => [apply(ScatterPicks, [g], { ...attrs, indices: picks(x, attrs), pooled: g.shape })],
};

interface PicksAttrs extends MaxPoolAttrs {
  indices: Int32Array;
  /** The pooled shape (the gather's result shape). */
  pooled: readonly number[];
}

// the scatter is linear in g: its gradient reads the incoming gradient at the picked elements
const ScatterPicks: Primitive<PicksAttrs> = {
  gradFn: 'MaxPool2DWithIndicesBackwardBackward0',
  saves: 'nothing',
  forward: ([g], { indices, shape }) => scatterPlanes(g, indices, shape, g.dtype),
  backward: (gg, { attrs }) => [apply(GatherPicks, [gg], attrs)],
};

// the gather is the scatter's adjoint
const GatherPicks: Primitive<PicksAttrs> = {
  gradFn: 'MaxPool2DWithIndicesBackward0',
  saves: 'nothing',
  forward: ([x], { indices, pooled }) => gatherPlanes(x, indices, pooled),
  backward: (g, { attrs }) => [apply(ScatterPicks, [g], attrs)],
};

/** An int or a tuple of one or two ints as (height, width), with `op`'s message otherwise. */
export function pair(op: string, what: string, value: number | readonly number[]): [number, number] {
  const list = typeof value === 'number' ? [value] : value;
  if (list.length === 1) return [list[0], list[0]];
  if (list.length === 2) return [list[0], list[1]];
  throw new ProblemError('invalid-argument', `${op}: ${what}`);
}

/**
 * The checks of torch's pooling_output_shape and pool2d_shape_check, in their
 * order and words, for a 3-D or 4-D input.
 */
export function checkPool(x: Tensor, g: PoolGeometry): void {
  const [H, W] = x.shape.slice(-2);
  const outputs = [0, 1].map((d) => {
    const size = [H, W][d];
    if (g.stride[d] === 0) throw new ProblemError('invalid-argument', 'stride should not be zero');
    if (g.padding[d] < 0) throw new ProblemError('invalid-argument', `pad must be non-negative, but got pad: ${g.padding[d]}`);
    if (g.padding[d] > Math.floor(g.kernel[d] / 2)) {
      throw new ProblemError('invalid-argument', `pad should be at most half of kernel size, but got pad=${g.padding[d]} and kernel_size=${g.kernel[d]}`);
    }
    return poolOutputSize(size, g.kernel[d], g.padding[d], g.stride[d], g.dilation[d], g.ceilMode);
  });
  if (g.kernel[0] <= 0 || g.kernel[1] <= 0) {
    throw new ProblemError('invalid-argument', `kernel size should be greater than zero, but got kH: ${g.kernel[0]} kW: ${g.kernel[1]}`);
  }
  if (g.stride[0] <= 0 || g.stride[1] <= 0) throw new ProblemError('invalid-argument', `stride should be greater than zero, but got dH: ${g.stride[0]} dW: ${g.stride[1]}`);
  if (g.dilation[0] <= 0 || g.dilation[1] <= 0) {
    throw new ProblemError('invalid-argument', `dilation should be greater than zero, but got dilationH: ${g.dilation[0]} dilationW: ${g.dilation[1]}`);
  }
  // the batch may be empty, the channel and spatial dims may not
  if (x.shape.slice(-3).some((d) => d === 0)) {
    throw new ProblemError('shape-error', `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[${x.shape.join(', ')}]`);
  }
  if (outputs[0] < 1 || outputs[1] < 1) {
    const planes = x.shape[x.ndim - 3];
    throw new ProblemError(
      'shape-error',
      `Given input size: (${planes}x${H}x${W}). Calculated output size: (${planes}x${outputs[0]}x${outputs[1]}). Output size is too small`,
    );
  }
}

export interface MaxPoolOptions {
  kernelSize: number | readonly number[];
  stride: number | readonly number[] | null;
  padding: number | readonly number[];
  dilation: number | readonly number[];
  ceilMode: boolean;
}

function maxPoolGeometry(x: Tensor, o: MaxPoolOptions): PoolGeometry {
  const kernel = pair('max_pool2d', 'kernel_size must either be a single int, or a tuple of two ints', o.kernelSize);
  const given = o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? null : o.stride;
  const stride = given === null ? kernel : pair('max_pool2d', 'stride must either be omitted, a single int, or a tuple of two ints', given);
  const padding = pair('max_pool2d', 'padding must be either be a single int, or a tuple of two ints', o.padding);
  const dilation = pair('max_pool2d', 'dilation must be either a single int, or a tuple of two ints', o.dilation);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ProblemError('shape-error', 'non-empty 3D or 4D (batch mode) tensor expected for input');
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new ProblemError('invalid-argument', `"max_pool2d" not implemented for '${x.dtype === 'int64' ? 'Long' : 'Bool'}'`);
  }
  const geometry = { kernel, stride, padding, dilation, ceilMode: o.ceilMode };
  checkPool(x, geometry);
  return geometry;
}

/** F.max_pool2d over the last two dims of a 3-D or 4-D input (MaxPool2DWithIndicesBackward0). */
export function maxPool2d(x: Tensor, options: MaxPoolOptions): Tensor {
  const geometry = maxPoolGeometry(x, options);
  return apply(MaxPool2DWithIndices, [x], { ...geometry, shape: x.shape.slice() });
}

/** F.max_pool2d(..., return_indices=True): the values and each one's int64 index within its plane. */
export function maxPool2dWithIndices(x: Tensor, options: MaxPoolOptions): [Tensor, Tensor] {
  const values = maxPool2d(x, options);
  return [values, indicesTensor(picks(x, maxPoolGeometry(x, options)), values.shape)];
}

/** A pooling argument: an int or a tuple of ints (bigints from Python), as numbers. */
export function poolArgument(value: Value): number | number[] | null {
  if (value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((v) => Number(v as number | bigint));
  throw new ProblemError('invalid-argument', 'expected an int or a tuple of ints', { pythonType: 'TypeError' });
}

export default defineOp({
  name: 'max_pool2d',
  summary: 'torch.nn.functional.max_pool2d: the maximum of each window over the last two dims (kernel_size, stride, padding, dilation, ceil_mode, return_indices).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'kernel_size', kind: 'int|tuple' },
    { name: 'stride', kind: 'int|tuple?', default: null },
    { name: 'padding', kind: 'int|tuple', default: 0n },
    { name: 'dilation', kind: 'int|tuple', default: 1n },
    { name: 'ceil_mode', kind: 'bool', default: false },
    { name: 'return_indices', kind: 'bool', default: false },
  ],
  gradFns: ['MaxPool2DWithIndicesBackward0'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [
    { args: [{ tensor: [1, 2, 4, 4] }, 2] },
    { args: [{ tensor: [2, 5, 5] }, 3], kwargs: { stride: 1, padding: 1 } },
    { args: [{ tensor: [1, 1, 5, 6] }, [2, 3]], kwargs: { stride: [2, 1], dilation: [1, 2], ceil_mode: true } },
  ],
  call: ({ input, kernel_size, stride, padding, dilation, ceil_mode, return_indices }): Value => {
    const options: MaxPoolOptions = {
      kernelSize: poolArgument(kernel_size) as number | number[],
      stride: poolArgument(stride),
      padding: poolArgument(padding) as number | number[],
      dilation: poolArgument(dilation) as number | number[],
      ceilMode: ceil_mode as boolean,
    };
    return return_indices ? maxPool2dWithIndices(input as Tensor, options) : maxPool2d(input as Tensor, options);
  },
});
