import { ProblemError } from '../../errors.js';
import { allocate } from '../dtype.js';
import { sliceView } from '../indexing.js';
import { linesAlong, normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, type OpDef, type Primitive, type Value } from '../op.js';
import { resultDtype } from '../promote.js';
import { Tensor } from '../tensor.js';

interface CatAttrs {
  dim: number;
}

// each input's gradient is its slice of the output gradient along dim
const Cat: Primitive<CatAttrs> = {
  gradFn: 'CatBackward0',
  saves: 'nothing',
  forward: (inputs, { dim }) => concatenate(inputs, dim),
  backward: (g, { inputs, attrs: { dim } }) => {
    let offset = 0;
    return inputs.map((t) => {
      if (skipped(t)) return null;
      const piece = t.requiresGrad ? sliceView(g, dim, offset, t.shape[dim]) : null;
      offset += t.shape[dim];
      return piece;
    });
  },
};

/** torch's legacy rule: a 1-D empty tensor is left out of a cat whatever the other shapes. */
function skipped(t: Tensor): boolean {
  return t.ndim === 1 && t.numel === 0;
}

/** The inputs' values one after another along dim, in the promoted dtype (outside any graph). */
export function concatenate(inputs: readonly Tensor[], dim: number): Tensor {
  const parts = inputs.filter((t) => !skipped(t));
  const dtype = resultDtype(parts);
  if (parts.length === 0) return new Tensor(allocate(dtype, 0), [0]);
  const shape = parts[0].shape.slice();
  shape[dim] = parts.reduce((n, t) => n + t.shape[dim], 0);
  const { outer, inner } = linesAlong(shape, dim);
  const out = allocate(dtype, outer * shape[dim] * inner);
  let offset = 0;
  for (const t of parts) {
    const src = t.data;
    const block = t.shape[dim] * inner;
    for (let o = 0; o < outer; o++) {
      const to = o * shape[dim] * inner + offset * inner;
      for (let k = 0; k < block; k++) out[to + k] = src[o * block + k];
    }
    offset += t.shape[dim];
  }
  return new Tensor(out, shape);
}

/** torch.cat(tensors, dim): the tensors joined along an existing dim, with torch's checks. */
export function cat(tensors: readonly Tensor[], dim = 0, name = 'torch.cat'): Tensor {
  if (tensors.length === 0) throw new ProblemError('invalid-argument', `${name}(): expected a non-empty list of Tensors`);
  const parts = tensors.filter((t) => !skipped(t));
  if (parts.length === 0) return apply(Cat, tensors, { dim: 0 });
  const first = parts[0];
  if (first.ndim === 0) throw new ProblemError('invalid-argument', `zero-dimensional tensor (at position ${tensors.indexOf(first)}) cannot be concatenated`);
  const d = normalizeDim(dim, first.ndim);
  tensors.forEach((t, i) => {
    if (skipped(t)) return;
    if (t.ndim === 0) throw new ProblemError('invalid-argument', `zero-dimensional tensor (at position ${i}) cannot be concatenated`);
    if (t.ndim !== first.ndim) throw new ProblemError('shape-error', `Tensors must have same number of dimensions: got ${first.ndim} and ${t.ndim}`);
    for (let k = 0; k < t.ndim; k++) {
      if (k !== d && t.shape[k] !== first.shape[k]) {
        throw new ProblemError(
          'shape-error',
          `Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[k]} but got size ${t.shape[k]} for tensor number ${i} in the list.`,
        );
      }
    }
  });
  return apply(Cat, tensors, { dim: d });
}

/** torch.cat and its aliases concat and concatenate. */
export function defineCat(name: string): OpDef {
  return defineOp({
    name,
    summary: 'The tensors joined along an existing dim `dim`.',
    params: [
      { name: 'tensors', kind: 'tensors' },
      { name: 'dim', kind: 'int', default: 0n },
    ],
    gradFns: ['CatBackward0'],
    method: false,
    function: true,
    modules: ['torch'],
    examples: [{ args: [[{ tensor: [4] }, { tensor: [3] }]] }, { args: [[{ tensor: [2, 3] }, { tensor: [2, 1] }], 1] }],
    call: ({ tensors, dim }): Value => cat(tensors as Tensor[], dim as number, `torch.${name}`),
  });
}

export default defineCat('cat');
