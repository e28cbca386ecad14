// Strides of views: how view ops read the same storage in another shape.
import { layoutIndices, putAdd, rowMajorStrides } from './flat_index.js';
import type { Primitive } from './op.js';
import { Tensor } from './tensor.js';

/**
 * Strides that read a tensor of (`shape`, `strides`) as `target` without
 * copying (PyTorch's computeStride), or null when some dimension of `target`
 * would span two non-contiguous pieces (then only a copy can do it).
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  if (shape.length === 0) return target.map(() => 1);
  let numel = 1;
  for (const d of shape) numel *= d;
  if (numel === 0) return contiguousStrides(target);
  const out = new Array<number>(target.length);
  let viewD = target.length - 1;
  let chunkBaseStride = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = shape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= shape[tensorD];
    // A chunk ends where the next outer dim does not continue it contiguously.
    if (tensorD === 0 || (shape[tensorD - 1] !== 1 && strides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= target[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = strides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

/** `x` with dims reordered: dim i of the result is dim `order[i]` of x. */
export function permutedView(x: Tensor, order: readonly number[]): Tensor {
  return Tensor.view(
    x,
    order.map((d) => x.shape[d]),
    order.map((d) => x.strides[d]),
    x.offset,
  );
}

/** `x` with a size-1 dim inserted at `dim` (0 <= dim <= ndim). */
export function unsqueezedView(x: Tensor, dim: number): Tensor {
  const stride = dim < x.ndim ? x.strides[dim] * x.shape[dim] : 1;
  return Tensor.view(x, [...x.shape.slice(0, dim), 1, ...x.shape.slice(dim)], [...x.strides.slice(0, dim), stride, ...x.strides.slice(dim)], x.offset);
}

/** `x` without the dims `drop` (each of size 1). */
export function droppedDimsView(x: Tensor, drop: (dim: number) => boolean): Tensor {
  const shape: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    if (drop(d)) continue;
    shape.push(x.shape[d]);
    strides.push(x.strides[d]);
  }
  return Tensor.view(x, shape, strides, x.offset);
}

/** `x` broadcast to `shape` (dims already checked): stride 0 along the repeated dims. */
export function expandedView(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  const strides = shape.map((size, i) => (i < lead || (x.shape[i - lead] === 1 && size !== 1) ? 0 : x.strides[i - lead]));
  return Tensor.view(x, shape.slice(), strides, x.offset);
}

/** Elements start, start + step, ... (`length` of them) along `dim`. */
export function slicedView(x: Tensor, dim: number, start: number, length: number, step: number): Tensor {
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[dim] = length;
  strides[dim] = x.strides[dim] * step;
  return Tensor.view(x, shape, strides, x.offset + start * x.strides[dim]);
}

/** Index `index` of `dim`, the dim removed. */
export function selectedView(x: Tensor, dim: number, index: number): Tensor {
  const shape = [...x.shape.slice(0, dim), ...x.shape.slice(dim + 1)];
  const strides = [...x.strides.slice(0, dim), ...x.strides.slice(dim + 1)];
  return Tensor.view(x, shape, strides, x.offset + index * x.strides[dim]);
}

// ---- views as layout transforms ---------------------------------------------
// A view op maps its input's layout (shape, strides, offset) to the output's.
// Applied to the input's actual layout it gives the view (sharing storage);
// applied to the input's row-major layout it tells which input elements the
// output reads, which is where the backward pass puts the gradient.

