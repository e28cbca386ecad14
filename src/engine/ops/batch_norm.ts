import { ProblemError } from '../../errors.js';
import { allocate, rounder } from '../dtype.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { formatSize, Tensor } from '../tensor.js';
import { add } from './add.js';
import { ABSENT, normalized, normalizedBackward } from './layer_norm.js';
import { mul } from './mul.js';
import { sum } from './sum.js';
import { view } from './view.js';

interface BatchNormAttrs {
  training: boolean;
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
  /** The statistics the output was normalized with (per channel, double): batch or running ones. */
  mean: Float64Array;
  invstd: Float64Array;
}

/** Per channel (dim 1) of x: how many elements, and where channel c's elements sit. */
function channels(x: Tensor): { count: number; inner: number; channel: (i: number) => number } {
  const C = x.shape[1];
  const inner = x.shape.slice(2).reduce((n, d) => n * d, 1);
  return { count: x.numel / C, inner, channel: (i) => Math.floor(i / inner) % C };
}

/**
 * Batch statistics per channel in double, as torch's CPU kernel accumulates
 * them (acc_type of float is double): the mean, and the sum of squared deviations.
 */
function batchStatistics(x: Tensor): { mean: Float64Array; squares: Float64Array } {
  const C = x.shape[1];
  const { count, channel } = channels(x);
  const src = x.data;
  const mean = new Float64Array(C);
  const squares = new Float64Array(C);
  for (let i = 0; i < src.length; i++) mean[channel(i)] += src[i];
  for (let c = 0; c < C; c++) mean[c] /= count;
  for (let i = 0; i < src.length; i++) squares[channel(i)] += (src[i] - mean[channel(i)]) ** 2;
  return { mean, squares };
}

/** y = x·α + β per channel, α = invstd·γ and β = b - mean·α in the dtype, as torch's transform. */
function batchNormData(x: Tensor, mean: Float64Array, invstd: Float64Array, weight: Tensor | null, bias: Tensor | null): Tensor {
  const round = rounder(x.dtype);
  const C = x.shape[1];
  const alpha = new Float64Array(C);
  const beta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    alpha[c] = round(invstd[c] * (weight ? weight.data[c] : 1));
    beta[c] = round((bias ? bias.data[c] : 0) - mean[c] * alpha[c]);
  }
  const { channel } = channels(x);
  const src = x.data;
  const out = allocate(x.dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = round(src[i] * alpha[channel(i)] + beta[channel(i)]);
  return new Tensor(out, x.shape.slice());
}

/** A per-channel vector shaped to broadcast against x ([C] as [1, C, 1, ...]). */
function perChannel(t: Tensor, x: Tensor): Tensor {
  return view(t, x.shape.map((d, i) => (i === 1 ? d : 1)));
}

/** The dims every channel's statistics run over: all but dim 1. */
function statisticDims(x: Tensor): number[] {
  return x.shape.map((_, i) => i).filter((i) => i !== 1);
}

// Training: x̂ normalizes each channel over the batch and positions, so dx = γ rstd (g - mean(g) - x̂ mean(g x̂)) as
// layer norm's; evaluation: the running statistics are constants, dx = g γ invstd. dγ = Σ g x̂, dβ = Σ g.
const NativeBatchNorm: Primitive<BatchNormAttrs> = {
  gradFn: 'NativeBatchNormBackward0',
  forward: ([x, w, b], { hasWeight, hasBias, mean, invstd }) => batchNormData(x, mean, invstd, hasWeight ? w : null, hasBias ? b : null),
  backward: (g, { inputs: [x, w, b], attrs: { training, eps, hasWeight, hasBias, mean, invstd } }) => {
    const dims = statisticDims(x);
    const weighted = hasWeight ? mul(g, perChannel(w, x)) : g;
    let xhat: Tensor;
    let dx: Tensor | null = null;
    if (training) {
      const stats = normalized(x, dims, eps);
      xhat = stats.xhat;
      if (x.requiresGrad) dx = normalizedBackward(weighted, xhat, stats.rstd, dims);
    } else {
      const constant = (values: Float64Array) => perChannel(new Tensor(allocate(x.dtype, values.length).map((_, c) => values[c]), [values.length]), x);
      const scale = constant(invstd);
      xhat = mul(add(x, constant(mean.map((m) => -m))), scale);
      if (x.requiresGrad) dx = mul(weighted, scale);
    }
    return [dx, hasWeight && w.requiresGrad ? sum(mul(g, xhat), dims) : null, hasBias && b.requiresGrad ? sum(g, dims) : null];
  },
};

