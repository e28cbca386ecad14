import { allocate, type DType, rounder, type Storage } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';

/**
 * The geometry of a 2-D convolution (a 1-D one is one with height 1):
 * input [N, C, H, W], weight [O, C / groups, KH, KW], output [N, O, OH, OW].
 */
export interface ConvGeometry {
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
}

/** Output size along one dim, as PyTorch computes it. */
export function convOutputSize(input: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

type Mode = 'forward' | 'input' | 'weight';

/**
 * The three bilinear maps of a convolution, one loop nest: for every output
 * element (n, o, i, j) and every tap (c, kh, kw) that lands inside the input,
 * `forward` adds x·w into y, `input` adds g·w into gx (the transposed
 * convolution) and `weight` adds x·g into gw. The forward order (taps in
 * c, kh, kw order after the bias, each product and sum rounded) is
 * PyTorch's slow_conv2d (im2col and its gemm), bit for bit; the adjoints
 * accumulate in double and round once.
 */
function convLoop(
  mode: Mode,
  a: Storage,
  b: Storage,
  inputShape: readonly number[],
  weightShape: readonly number[],
  outputShape: readonly number[],
  { stride, padding, dilation, groups }: ConvGeometry,
  out: Storage | Float64Array,
  dtype: DType,
): void {
  const [N, C, H, W] = inputShape;
  const [O, Cg, KH, KW] = weightShape;
  const [, , OH, OW] = outputShape;
  const round = rounder(dtype);
  const perGroup = O / groups;
  chargeWork(N * O * OH * OW * Cg * KH * KW);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const firstChannel = Math.floor(o / perGroup) * Cg;
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          const y = ((n * O + o) * OH + i) * OW + j;
          let sum = mode === 'forward' ? out[y] : 0;
          for (let c = 0; c < Cg; c++) {
            const xPlane = (n * C + firstChannel + c) * H;
            const wPlane = (o * Cg + c) * KH;
            for (let kh = 0; kh < KH; kh++) {
              const ih = i * stride[0] - padding[0] + kh * dilation[0];
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = j * stride[1] - padding[1] + kw * dilation[1];
                if (iw < 0 || iw >= W) continue;
                const xi = (xPlane + ih) * W + iw;
                const wi = (wPlane + kh) * KW + kw;
                if (mode === 'forward') sum = round(sum + round(a[xi] * b[wi]));
                else if (mode === 'input') out[xi] += a[y] * b[wi];
                else out[wi] += a[xi] * b[y];
              }
            }
          }
          if (mode === 'forward') out[y] = sum;
        }
      }
    }
  }
}

/** y = conv(x, w) + bias: [N, C, H, W] and [O, C / groups, KH, KW] to [N, O, OH, OW]. */
export function convForward(x: Tensor, w: Tensor, bias: Tensor | null, geometry: ConvGeometry): Tensor {
  const [N, , H, W] = x.shape;
  const [O, , KH, KW] = w.shape;
  const shape = [
    N,
    O,
    convOutputSize(H, KH, geometry.stride[0], geometry.padding[0], geometry.dilation[0]),
    convOutputSize(W, KW, geometry.stride[1], geometry.padding[1], geometry.dilation[1]),
  ];
  const out = allocate(x.dtype, shape.reduce((p, d) => p * d, 1));
  if (bias !== null) {
    const plane = shape[2] * shape[3];
    const b = bias.data;
    for (let k = 0; k < out.length; k++) out[k] = b[Math.floor(k / plane) % O];
  }
  convLoop('forward', x.data, w.data, x.shape, w.shape, shape, geometry, out, x.dtype);
  return new Tensor(out, shape);
}

/** The gradient of conv(x, w) with respect to x for output gradient g (the transposed convolution of g by w). */
export function convInputGradient(g: Tensor, w: Tensor, inputShape: readonly number[], geometry: ConvGeometry): Tensor {
  return adjoint('input', g, w, inputShape, w.shape, g.shape, inputShape, geometry);
}

/** The gradient of conv(x, w) with respect to w for output gradient g (x correlated with g). */
export function convWeightGradient(x: Tensor, g: Tensor, weightShape: readonly number[], geometry: ConvGeometry): Tensor {
  return adjoint('weight', x, g, x.shape, weightShape, g.shape, weightShape, geometry);
}

function adjoint(
  mode: Mode,
  a: Tensor,
  b: Tensor,
  inputShape: readonly number[],
  weightShape: readonly number[],
  outputShape: readonly number[],
  resultShape: readonly number[],
  geometry: ConvGeometry,
): Tensor {
  const sums = new Float64Array(resultShape.reduce((p, d) => p * d, 1));
  convLoop(mode, a.data, b.data, inputShape, weightShape, outputShape, geometry, sums, a.dtype);
  const out = allocate(a.dtype, sums.length);
  out.set(sums);
  return new Tensor(out, resultShape.slice());
}
