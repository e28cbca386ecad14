import { allocate, Int64Array, type DType, rounder } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';

/** A 2-D pooling window: kernel, stride, padding and dilation as (height, width). */
export interface PoolGeometry {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  ceilMode: boolean;
}

/** PyTorch's pooling_output_shape_pad_lr for one dim. */
export function poolOutputSize(input: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  const numerator = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let size = Math.floor(numerator / stride) + 1;
  if (ceilMode && (size - 1) * stride >= input + pad) size--;
  return size;
}

/** [planes, H, W] of a 3-D or 4-D input and its pooled [OH, OW]. */
function dims(shape: readonly number[], g: PoolGeometry): { planes: number; H: number; W: number; OH: number; OW: number } {
  const H = shape[shape.length - 2];
  const W = shape[shape.length - 1];
  const planes = shape.slice(0, -2).reduce((n, d) => n * d, 1);
  return {
    planes,
    H,
    W,
    OH: poolOutputSize(H, g.kernel[0], g.padding[0], g.stride[0], g.dilation[0], g.ceilMode),
    OW: poolOutputSize(W, g.kernel[1], g.padding[1], g.stride[1], g.dilation[1], g.ceilMode),
  };
}

export function pooledShape(shape: readonly number[], g: PoolGeometry): number[] {
  const { OH, OW } = dims(shape, g);
  return [...shape.slice(0, -2), OH, OW];
}

/**
 * max_pool2d: each window's largest element and its index within its H x W
 * plane. The window is scanned row by row from its first in-bounds element,
 * a later element replacing the best when larger or NaN (torch's CPU kernel),
 * so ties go to the first.
 */
export function maxPoolData(x: Tensor, g: PoolGeometry): { values: Tensor; indices: Int32Array } {
  const { planes, H, W, OH, OW } = dims(x.shape, g);
  const src = x.data;
  const values = allocate(x.dtype, planes * OH * OW);
  const indices = new Int32Array(values.length);
  chargeWork(values.length * g.kernel[0] * g.kernel[1]);
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      let h0 = oh * g.stride[0] - g.padding[0];
      const h1 = Math.min(h0 + (g.kernel[0] - 1) * g.dilation[0] + 1, H);
      while (h0 < 0) h0 += g.dilation[0];
      for (let ow = 0; ow < OW; ow++) {
        let w0 = ow * g.stride[1] - g.padding[1];
        const w1 = Math.min(w0 + (g.kernel[1] - 1) * g.dilation[1] + 1, W);
        while (w0 < 0) w0 += g.dilation[1];
        let bestAt = h0 * W + w0;
        let best = -Infinity;
        for (let h = h0; h < h1; h += g.dilation[0]) {
          for (let w = w0; w < w1; w += g.dilation[1]) {
            const v = src[p * H * W + h * W + w];
            if (v > best || Number.isNaN(v)) {
              best = v;
              bestAt = h * W + w;
            }
          }
        }
        const o = (p * OH + oh) * OW + ow;
        values[o] = best;
        indices[o] = bestAt;
      }
    }
  }
  return { values: new Tensor(values, pooledShape(x.shape, g)), indices };
}

/** The indices of maxPoolData as torch's int64 tensor (return_indices=True). */
export function indicesTensor(indices: Int32Array, shape: readonly number[]): Tensor {
  const out = allocate('int64', indices.length) as Int64Array;
  out.set(indices);
  return new Tensor(out, shape.slice());
}

/** Adds each pooled gradient into the input element its window picked (max_pool2d's backward). */
export function scatterPlanes(g: Tensor, indices: Int32Array, inputShape: readonly number[], dtype: DType): Tensor {
  const H = inputShape[inputShape.length - 2];
  const W = inputShape[inputShape.length - 1];
  const perPlane = g.shape[g.ndim - 2] * g.shape[g.ndim - 1];
  const sums = new Float64Array(inputShape.reduce((n, d) => n * d, 1));
  const src = g.data;
  chargeWork(src.length);
  for (let o = 0; o < src.length; o++) sums[Math.floor(o / perPlane) * H * W + indices[o]] += src[o];
  const out = allocate(dtype, sums.length);
  out.set(sums);
  return new Tensor(out, inputShape.slice());
}