/** torch's check that a running statistic or an affine parameter has one value per channel. */
function checkChannels(name: string, t: Tensor | null, C: number): void {
  if (t !== null && t.numel !== C) throw new ProblemError('shape-error', `${name} should contain ${C} elements not ${t.numel}`);
}

export interface BatchNormOptions {
  weight: Tensor | null;
  bias: Tensor | null;
  training: boolean;
  momentum: number;
  eps: number;
}

/**
 * F.batch_norm(input, running_mean, running_var, weight, bias, training,
 * momentum, eps): in training the batch's statistics normalize and the running
 * ones (when given) move toward them in place (the variance unbiased); in
 * evaluation the running ones normalize.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, o: BatchNormOptions): Tensor {
  if (o.training) {
    const perChannelCount = x.ndim < 2 ? 1 : x.numel / x.shape[1];
    if (perChannelCount === 1) {
      throw new ProblemError('invalid-argument', `Expected more than 1 value per channel when training, got input size ${formatSize(x.shape)}`, { pythonType: 'ValueError' });
    }
  }
  for (const [name, t] of [['running_mean', runningMean], ['running_var', runningVar]] as const) {
    if (t !== null && t.requiresGrad) {
      throw new ProblemError(
        'autograd-error',
        `The function 'native_batch_norm' is not differentiable with respect to argument '${name}'. This input cannot have requires_grad True.`,
      );
    }
  }
  const C = x.ndim < 2 ? 0 : x.shape[1];
  if (!o.training && runningMean === null) throw new ProblemError('invalid-argument', 'running_mean must be defined in evaluation mode');
  if (!o.training && runningVar === null) throw new ProblemError('invalid-argument', 'running_var must be defined in evaluation mode');
  checkChannels('running_mean', runningMean, C);
  checkChannels('running_var', runningVar, C);
  checkChannels('weight', o.weight, C);
  checkChannels('bias', o.bias, C);
  let mean: Float64Array;
  let invstd: Float64Array;
  if (o.training) {
    const stats = batchStatistics(x);
    const count = x.numel / C;
    mean = stats.mean;
    invstd = stats.squares.map((s) => 1 / Math.sqrt(s / count + o.eps));
    updateRunning(runningMean, mean, o.momentum);
    updateRunning(runningVar, stats.squares.map((s) => s / (count - 1)), o.momentum);
  } else {
    mean = Float64Array.from((runningMean as Tensor).data);
    invstd = Float64Array.from((runningVar as Tensor).data, (v) => 1 / Math.sqrt(v + o.eps));
  }
  return apply(NativeBatchNorm, [x, o.weight ?? ABSENT, o.bias ?? ABSENT], {
    training: o.training,
    eps: o.eps,
    hasWeight: o.weight !== null,
    hasBias: o.bias !== null,
    mean,
    invstd,
  });
}

/** running = (1 - momentum) running + momentum batch, written in place (its version moves, as torch's). */
function updateRunning(running: Tensor | null, batch: Float64Array, momentum: number): void {
  if (running === null) return;
  const round = rounder(running.dtype);
  const current = running.data;
  running.write(Array.from(current, (v, c) => round((1 - momentum) * v + momentum * batch[c])));
}

export default defineOp({
  name: 'batch_norm',
  summary: 'torch.nn.functional.batch_norm: normalizes each channel (dim 1) by the batch statistics (training, updating running ones in place) or the running ones.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'running_mean', kind: 'tensor?' },
    { name: 'running_var', kind: 'tensor?' },
    { name: 'weight', kind: 'tensor?', default: null },
    { name: 'bias', kind: 'tensor?', default: null },
    { name: 'training', kind: 'bool', default: false },
    { name: 'momentum', kind: 'number', default: 0.1 },
    { name: 'eps', kind: 'number', default: 1e-5 },
  ],
  gradFns: ['NativeBatchNormBackward0'],
  method: false,
  function: false,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [4, 3] }, null, null], kwargs: { training: true } },
    { args: [{ tensor: [2, 2, 3] }, null, null, { tensor: [2] }, { tensor: [2] }, true] },
  ],
  call: ({ input, running_mean, running_var, weight, bias, training, momentum, eps }): Value =>
    batchNorm(input as Tensor, running_mean as Tensor | null, running_var as Tensor | null, {
      weight: weight as Tensor | null,
      bias: bias as Tensor | null,
      training: training as boolean,
      momentum: momentum as number,
      eps: eps as number,
    }),
});
