// Strides of views: how view ops read the same storage in another shape.
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
