import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, isTensor, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { permuteDims } from './einsum.js';
import { mm } from './mm.js';
import { reshapeAlias } from './reshape_alias.js';
import { sum } from './sum.js';

/**
 * torch.tensordot(a, b, dims) with the dims already as two lists, as torch
 * 1.13 computes it: contracted dims of size 1 on one side are summed first;
 * a is permuted to (free, contracted) and b to (contracted, free), both
 * reshaped to matrices, multiplied by mm and reshaped to the free dims.
 */
export function tensordot(a: Tensor, b: Tensor, dimsA: readonly number[], dimsB: readonly number[]): Tensor {
  if (dimsA.length !== dimsB.length) throw new ProblemError('invalid-argument', 'both dimension lists should have same length');
  if (a.dtype !== b.dtype) throw new ProblemError('invalid-argument', 'both inputs should have same dtype');
  let contracted = 1;
  let t1 = a;
  let t2 = b;
  dimsA.forEach((da, i) => {
    const s1 = a.shape[normalizeDim(da, a.ndim)];
    const s2 = b.shape[normalizeDim(dimsB[i], b.ndim)];
    if (s2 === 1) t1 = sum(t1, [da], true);
    else if (s1 === 1) t2 = sum(t2, [dimsB[i]], true);
    else {
      if (s1 !== s2) {
        throw new ProblemError(
          'shape-error',
          `contracted dimensions need to match, but first has size ${s1} in dim ${da} and second has size ${s2} in dim ${dimsB[i]}`,
        );
      }
      contracted *= s1;
    }
  });
  const inA = new Set(dimsA.map((d) => normalizeDim(d, a.ndim)));
  const inB = new Set(dimsB.map((d) => normalizeDim(d, b.ndim)));
  const freeA = a.shape.map((_, i) => i).filter((i) => !inA.has(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !inB.has(i));
  const sizeA = freeA.reduce((n, d) => n * t1.shape[d], 1);
  const sizeB = freeB.reduce((n, d) => n * t2.shape[d], 1);
  const left = reshapeAlias(permuteDims(t1, [...freeA, ...dimsA]), [sizeA, contracted]);
  const right = reshapeAlias(permuteDims(t2, [...dimsB, ...freeB]), [contracted, sizeB]);
  return reshapeAlias(mm(left, right), [...freeA.map((d) => t1.shape[d]), ...freeB.map((d) => t2.shape[d])]);
}

/** tensordot's dims argument as two lists: an int n (a's last n dims against b's first n), or a pair of ints or lists. */
function dimLists(a: Tensor, b: Tensor, dims: Value): [number[], number[]] {
  const asInt = (v: Value) => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' && Number.isInteger(v) ? v : null);
  const n = asInt(dims);
  if (n !== null) {
    if (n < 0) throw new ProblemError('invalid-argument', `tensordot expects dims >= 0, but got dims=${n}`);
    if (n > Math.min(a.ndim, b.ndim)) throw new ProblemError('invalid-argument', `tensordot expects dims < ndim_a or ndim_b, but got dims=${n}`);
    return [Array.from({ length: n }, (_, i) => i - n), Array.from({ length: n }, (_, i) => i)];
  }
  if (Array.isArray(dims) && dims.length === 2) {
    const list = (v: Value): number[] => {
      const single = asInt(v);
      if (single !== null) return [single];
      if (Array.isArray(v)) return v.map((d) => asInt(d) ?? Number.NaN);
      if (isTensor(v)) return Array.from(v.data);
      return [Number.NaN];
    };
    const [da, db] = [list(dims[0]), list(dims[1])];
    if (![...da, ...db].some(Number.isNaN)) return [da, db];
  }
  throw new ProblemError('invalid-argument', 'tensordot expects dims to be an int or a pair of lists of ints', { pythonType: 'TypeError' });
}

export default defineOp({
  name: 'tensordot',
  summary: "Contracts a's dims with b's (dims=n: a's last n with b's first n; or a pair of dim lists), as torch: permute, reshape, mm, reshape.",
  params: [
    { name: 'a', kind: 'tensor' },
    { name: 'b', kind: 'tensor' },
    { name: 'dims', kind: 'any', default: 2n },
  ],
  gradFns: ['ReshapeAliasBackward0', 'MmBackward0', 'PermuteBackward0', 'SumBackward1'],
  method: false,
  function: true,
  modules: ['torch'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [3, 2] }], kwargs: { dims: 1 } },
    { args: [{ tensor: [2, 2, 3] }, { tensor: [2, 3] }], kwargs: { dims: 2 } },
    { args: [{ tensor: [2, 3, 2] }, { tensor: [2, 3] }, [2, 0]] },
    { args: [{ tensor: [2, 1, 3] }, { tensor: [3, 4, 2] }, [1, 1]] },
    { args: [{ tensor: [2] }, { tensor: [3] }], kwargs: { dims: 0 } },
  ],
  call: ({ a, b, dims }): Value => {
    const [da, db] = dimLists(a as Tensor, b as Tensor, dims);
    return tensordot(a as Tensor, b as Tensor, da, db);
  },
});
