// all, any and count_nonzero: reductions of "is nonzero".
import { allocate } from './dtype.js';
import { reducedShape } from './kernels/reduce.js';
import { normalizeDims } from './ops/sum.js';
import { Tensor } from './tensor.js';
import { permutedView } from './strided.js';

/**
 * Folds `dims` (all when null) of x's "is nonzero" values: `all`, `any`
 * (bool results) or a count (int64); NaN counts as nonzero.
 */
export function reduceNonzero(x: Tensor, dims: number | readonly number[] | null, keepdim: boolean, kind: 'all' | 'any' | 'count'): Tensor {
  const reduced = dims === null ? x.shape.map((_, i) => i) : normalizeDims(dims, x.ndim);
  // Move the reduced dims last, so each output element folds one contiguous line.
  const kept = x.shape.map((_, i) => i).filter((d) => !reduced.includes(d));
  const arranged = x.ndim === 0 ? x : permutedView(x, [...kept, ...reduced]);
  const lineLength = reduced.reduce((n, d) => n * x.shape[d], 1);
  const values = arranged.data;
  const lines = lineLength === 0 ? kept.reduce((n, d) => n * x.shape[d], 1) : values.length / lineLength;
  const out = allocate(kind === 'count' ? 'int64' : 'bool', lines);
  for (let line = 0; line < lines; line++) {
    let count = 0;
    for (let k = 0; k < lineLength; k++) if (values[line * lineLength + k] !== 0) count++;
    out[line] = kind === 'count' ? count : kind === 'all' ? (count === lineLength ? 1 : 0) : count > 0 ? 1 : 0;
  }
  const shape = dims === null && !keepdim ? [] : reducedShape(x.shape, reduced, keepdim);
  return new Tensor(out, shape);
}
