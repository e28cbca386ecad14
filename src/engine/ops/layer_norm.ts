import { ProblemError } from '../../errors.js';
import { allocate, rounder } from '../dtype.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { pow } from './pow.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/**
 * x normalized over `dims` (x̂ = (x - mean) / sqrt(var + eps), biased var),
 * written with engine ops, so gradients through it can be differentiated again.
 */
export function normalized(x: Tensor, dims: readonly number[], eps: number): { xhat: Tensor; rstd: Tensor } {
  const centered = sub(x, mean(x, dims, true));
  const rstd = pow(add(mean(mul(centered, centered), dims, true), eps), -0.5);
  return { xhat: mul(centered, rstd), rstd };
}

/**
 * The gradient of x̂ = normalize(x) over `dims` for an incoming gradient d
 * (already multiplied by the weight): rstd (d - mean(d) - x̂ mean(d x̂)).
 */
export function normalizedBackward(d: Tensor, xhat: Tensor, rstd: Tensor, dims: readonly number[]): Tensor {
  return mul(rstd, sub(sub(d, mean(d, dims, true)), mul(xhat, mean(mul(d, xhat), dims, true))));
}

/**
 * Rows of `size` elements normalized as torch's CPU layer norm: mean and
 * variance accumulated in double, rstd = 1 / sqrt(var + eps), then
 * y = x·scale + shift in one rounding with scale = rstd and shift = -rstd·mean
 * in the dtype, then (x̂·γ + β) when affine.
 */
function layerNormData(x: Tensor, size: number, eps: number, weight: Tensor | null, bias: Tensor | null): Tensor {
  const src = x.data;
  const round = rounder(x.dtype);
  const out = allocate(x.dtype, src.length);
  const w = weight?.data;
  const b = bias?.data;
  for (let start = 0; start < src.length; start += size) {
    let total = 0;
    for (let j = 0; j < size; j++) total += src[start + j];
    const m = total / size;
    let squares = 0;
    for (let j = 0; j < size; j++) squares += (src[start + j] - m) ** 2;
    const rstd = 1 / Math.sqrt(Math.max(squares / size, 0) + eps);
    const scale = round(rstd);
    const shift = round(-scale * round(m));
    for (let j = 0; j < size; j++) {
      let y = round(src[start + j] * scale + shift);
      if (w !== undefined) y = round(y * w[j]);
      if (b !== undefined) y = round(y + b[j]);
      out[start + j] = y;
    }
  }
  return new Tensor(out, x.shape.slice());
}

interface LayerNormAttrs {
  /** How many trailing dims are normalized. */
  normalizedDims: number;
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
}

// y = x̂ γ + β with x̂ normalized over the trailing dims: dx = rstd (dγ - mean(dγ) - x̂ mean(dγ x̂)) with dγ = g γ,
// dγ = Σ g x̂ and dβ = Σ g over the leading dims (mean and rstd recomputed with engine ops, so this differentiates again)
const NativeLayerNorm: Primitive<LayerNormAttrs> = {
  gradFn: 'NativeLayerNormBackward0',
  forward: ([x, w, b], { normalizedDims, eps, hasWeight, hasBias }) => {
    const size = x.shape.slice(x.ndim - normalizedDims).reduce((n, d) => n * d, 1);
    return layerNormData(x, size, eps, hasWeight ? w : null, hasBias ? b : null);
  },
  backward: (g, { inputs: [x, w, b], attrs: { normalizedDims, eps, hasWeight, hasBias } }) => {
    const dims = Array.from({ length: normalizedDims }, (_, i) => x.ndim - normalizedDims + i);
    const leading = Array.from({ length: x.ndim - normalizedDims }, (_, i) => i);
    const { xhat, rstd } = normalized(x, dims, eps);
    const overLeading = (t: Tensor) => (leading.length === 0 ? t : sum(t, leading));
    return [
      x.requiresGrad ? normalizedBackward(hasWeight ? mul(g, w) : g, xhat, rstd, dims) : null,
      hasWeight && w.requiresGrad ? overLeading(mul(g, xhat)) : null,
      hasBias && b.requiresGrad ? overLeading(g) : null,
    ];
  },
};

/** An empty stand-in for an absent weight or bias: an input without a gradient, so its edge is None. */
export const ABSENT = new Tensor(new Float32Array(0), [0]);

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5), with torch's checks in order. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const normalizedText = shapeText(normalizedShape);
  if (normalizedShape.length === 0) {
    throw new ProblemError(
      'shape-error',
      `Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${normalizedText}`,
    );
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t !== null && shapeText(t.shape) !== normalizedText) {
      throw new ProblemError(
        'shape-error',
        `Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${shapeText(t.shape)} and normalized_shape = ${normalizedText}`,
      );
    }
  }
  const trailing = x.shape.slice(x.ndim - normalizedShape.length);
  if (x.ndim < normalizedShape.length || shapeText(trailing) !== normalizedText) {
    throw new ProblemError(
      'shape-error',
      `Given normalized_shape=${normalizedText}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size${shapeText(x.shape)}`,
    );
  }
  return apply(NativeLayerNorm, [x, weight ?? ABSENT, bias ?? ABSENT], {
    normalizedDims: normalizedShape.length,
    eps,
    hasWeight: weight !== null,
    hasBias: bias !== null,
  });
}

export default defineOp({
  name: 'layer_norm',
  summary: 'torch.nn.functional.layer_norm: normalizes over the trailing `normalized_shape` dims (biased variance, eps), then scales by weight and shifts by bias.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'normalized_shape', kind: 'ints' },
    { name: 'weight', kind: 'tensor?', default: null },
    { name: 'bias', kind: 'tensor?', default: null },
    { name: 'eps', kind: 'number', default: 1e-5 },
  ],
  gradFns: ['NativeLayerNormBackward0'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 4] }, [4]] },
    { args: [{ tensor: [2, 2, 3] }, [2, 3], { tensor: [2, 3] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [3, 3] }, [3]], kwargs: { eps: 0.1 } },
  ],
  call: ({ input, normalized_shape, weight, bias, eps }): Value =>
    layerNorm(input as Tensor, normalized_shape as number[], weight as Tensor | null, bias as Tensor | null, eps as number),
});
