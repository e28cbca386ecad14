// Gathering and scattering elements by their row-major (flat) index: the
// differentiable pair every indexing op reduces to. An op that picks elements
// (advanced indexing, gather, index_select, masked_select, flip, roll, diag,
// repeat) names its node and computes which flat indices it reads; its
// gradient puts the output gradient back at those indices, adding where an
// element was read more than once. The two primitives are each other's
// backward, so second derivatives work.
import { apply, type Primitive } from './op.js';
import { allocate } from './dtype.js';
import { chargeWork } from './meter.js';
import { numelOf, Tensor } from './tensor.js';

interface TakeAttrs {
  /** Flat index into the input of each output element. */
  indices: Int32Array;
  shape: readonly number[];
}

interface PutAttrs {
  indices: Int32Array;
  /** The shape of the result (the tensor the values are put into). */
  shape: readonly number[];
}

/** out[k] = x.flat[indices[k]], outside any graph (for forward computations). */
export function takeValues(x: Tensor, indices: Int32Array, shape: readonly number[]): Tensor {
  chargeWork(indices.length);
  const src = x.data;
  const out = allocate(x.dtype, indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = src[indices[k]];
  return new Tensor(out, shape.slice());
}

/** out = zeros(shape); out.flat[indices[k]] += g[k], outside any graph (for forward computations). */
export function putAddValues(g: Tensor, indices: Int32Array, shape: readonly number[]): Tensor {
  chargeWork(indices.length);
  const src = g.data;
  const out = allocate(g.dtype, numelOf(shape));
  for (let k = 0; k < indices.length; k++) out[indices[k]] += src[k];
  return new Tensor(out, shape.slice());
}

const primitives = new Map<string, Primitive<TakeAttrs>>();

/** The primitive that takes elements under the grad_fn name `gradFn`. */
function takePrimitive(gradFn: string): Primitive<TakeAttrs> {
  let primitive = primitives.get(gradFn);
  if (primitive === undefined) {
    primitive = {
      gradFn,
      saves: 'nothing',
      forward: ([x], { indices, shape }) => takeValues(x, indices, shape),
      // d out[k] / d x[indices[k]] = 1: the gradient goes back where each element came from
      backward: (g, { inputs: [x], attrs: { indices } }) => [putAdd(g, indices, x.shape)],
    };
    primitives.set(gradFn, primitive);
  }
  return primitive;
}

// put-add is linear: its gradient takes the output gradient at the same indices
const PutAdd: Primitive<PutAttrs> = {
  gradFn: 'IndexPutBackward0',
  saves: 'nothing',
  forward: ([g], { indices, shape }) => putAddValues(g, indices, shape),
  backward: (gg, { inputs: [g], attrs: { indices } }) => [take(gg, indices, g.shape, 'IndexBackward0')],
};

/** `x.flat[indices]` in `shape`, recorded as a node named `gradFn` (IndexBackward0, GatherBackward0, ...). */
export function take(x: Tensor, indices: Int32Array, shape: readonly number[], gradFn: string): Tensor {
  return apply(takePrimitive(gradFn), [x], { indices, shape });
}

/** zeros(shape) with g[k] added at flat index indices[k] (the gradient of take). */
export function putAdd(g: Tensor, indices: Int32Array, shape: readonly number[]): Tensor {
  return apply(PutAdd, [g], { indices, shape });
}

/** Row-major strides of `shape` (element steps per index of each dim). */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * The flat indices of a strided layout's elements in row-major order
 * (offset + Σ index[d]·strides[d]), e.g. the elements of an input a view reads.
 */
export function layoutIndices(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const n = numelOf(shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const ndim = shape.length;
  const index = new Array<number>(ndim).fill(0);
  let at = offset;
  for (let k = 0; k < n; k++) {
    out[k] = at;
    for (let d = ndim - 1; d >= 0; d--) {
      index[d]++;
      at += strides[d];
      if (index[d] < shape[d]) break;
      at -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

interface ZeroAttrs {
  indices: Int32Array;
}

/** g with the elements at the flat indices set to 0 (a copy). */
function zeroAtValues(g: Tensor, indices: Int32Array): Tensor {
  chargeWork(g.numel);
  const out = g.data.slice();
  for (let k = 0; k < indices.length; k++) out[indices[k]] = 0;
  return new Tensor(out, g.shape.slice());
}

// zeroing fixed elements is linear: its gradient zeroes the same elements
const ZeroAt: Primitive<ZeroAttrs> = {
  gradFn: 'MaskedFillBackward0',
  saves: 'nothing',
  forward: ([g], { indices }) => zeroAtValues(g, indices),
  backward: (gg, { attrs: { indices } }) => [zeroAt(gg, indices)],
};

/** `g` with the elements at `indices` zeroed: the gradient of what an in-place write replaced. */
export function zeroAt(g: Tensor, indices: Int32Array): Tensor {
  return apply(ZeroAt, [g], { indices });
}