/** Where a tensor's elements sit in its storage. */
export interface Layout {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

export type LayoutTransform<A> = (layout: Layout, attrs: A) => Layout;

export function layoutOf(t: Tensor): Layout {
  return { shape: t.shape, strides: t.strides, offset: t.offset };
}

/** The layout of a fresh row-major tensor of `shape`. */
export function rowMajorLayout(shape: readonly number[]): Layout {
  return { shape, strides: rowMajorStrides(shape), offset: 0 };
}

/**
 * A view op as a primitive named `gradFn`: the forward shares the input's
 * storage; the backward puts the gradient at the input elements the view reads
 * (adding where it reads one twice).
 */
export function viewPrimitive<A>(gradFn: string, transform: LayoutTransform<A>): Primitive<A> {
  return {
    gradFn,
    saves: 'nothing',
    forward: ([x], attrs) => {
      const { shape, strides, offset } = transform(layoutOf(x), attrs);
      return Tensor.view(x, shape, strides, offset);
    },
    backward: (g, { inputs: [x], attrs }) => {
      const { shape, strides, offset } = transform(rowMajorLayout(x.shape), attrs);
      return [putAdd(g, layoutIndices(shape, strides, offset), x.shape)];
    },
  };
}

/** Elements start, start + step, ... (`length` of them) along `dim`. */
export const sliceLayout: LayoutTransform<{ dim: number; start: number; length: number; step: number }> = (l, { dim, start, length, step }) => {
  const shape = l.shape.slice();
  const strides = l.strides.slice();
  shape[dim] = length;
  strides[dim] = l.strides[dim] * step;
  return { shape, strides, offset: l.offset + (length > 0 ? start * l.strides[dim] : 0) };
};

/** Index `index` of `dim`, the dim removed. */
export const selectLayout: LayoutTransform<{ dim: number; index: number }> = (l, { dim, index }) => ({
  shape: [...l.shape.slice(0, dim), ...l.shape.slice(dim + 1)],
  strides: [...l.strides.slice(0, dim), ...l.strides.slice(dim + 1)],
  offset: l.offset + index * l.strides[dim],
});

/** Dims reordered: dim i of the result is dim `order[i]` of the input. */
export const permuteLayout: LayoutTransform<{ order: readonly number[] }> = (l, { order }) => ({
  shape: order.map((d) => l.shape[d]),
  strides: order.map((d) => l.strides[d]),
  offset: l.offset,
});

/** A size-1 dim inserted at `dim`. */
export const unsqueezeLayout: LayoutTransform<{ dim: number }> = (l, { dim }) => ({
  shape: [...l.shape.slice(0, dim), 1, ...l.shape.slice(dim)],
  strides: [...l.strides.slice(0, dim), dim < l.shape.length ? l.strides[dim] * l.shape[dim] : 1, ...l.strides.slice(dim)],
  offset: l.offset,
});

/** The same layout (alias, detach). */
export const identityLayout: LayoutTransform<unknown> = (l) => l;

/** The diagonal of dims dim1 and dim2 shifted by `offset` (above for positive), appended as the last dim. */
export const diagonalLayout: LayoutTransform<{ offset: number; dim1: number; dim2: number }> = (l, { offset, dim1, dim2 }) => {
  const rows = l.shape[dim1];
  const cols = l.shape[dim2];
  const length = Math.max(0, offset >= 0 ? Math.min(rows, cols - offset) : Math.min(rows + offset, cols));
  const start = length === 0 ? 0 : offset >= 0 ? offset * l.strides[dim2] : -offset * l.strides[dim1];
  const shape: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < l.shape.length; d++) {
    if (d === dim1 || d === dim2) continue;
    shape.push(l.shape[d]);
    strides.push(l.strides[d]);
  }
  shape.push(length);
  strides.push(l.strides[dim1] + l.strides[dim2]);
  return { shape, strides, offset: l.offset + start };
};

/** One dim split into `sizes` (their product is its size). */
export const unflattenLayout: LayoutTransform<{ dim: number; sizes: readonly number[] }> = (l, { dim, sizes }) => {
  const inner = rowMajorStrides(sizes).map((s) => s * l.strides[dim]);
  return {
    shape: [...l.shape.slice(0, dim), ...sizes, ...l.shape.slice(dim + 1)],
    strides: [...l.strides.slice(0, dim), ...inner, ...l.strides.slice(dim + 1)],
    offset: l.offset,
  };
};
