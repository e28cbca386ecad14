import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, zip } from '../kernels/elementwise.js';
import { normalizeDim, reduceDims } from '../kernels/reduce.js';
import type { DType, TorchDType } from '../dtype.js';
import { castTo, type Tensor } from '../tensor.js';
import { toDtype } from './to.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { unsqueezeReduced } from './var.js';

interface ProdAttrs {
  /** The reduced dim; null: every element (ProdBackward0). */
  dim: number | null;
  keepdim: boolean;
  /** The dtype to compute and return in (`dtype=`); null: the input's. */
  dtype?: DType | null;
}

/** Every element's product, or along `dim`, left to right with one rounding per step. */
function product(x: Tensor, { dim, keepdim }: ProdAttrs): Tensor {
  const dims = dim === null ? x.shape.map((_, d) => d) : x.ndim === 0 ? [] : [dim];
  return reduceDims(x, dims, dim === null ? false : keepdim, 1, (acc, v) => acc * v);
}

/**
 * d prod/dx_i = the product of the other elements. Without zeros PyTorch takes
 * it as g * (out / x). With zeros: where a slice holds exactly one zero, that
 * element gets the product of the others and the rest 0; two or more zeros
 * give 0 everywhere. Written so that second derivatives follow: the others'
 * product is a prod of x with its zero replaced by a constant 1.
 */
function prodBackward(g: Tensor, x: Tensor, output: Tensor, attrs: ProdAttrs): Tensor {
  if (x.ndim === 0) return g;
  const moment = { dims: attrs.dim === null ? null : [attrs.dim], keepdim: attrs.keepdim, correction: 0 };
  const grad = unsqueezeReduced(g, x, moment);
  const out = unsqueezeReduced(output, x, moment);
  const isZero = map(x, (v) => (v === 0 ? 1 : 0));
  const zerosPerSlice = reduceDims(isZero, attrs.dim === null ? x.shape.map((_, d) => d) : [attrs.dim], true, 0, (acc, v) => acc + v);
  if (zerosPerSlice.data.every((v) => v === 0)) return mul(grad, div(out, x));
  // x with each zero replaced by a constant 1 (no gradient through it): the product of the others at the zero
  const others = add(mul(x, map(isZero, (v) => 1 - v)), isZero);
  const othersProduct = unsqueezeReduced(apply(attrs.dim === null ? ProdAll : Prod, [others], attrs), x, moment);
  const lonelyZero = zip(isZero, zerosPerSlice, x.dtype, (zero, count) => (zero === 1 && count === 1 ? 1 : 0));
  const noZero = map(zerosPerSlice, (count) => (count === 0 ? 1 : 0));
  return add(mul(mul(grad, div(out, others)), noZero), mul(mul(grad, othersProduct), lonelyZero));
}

const Prod: Primitive<ProdAttrs> = {
  gradFn: 'ProdBackward1',
  forward: ([x], attrs) => product(attrs.dtype ? castTo(x, attrs.dtype) : x, attrs),
  backward: (g, { inputs: [x], output, attrs }) => [prodBackward(toDtype(g, x.dtype), x, toDtype(output, x.dtype), attrs)],
};

const ProdAll: Primitive<ProdAttrs> = { ...Prod, gradFn: 'ProdBackward0' };

/** torch.prod(x) (ProdBackward0) or torch.prod(x, dim, keepdim) (ProdBackward1; one dim only, as in torch); `dtype` converts first. */
export function prod(x: Tensor, dim: number | null = null, keepdim = false, dtype: DType | null = null): Tensor {
  if (dim === null) return apply(ProdAll, [x], { dim: null, keepdim: false, dtype });
  return apply(Prod, [x], { dim: normalizeDim(dim, x.ndim), keepdim, dtype });
}

export default defineOp({
  name: 'prod',
  summary: 'Product of all elements, or along one `dim` (keeping it with `keepdim=True`).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
  ],
  gradFns: ['ProdBackward0', 'ProdBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }] }, { args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [3, 2] }], kwargs: { dim: 0, keepdim: true } }],
  call: ({ input, dim, keepdim, dtype }): Value => prod(input as Tensor, dim as number | null, keepdim as boolean, dtype === null ? null : (dtype as TorchDType).dtype),
});