/** Reads, for each pooled position, the element its window picked (the adjoint of scatterPlanes). */
export function gatherPlanes(x: Tensor, indices: Int32Array, pooled: readonly number[]): Tensor {
  const H = x.shape[x.ndim - 2];
  const W = x.shape[x.ndim - 1];
  const perPlane = pooled[pooled.length - 2] * pooled[pooled.length - 1];
  const src = x.data;
  const out = allocate(x.dtype, indices.length);
  for (let o = 0; o < out.length; o++) out[o] = src[Math.floor(o / perPlane) * H * W + indices[o]];
  return new Tensor(out, pooled.slice());
}

export interface AvgPoolOptions {
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/**
 * avg_pool2d's windows, as torch's CPU kernel bounds them: the window clipped
 * to the padded input gives the padded count, clipped to the input the
 * elements summed; `visit(window, first, count, divisor)` sees every pooled
 * position with the in-bounds rows [h0, h1) and columns [w0, w1).
 */
function avgWindows(
  shape: readonly number[],
  g: PoolGeometry,
  { countIncludePad, divisorOverride }: AvgPoolOptions,
  visit: (o: number, plane: number, h0: number, h1: number, w0: number, w1: number, divisor: number) => void,
): void {
  const { planes, H, W, OH, OW } = dims(shape, g);
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let h0 = oh * g.stride[0] - g.padding[0];
        let w0 = ow * g.stride[1] - g.padding[1];
        let h1 = Math.min(h0 + g.kernel[0], H + g.padding[0]);
        let w1 = Math.min(w0 + g.kernel[1], W + g.padding[1]);
        const padded = (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        h1 = Math.min(h1, H);
        w1 = Math.min(w1, W);
        const divisor = divisorOverride ?? (countIncludePad ? padded : (h1 - h0) * (w1 - w0));
        visit((p * OH + oh) * OW + ow, p, h0, h1, w0, w1, divisor);
      }
    }
  }
}

/** avg_pool2d: each window's elements summed in order in the dtype, then divided by the divisor. */
export function avgPoolData(x: Tensor, g: PoolGeometry, options: AvgPoolOptions): Tensor {
  const shape = pooledShape(x.shape, g);
  const out = allocate(x.dtype, shape.reduce((n, d) => n * d, 1));
  const src = x.data;
  const round = rounder(x.dtype);
  const H = x.shape[x.ndim - 2];
  const W = x.shape[x.ndim - 1];
  chargeWork(out.length * g.kernel[0] * g.kernel[1]);
  avgWindows(x.shape, g, options, (o, p, h0, h1, w0, w1, divisor) => {
    if (h0 >= h1 || w0 >= w1) return;
    let sum = 0;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum = round(sum + src[p * H * W + h * W + w]);
    out[o] = round(sum / divisor);
  });
  return new Tensor(out, shape);
}

/** The adjoint of avg_pool2d: each pooled gradient divided by its divisor, added to its window's elements. */
export function avgPoolAdjointData(g: Tensor, inputShape: readonly number[], geometry: PoolGeometry, options: AvgPoolOptions): Tensor {
  const H = inputShape[inputShape.length - 2];
  const W = inputShape[inputShape.length - 1];
  const sums = new Float64Array(inputShape.reduce((n, d) => n * d, 1));
  const src = g.data;
  chargeWork(src.length * geometry.kernel[0] * geometry.kernel[1]);
  avgWindows(inputShape, geometry, options, (o, p, h0, h1, w0, w1, divisor) => {
    const share = src[o] / divisor;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sums[p * H * W + h * W + w] += share;
  });
  const out = allocate(g.dtype, sums.length);
  out.set(sums);
  return new Tensor(out, inputShape.slice());
}
