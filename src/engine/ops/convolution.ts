import { ProblemError } from '../../errors.js';
import { type ConvGeometry, convForward, convInputGradient, convWeightGradient } from '../kernels/conv.js';
import { apply, type Primitive, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { dtypeMismatch } from './mm.js';
import { constantPad } from './pad.js';
import { squeeze } from './squeeze.js';
import { sum } from './sum.js';
import { unsqueeze } from './unsqueeze.js';

// The convolution behind F.conv1d and F.conv2d (aten::convolution, node
// ConvolutionBackward0). A 1-D convolution runs as a 2-D one of height 1.

interface ConvAttrs extends ConvGeometry {
  /** Spatial dims of the tensors as given: 1 (conv1d) or 2. */
  spatial: number;
  hasBias: boolean;
}

/** t read as a 4-D tensor (a 1-D convolution's [N, C, L] as [N, C, 1, L]), no copy, no node. */
function as2d(t: Tensor, spatial: number): Tensor {
  if (spatial === 2) return t;
  return new Tensor(t.data, [t.shape[0], t.shape[1], 1, t.shape[2]]);
}

/** A 4-D result back in the caller's rank. */
function fromAs2d(t: Tensor, spatial: number): Tensor {
  if (spatial === 2) return t;
  return new Tensor(t.data, [t.shape[0], t.shape[1], t.shape[3]]);
}

function shapeAs2d(shape: readonly number[], spatial: number): number[] {
  return spatial === 2 ? shape.slice() : [shape[0], shape[1], 1, shape[2]];
}

// y = conv(x, w) + b: gx is the transposed convolution of g by w, gw correlates x with g,
// gb sums g over the batch and every position
const Convolution: Primitive<ConvAttrs> = {
  gradFn: 'ConvolutionBackward0',
  forward: ([x, w, b], attrs) => fromAs2d(convForward(as2d(x, attrs.spatial), as2d(w, attrs.spatial), attrs.hasBias ? b : null, attrs), attrs.spatial),
  backward: (g, { inputs: [x, w, b], attrs }) => [
    x.requiresGrad ? convInputGrad(g, w, x.shape, attrs) : null,
    w.requiresGrad ? convWeightGrad(x, g, w.shape, attrs) : null,
    attrs.hasBias && b.requiresGrad ? sum(g, attrs.spatial === 2 ? [0, 2, 3] : [0, 2]) : null,
  ],
};

interface AdjointAttrs extends ConvAttrs {
  /** The shape of the result (x's for the input gradient, w's for the weight gradient). */
  shape: readonly number[];
}

// gx = convᵀ(g, w) is bilinear: its gradient for g is conv(ḡ, w), for w the correlation of ḡ with g
const ConvInputGrad: Primitive<AdjointAttrs> = {
  gradFn: 'ConvolutionBackwardBackward0',
  forward: ([g, w], attrs) => fromAs2d(convInputGradient(as2d(g, attrs.spatial), as2d(w, attrs.spatial), shapeAs2d(attrs.shape, attrs.spatial), attrs), attrs.spatial),
  backward: (gg, { inputs: [g, w], attrs }) => [
    g.requiresGrad ? convolutionOf(gg, w, null, attrs) : null,
    w.requiresGrad ? convWeightGrad(gg, g, w.shape, attrs) : null,
  ],
};

// gw = corr(x, g) is bilinear: its gradient for x is convᵀ(g, w̄), for g it is conv(x, w̄)
const ConvWeightGrad: Primitive<AdjointAttrs> = {
  gradFn: 'ConvolutionBackwardBackward0',
  forward: ([x, g], attrs) => fromAs2d(convWeightGradient(as2d(x, attrs.spatial), as2d(g, attrs.spatial), shapeAs2d(attrs.shape, attrs.spatial), attrs), attrs.spatial),
  backward: (gw, { inputs: [x, g], attrs }) => [
    x.requiresGrad ? convInputGrad(g, gw, x.shape, attrs) : null,
    g.requiresGrad ? convolutionOf(x, gw, null, attrs) : null,
  ],
};

/** An empty stand-in for an absent bias: an input without a gradient, so the node's edge for it is None. */
const NO_BIAS = new Tensor(new Float32Array(0), [0]);

function convolutionOf(x: Tensor, w: Tensor, bias: Tensor | null, geometry: ConvAttrs): Tensor {
  return apply(Convolution, [x, w, bias ?? NO_BIAS], { ...geometry, hasBias: bias !== null });
}

function convInputGrad(g: Tensor, w: Tensor, shape: readonly number[], geometry: ConvAttrs): Tensor {
  return apply(ConvInputGrad, [g, w], { ...geometry, shape });
}

function convWeightGrad(x: Tensor, g: Tensor, shape: readonly number[], geometry: ConvAttrs): Tensor {
  return apply(ConvWeightGrad, [x, g], { ...geometry, shape });
}

/**
 * A parameter as one value per convolution dim (`dims`, from the weight):
 * torch's conv1d/conv2d first make an int one value per their own spatial dims
 * (`given`), then a single value is repeated and any other count must match.
 */
function perDim(name: string, value: number | readonly number[], given: number, dims: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(given).fill(value) : [...value];
  if (list.length === 1) return new Array<number>(dims).fill(list[0]);
  if (list.length !== dims) {
    throw new ProblemError(
      'invalid-argument',
      `expected ${name} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${name}=[${list.join(', ')}]`,
    );
  }
  return list;
}

export interface ConvOptions {
  stride: number | readonly number[];
  /** Amounts per dim, or 'valid' / 'same'. */
  padding: number | readonly number[] | string;
  dilation: number | readonly number[];
  groups: number;
}

/**
 * F.conv1d / F.conv2d (`dims` spatial dims): unbatched input gets a batch dim
 * (unsqueeze(0) before, squeeze(0) after, as torch does), 'same' padding that
 * is uneven pads the input's end first (constant_pad_nd), and torch's checks
 * run in its order.
 */
export function convolution(input: Tensor, weight: Tensor, bias: Tensor | null, dims: number, options: ConvOptions): Tensor {
  const name = `conv${dims}d`;
  if (input.ndim !== dims + 1 && input.ndim !== dims + 2) {
    throw new ProblemError(
      'shape-error',
      `Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${name}, but got input of size: [${input.shape.join(', ')}]`,
    );
  }
  if (input.ndim === dims + 1) return squeeze(convolution(unsqueeze(input, 0), weight, bias, dims, options), 0);
  const k = weight.ndim - 2;
  if (k <= 0) throw new ProblemError('shape-error', 'weight should have at least three dimensions');
  const stride = perDim('stride', options.stride, dims, k);
  const dilation = perDim('dilation', options.dilation, dims, k);
  let x = input;
  let padding: number[];
  if (typeof options.padding === 'string') {
    if (options.padding === 'valid') padding = new Array<number>(k).fill(0);
    else if (options.padding === 'same') {
      if (stride.some((s) => s !== 1)) throw new ProblemError('invalid-argument', "padding='same' is not supported for strided convolutions");
      const totals = weight.shape.slice(2).map((size, i) => dilation[i] * (size - 1));
      padding = totals.map((total) => Math.floor(total / 2));
      const extra = totals.map((total, i) => total - 2 * padding[i]);
      if (extra.some((e) => e !== 0)) {
        // F.pad order: the last dim first
        x = constantPad(input, extra.slice().reverse().flatMap((e) => [0, e]), 0);
      }
    } else throw new ProblemError('invalid-argument', `Invalid padding string: '${options.padding}'`);
  } else {
    padding = perDim('padding', options.padding, dims, k);
  }
  const groups = options.groups;
  if (padding.some((p) => p < 0)) throw new ProblemError('invalid-argument', 'negative padding is not supported');
  if (stride.some((s) => s <= 0)) throw new ProblemError('invalid-argument', 'non-positive stride is not supported');
  if (dilation.some((d) => d <= 0)) {
    const shown = dims === 1 ? [1, ...dilation] : dilation;
    throw new ProblemError('invalid-argument', `dilation should be greater than zero, but got [${shown.join(', ')}]`);
  }
  const weightSize = `[${weight.shape.join(', ')}]`;
  if (weight.ndim !== x.ndim) {
    throw new ProblemError(
      'shape-error',
      `Expected ${weight.ndim}-dimensional input for ${weight.ndim}-dimensional weight ${weightSize}, but got ${x.ndim}-dimensional input of size [${x.shape.join(', ')}] instead`,
    );
  }
  if (weight.shape[0] < groups) {
    throw new ProblemError('shape-error', `Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${weightSize} instead`);
  }
  if (weight.shape[0] % groups !== 0) {
    throw new ProblemError('shape-error', `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${weightSize}] instead`);
  }
  if (x.shape[1] !== weight.shape[1] * groups) {
    throw new ProblemError(
      'shape-error',
      `Given groups=${groups}, weight of size ${weightSize}, expected input[${x.shape.join(', ')}] to have ${weight.shape[1] * groups} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ProblemError(
      'shape-error',
      `Given weight of size ${weightSize}, expected bias to be 1-dimensional with ${weight.shape[0]} elements, but got bias of size [${bias.shape.join(', ')}] instead`,
    );
  }
  const padded = x.shape.slice(2).map((size, i) => size + 2 * padding[i]);
  const kernel = weight.shape.slice(2).map((size, i) => dilation[i] * (size - 1) + 1);
  if (padded.some((size, i) => size < kernel[i])) {
    throw new ProblemError(
      'shape-error',
      `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`,
    );
  }
  if (x.dtype !== weight.dtype) throw dtypeMismatch(x, weight);
  if (bias !== null && bias.dtype !== x.dtype) throw dtypeMismatch(x, bias);
  const geometry: ConvAttrs = {
    stride: dims === 1 ? [1, stride[0]] : [stride[0], stride[1]],
    padding: dims === 1 ? [0, padding[0]] : [padding[0], padding[1]],
    dilation: dims === 1 ? [1, dilation[0]] : [dilation[0], dilation[1]],
    groups,
    spatial: dims,
    hasBias: bias !== null,
  };
  return convolutionOf(x, weight, bias, geometry);
}

/** An int, a tuple of ints or (for padding) 'valid' / 'same', as `op`'s arguments take them. */
export function convArgument(op: string, name: string, value: Value): number | number[] | string {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && name === 'padding') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) return value.map(Number);
  throw new ProblemError('invalid-argument', `${op}(): argument '${name}' must be tuple of ints${name === 'padding' ? ' or str' : ''}`, { pythonType: 'TypeError' });
}
