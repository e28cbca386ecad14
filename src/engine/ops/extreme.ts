import { ProblemError } from '../../errors.js';
import { apply, defineOp, isTensor, type NamedTuple, type OpDef, type Primitive, pythonTypeName, type Value, valuesAndIndices } from '../op.js';
import { extremeAll, extremeAlongDim, type Prefer, tiesMask } from '../kernels/extreme.js';
import { normalizeDim } from '../kernels/reduce.js';
import { kinkWhere } from '../kinks.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { expandReduced } from './sum.js';

interface DimAttrs {
  dim: number;
  keepdim: boolean;
}

/** max and min are one op mirrored: they differ only in which element they prefer. */
export interface ExtremeSpec {
  name: 'max' | 'min';
  /** `Maximum` / `Minimum`, for the catalogue. */
  noun: string;
  prefer: Prefer;
  /** grad_fn over all elements (MaxBackward1) and along a dim (MaxBackward0). */
  allGradFn: string;
  dimGradFn: string;
  /** `torch.max(a, b)` of two tensors is the elementwise maximum. */
  binary: (a: Tensor, b: Tensor) => Tensor;
}

export function defineExtreme(spec: ExtremeSpec): {
  reduce: (x: Tensor, dim?: number | null, keepdim?: boolean) => Tensor;
  withIndices: (x: Tensor, dim: number, keepdim?: boolean) => NamedTuple;
  op: OpDef;
} {
  // d ext(x)/dx_i = 1/k for each of the k elements equal to the extreme, 0 elsewhere
  // (PyTorch's evenly_distribute_backward: ties share the gradient; NaN inputs tie with a NaN result)
  const overAll: Primitive = {
    gradFn: spec.allGradFn,
    forward: ([x]) => extremeAll(x, spec.prefer),
    backward: (g, { inputs: [x], output }) => {
      const { mask, ties } = tiesMask(x, output.item());
      return [mul(mask, div(g, ties))];
    },
    kinks: ({ inputs: [x], output }) => {
      const { ties } = tiesMask(x, output.item());
      if (ties < 2) return [];
      return kinkWhere(x, (v) => v === output.item(), `${spec.name} ties`, `the ${ties} tied elements share the gradient evenly (1/${ties} each)`);
    },
  };

  // d ext(x, dim)/dx = 1 at the index ext(dim) returns (the first extreme along dim), 0 elsewhere
  const alongDim: Primitive<DimAttrs> = {
    gradFn: spec.dimGradFn,
    forward: ([x], { dim, keepdim }) => extremeAlongDim(x, dim, keepdim, spec.prefer).values,
    backward: (g, { inputs: [x], attrs: { dim, keepdim } }) => {
      const { selected } = extremeAlongDim(x, dim, keepdim, spec.prefer);
      return [mul(selected, expandReduced(g, x.shape, x.ndim === 0 ? [] : [dim], keepdim))];
    },
  };

  const reduce = (x: Tensor, dim: number | null = null, keepdim = false): Tensor => {
    if (dim === null) {
      if (x.numel === 0) {
        throw new ProblemError(
          'invalid-argument',
          `${spec.name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
        );
      }
      return apply(overAll, [x], undefined);
    }
    const d = normalizeDim(dim, x.ndim);
    if (x.ndim > 0 && x.shape[d] === 0) {
      throw new ProblemError('invalid-argument', `${spec.name}(): Expected reduction dim ${d} to have non-zero size.`);
    }
    return apply(alongDim, [x], { dim: d, keepdim });
  };

  /** `x.max(dim)`: torch.return_types.max(values, indices), the first extreme's index along dim (int64, no gradient). */
  const withIndices = (x: Tensor, dim: number, keepdim = false): NamedTuple => {
    const values = reduce(x, dim, keepdim);
    const { indices } = extremeAlongDim(x, normalizeDim(dim, x.ndim), keepdim, spec.prefer);
    return valuesAndIndices(spec.name, values, indices);
  };

  const op = defineOp({
    name: spec.name,
    summary: `${spec.noun} of all elements, or the ${spec.noun.toLowerCase()} values along \`dim\` (keeping it with \`keepdim=True\`).`,
    params: [
      { name: 'input', kind: 'tensor' },
      // an int, or (torch.max(a, b)) the other tensor
      { name: 'dim', kind: 'tensor|number?', default: null },
      { name: 'keepdim', kind: 'bool', default: false },
    ],
    gradFns: [spec.allGradFn, spec.dimGradFn, spec.name === 'max' ? 'MaximumBackward0' : 'MinimumBackward0'],
    method: true,
    function: true,
    examples: [
      { args: [{ tensor: [2, 3] }] },
      { args: [{ tensor: [2, 3] }, 1] },
      { args: [{ tensor: [3, 4] }], kwargs: { dim: 0, keepdim: true } },
      { args: [{ tensor: [] }] },
    ],
    call: ({ input, dim, keepdim }): Value => {
      if (isTensor(dim)) return spec.binary(input as Tensor, dim);
      if (dim === null) return reduce(input as Tensor);
      if (typeof dim !== 'bigint' && !(typeof dim === 'number' && Number.isInteger(dim))) {
        throw new ProblemError('invalid-argument', `${spec.name}(): argument 'dim' (position 2) must be int, not ${pythonTypeName(dim as Value)}`, { pythonType: 'TypeError' });
      }
      return withIndices(input as Tensor, Number(dim), keepdim as boolean);
    },
  });
  return { reduce, withIndices, op };
}
