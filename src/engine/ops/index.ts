/**
 * The op table: the only list of ops. The expression parser, the graph
 * schema's op names, GET /v1/ops and the gradient tests all read it.
 */
import type { OpDef, OpModule } from '../op.js';
import abs from './abs.js';
import add from './add.js';
import clamp from './clamp.js';
import cos from './cos.js';
import div from './div.js';
import dot from './dot.js';
import exp from './exp.js';
import expand from './expand.js';
import grad from './grad.js';
import hessian from './hessian.js';
import log from './log.js';
import logSoftmax from './log_softmax.js';
import jacobian from './jacobian.js';
import matmul from './matmul.js';
import max from './max.js';
import mean from './mean.js';
import min from './min.js';
import mm from './mm.js';
import mseLoss from './mse_loss.js';
import mul from './mul.js';
import mv from './mv.js';
import neg from './neg.js';
import pow from './pow.js';
import reciprocal from './reciprocal.js';
import relu from './relu.js';
import reshape from './reshape.js';
import sigmoid from './sigmoid.js';
import sin from './sin.js';
import softmax from './softmax.js';
import sqrt from './sqrt.js';
import squeeze from './squeeze.js';
import sub from './sub.js';
import sum from './sum.js';
import t from './t.js';
import tan from './tan.js';
import tanh from './tanh.js';
import transpose from './transpose.js';
import unsqueeze from './unsqueeze.js';
import view from './view.js';
import contiguous from './contiguous.js';
import zero_ from './zero_.js';
import fill_ from './fill_.js';
import add_ from './add_.js';
import sub_ from './sub_.js';
import mul_ from './mul_.js';
import div_ from './div_.js';
import copy_ from './copy_.js';
import clamp_ from './clamp_.js';
import gt from './gt.js';
import ge from './ge.js';
import lt from './lt.js';
import le from './le.js';
import eq from './eq.js';
import ne from './ne.js';
import where from './where.js';
import maskedFill from './masked_fill.js';
import maskedSelect from './masked_select.js';
import argmax from './argmax.js';
import argmin from './argmin.js';
import sort from './sort.js';
import argsort from './argsort.js';
import topk from './topk.js';
import median from './median.js';
import all from './all.js';
import any from './any.js';
import countNonzero from './count_nonzero.js';
import select from './select.js';
import narrow from './narrow.js';
import permute from './permute.js';
import movedim from './movedim.js';
import moveaxis from './moveaxis.js';
import flatten from './flatten.js';
import unflatten from './unflatten.js';
import viewAs from './view_as.js';
import expandAs from './expand_as.js';
import repeat from './repeat.js';
import tile from './tile.js';
import cat from './cat.js';
import concat from './concat.js';
import concatenate from './concatenate.js';
import stack from './stack.js';
import hstack from './hstack.js';
import vstack from './vstack.js';
import split from './split.js';
import chunk from './chunk.js';
import unbind from './unbind.js';
import flip from './flip.js';
import fliplr from './fliplr.js';
import flipud from './flipud.js';
import roll from './roll.js';
import tril from './tril.js';
import triu from './triu.js';
import diag from './diag.js';
import diagonal from './diagonal.js';
import trace from './trace.js';
import gather from './gather.js';
import indexSelect from './index_select.js';
import takeAlongDim from './take_along_dim.js';
import scatter from './scatter.js';
import repeatInterleave from './repeat_interleave.js';
import getitem from './getitem.js';
import setitem from './setitem.js';
import bmm from './bmm.js';
import addmm from './addmm.js';
import exp2 from './exp2.js';
import expm1 from './expm1.js';
import log2 from './log2.js';
import log10 from './log10.js';
import log1p from './log1p.js';
import rsqrt from './rsqrt.js';
import square from './square.js';
import asin from './asin.js';
import acos from './acos.js';
import atan from './atan.js';
import sinh from './sinh.js';
import cosh from './cosh.js';
import asinh from './asinh.js';
import acosh from './acosh.js';
import atanh from './atanh.js';
import erf from './erf.js';
import erfc from './erfc.js';
import erfinv from './erfinv.js';
import sign from './sign.js';
import floor from './floor.js';
import ceil from './ceil.js';
import round from './round.js';
import trunc from './trunc.js';
import frac from './frac.js';
import logit from './logit.js';
import expit from './expit.js';
import relu6 from './relu6.js';
import hardtanh from './hardtanh.js';
import leakyRelu from './leaky_relu.js';
import elu from './elu.js';
import selu from './selu.js';
import celu from './celu.js';
import gelu from './gelu.js';
import silu from './silu.js';
import mish from './mish.js';
import softplus from './softplus.js';
import softsign from './softsign.js';
import hardsigmoid from './hardsigmoid.js';
import hardswish from './hardswish.js';
import logsigmoid from './logsigmoid.js';
import tanhshrink from './tanhshrink.js';
import softshrink from './softshrink.js';
import hardshrink from './hardshrink.js';
import threshold from './threshold.js';
import softmin from './softmin.js';
import prelu from './prelu.js';
import glu from './glu.js';
import normalize from './normalize.js';
import atan2 from './atan2.js';
import maximum from './maximum.js';
import minimum from './minimum.js';
import fmod from './fmod.js';
import remainder from './remainder.js';
import hypot from './hypot.js';
import lerp from './lerp.js';
import addcmul from './addcmul.js';
import addcdiv from './addcdiv.js';
import trueDivide from './true_divide.js';
import floorDivide from './floor_divide.js';
import clip from './clip.js';
import clampMin from './clamp_min.js';
import clampMax from './clamp_max.js';
import prod from './prod.js';
import amax from './amax.js';
import amin from './amin.js';
import variance from './var.js';
import std from './std.js';
import norm from './norm.js';
import logsumexp from './logsumexp.js';
import cumsum from './cumsum.js';
import cumprod from './cumprod.js';
import l1Loss from './l1_loss.js';
import smoothL1Loss from './smooth_l1_loss.js';
import huberLoss from './huber_loss.js';
import binaryCrossEntropy from './binary_cross_entropy.js';
import binaryCrossEntropyWithLogits from './binary_cross_entropy_with_logits.js';
import crossEntropy from './cross_entropy.js';
import nllLoss from './nll_loss.js';
import klDiv from './kl_div.js';
import cosineSimilarity from './cosine_similarity.js';
import pairwiseDistance from './pairwise_distance.js';
import det from './det.js';
import inverse from './inverse.js';
import linalgInv from './linalg_inv.js';
import linalgSolve from './linalg_solve.js';
import cross from './cross.js';
import linalgCross from './linalg_cross.js';
import linalgVectorNorm from './linalg_vector_norm.js';
import pad from './pad.js';
import conv1d from './conv1d.js';
import conv2d from './conv2d.js';
import maxPool2d from './max_pool2d.js';
import avgPool2d from './avg_pool2d.js';
import layerNorm from './layer_norm.js';
import batchNorm from './batch_norm.js';
import torchTensor from './torch_tensor.js';
import zeros from './zeros.js';
import ones from './ones.js';
import full from './full.js';
import zerosLike from './zeros_like.js';
import onesLike from './ones_like.js';
import fullLike from './full_like.js';
import eye from './eye.js';
import arange from './arange.js';
import linspace from './linspace.js';
import clone from './clone.js';
import detach from './detach.js';
import to from './to.js';
import float from './float.js';
import double from './double.js';
import long from './long.js';
import bool from './bool.js';
import typeAs from './type_as.js';
import linalgMatrixNorm from './linalg_matrix_norm.js';
import linalgNorm from './linalg_norm.js';
import linear from './linear.js';
import dropout from './dropout.js';
import embedding from './embedding.js';
import oneHot from './one_hot.js';
import outer from './outer.js';
import ger from './ger.js';
import kron from './kron.js';
import einsum from './einsum.js';
import tensordot from './tensordot.js';
import int from './int.js';

