import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, pythonTypeName, type Value } from '../op.js';
import { varianceAll, varianceDims } from '../kernels/moments.js';
import { reducedShape } from '../kernels/reduce.js';
import type { Tensor } from '../tensor.js';
import { map } from '../kernels/elementwise.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { view } from './view.js';
import { normalizeDims } from './sum.js';

/** A variance or standard deviation reduction as ATen's var/std.correction takes it. */
export interface MomentAttrs {
  /** Reduced dims (sorted, distinct); null: all of them. */
  dims: readonly number[] | null;
  correction: number;
  keepdim: boolean;
}

/** Whether the reduction covers every element (PyTorch's all-elements path then). */
function reducesAll(x: Tensor, dims: readonly number[] | null): boolean {
  return dims === null || x.shape.every((size, d) => dims.includes(d) || size === 1);
}

/** var or std of x, as PyTorch computes them (kernels/moments.ts). */
export function moment(x: Tensor, { dims, correction, keepdim }: MomentAttrs, takeSqrt: boolean): Tensor {
  const all = dims ?? x.shape.map((_, d) => d);
  const shape = keepdim ? reducedShape(x.shape, all, true) : reducedShape(x.shape, all, false);
  if (reducesAll(x, dims)) {
    const total = varianceAll(x, correction, takeSqrt);
    return shape.length === 0 ? total : view(total, shape);
  }
  return varianceDims(x, all, keepdim, correction, takeSqrt);
}

/** The output gradient with the reduced dims put back as size 1 (it then broadcasts against x). */
export function unsqueezeReduced(g: Tensor, x: Tensor, { dims, keepdim }: MomentAttrs): Tensor {
  if (keepdim || x.ndim === 0) return g;
  return view(g, reducedShape(x.shape, dims ?? x.shape.map((_, d) => d), true));
}

/**
 * PyTorch's var_backward: (2 / (n - correction)) * g * (x - x.mean(dims, keepdim=True));
 * with no degrees of freedom left (n <= correction) g * (NaN where x equals the mean, else inf).
 */
export function varBackward(g: Tensor, x: Tensor, attrs: MomentAttrs): Tensor {
  const dims = attrs.dims ?? x.shape.map((_, d) => d);
  const n = dims.reduce((count, d) => count * x.shape[d], 1);
  const centred = sub(x, attrs.dims === null ? mean(x) : mean(x, dims, true));
  const grad = unsqueezeReduced(g, x, attrs);
  const dof = n - attrs.correction;
  if (dof <= 0) return mul(grad, map(centred, (v) => (v === 0 ? NaN : Infinity)));
  return mul(mul(grad, 2 / dof), centred);
}

// d var/dx_i = 2 (x_i - mean) / (n - correction)
const Var: Primitive<MomentAttrs> = {
  gradFn: 'VarBackward0',
  forward: ([x], attrs) => moment(x, attrs, false),
  backward: (g, { inputs: [x], attrs }) => [varBackward(g, x, attrs)],
};

/**
 * The arguments of torch.var/torch.std (and the methods) as the overloads
 * (input, dim, unbiased, keepdim), (input, dim, *, correction, keepdim) and
 * (input, unbiased) bind them: unbiased=True is correction 1, False is 0.
 */
export function momentAttrs(name: string, x: Tensor, args: Record<string, Value>): MomentAttrs {
  let { dim, unbiased } = args;
  const { correction, keepdim } = args;
  if (typeof dim === 'boolean' && unbiased === null) [unbiased, dim] = [dim, null];
  const invalid = () => {
    const got = Object.entries({ dim, unbiased, correction })
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${pythonTypeName(v as Value)}`);
    return new ProblemError('invalid-argument', `${name}() received an invalid combination of arguments - got (${got.join(', ')}${got.length > 0 ? ', ' : ''}), but expected one of:`, {
      pythonType: 'TypeError',
    });
  };
  if (unbiased !== null && correction !== null) throw invalid();
  let dims: readonly number[] | null = null;
  if (dim !== null) {
    const list = Array.isArray(dim) ? dim : [dim];
    if (!list.every((d) => typeof d === 'bigint' || (typeof d === 'number' && Number.isInteger(d)))) throw invalid();
    dims = normalizeDims(list.map(Number), x.ndim);
  }
  const fix = correction !== null ? Number(correction) : unbiased === false ? 0 : 1;
  return { dims, correction: fix, keepdim: keepdim as boolean };
}

/** The parameters torch.var and torch.std share. */
export const MOMENT_PARAMS = [
  { name: 'input', kind: 'tensor' },
  { name: 'dim', kind: 'any', default: null },
  { name: 'unbiased', kind: 'bool?', default: null },
  { name: 'keepdim', kind: 'bool', default: false },
  { name: 'correction', kind: 'int?', default: null, keywordOnly: true },
] as const;

export function variance(x: Tensor, attrs: MomentAttrs): Tensor {
  return apply(Var, [x], attrs);
}

export default defineOp({
  name: 'var',
  summary: 'Variance over all elements or `dim` (an int or a tuple), with `correction` (default 1, unbiased=False is 0).',
  params: MOMENT_PARAMS,
  gradFns: ['VarBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [5] }] },
    { args: [{ tensor: [2, 3] }], kwargs: { dim: 1, unbiased: false } },
    { args: [{ tensor: [2, 3, 2] }, [0, 2]], kwargs: { correction: 0, keepdim: true } },
  ],
  call: (args): Value => variance(args.input as Tensor, momentAttrs('var', args.input as Tensor, args)),
});