export const OPS: readonly OpDef[] = [
  add, sub, mul, div, neg, pow, reciprocal,
  exp, log, sin, cos, tan, tanh, sigmoid, relu, abs, sqrt, clamp,
  exp2, expm1, log2, log10, log1p, rsqrt, square, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, erf, erfc, erfinv, sign, floor, ceil, round, trunc, frac, logit, expit,
  relu6, hardtanh, leakyRelu, elu, selu, celu, gelu, silu, mish, softplus, softsign, hardsigmoid, hardswish, logsigmoid, tanhshrink, softshrink, hardshrink, threshold, softmin, prelu, glu, normalize,
  atan2, maximum, minimum, fmod, remainder, hypot, lerp, addcmul, addcdiv, trueDivide, floorDivide, clip, clampMin, clampMax,
  prod, amax, amin, variance, std, norm, logsumexp, cumsum, cumprod,
  l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, nllLoss, klDiv, cosineSimilarity, pairwiseDistance,
  sum, mean, max, min, softmax, logSoftmax, mseLoss,
  matmul, mm, mv, dot,
  view, reshape, expand, t, transpose, squeeze, unsqueeze, contiguous,
  zero_, fill_, add_, sub_, mul_, div_, copy_, clamp_,
  gt, ge, lt, le, eq, ne, where, maskedFill, maskedSelect, // comparisons and selection
  argmax, argmin, sort, argsort, topk, median, all, any, countNonzero, // reductions with indices or bool results
  select, narrow, permute, movedim, moveaxis, flatten, unflatten, viewAs, expandAs, repeat, tile, cat, concat, concatenate, stack, hstack, vstack,
  split, chunk, unbind, flip, fliplr, flipud, roll, tril, triu, diag, diagonal, trace, gather, indexSelect, takeAlongDim, scatter, repeatInterleave,
  getitem, setitem,
  grad, jacobian, hessian,
  bmm, addmm, det, inverse, linalgInv, linalgSolve, cross, linalgCross, linalgVectorNorm, linalgMatrixNorm, linalgNorm, outer, ger, kron, einsum, tensordot, // linalg ops
  pad, conv1d, conv2d, maxPool2d, avgPool2d, layerNorm, batchNorm, linear, dropout, embedding, oneHot, // nn ops
  torchTensor, zeros, ones, full, zerosLike, onesLike, fullLike, eye, arange, linspace, clone, detach, to, float, double, long, int, bool, typeAs, // creation ops
];

export const OPS_BY_NAME: ReadonlyMap<string, OpDef> = new Map(OPS.map((op) => [op.name, op]));

export const OP_NAMES: readonly string[] = OPS.map((op) => op.name);

/** The modules an op is spelled in: its declared `modules`, else what `function` and `method` imply. */
export function modulesOf(op: OpDef): readonly OpModule[] {
  if (op.modules) return op.modules;
  return [...(op.function ? (['torch', 'torch.nn.functional'] as const) : []), ...(op.method ? (['method'] as const) : [])];
}

const BY_SPELLING: ReadonlyMap<string, OpDef> = new Map(OPS.flatMap((op) => modulesOf(op).map((module) => [`${module} ${op.pythonName ?? op.name}`, op] as const)));

/** The op Python code reaches as `module.name` (module 'method': the tensor method `x.name`), if any. */
export function opSpelled(module: OpModule, name: string): OpDef | undefined {
  return BY_SPELLING.get(`${module} ${name}`);
}
