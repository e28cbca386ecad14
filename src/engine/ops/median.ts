import { ProblemError } from '../../errors.js';
import { take } from '../flat_index.js';
import { tiesMask } from '../kernels/extreme.js';
import { normalizeDim } from '../kernels/reduce.js';
import { indicesTensor, sortedPositions } from '../kernels/sort.js';
import { apply, defineOp, type Primitive, type Value, valuesAndIndices } from '../op.js';
import { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

// d median(x)/dx_i = 1/k on the k elements equal to the median (torch's evenly_distribute_backward)
const MedianAll: Primitive = {
  gradFn: 'MedianBackward0',
  forward: ([x]) => {
    const flat = new Tensor(x.data, [x.numel]);
    const { flat: order } = sortedPositions(flat, 0, false, x.numel);
    const out = x.data.slice(0, 1);
    out[0] = x.data[order[(x.numel - 1) >> 1]];
    // NaN anywhere makes the median NaN
    for (let i = 0; i < x.numel; i++) if (x.data[i] !== x.data[i]) out[0] = NaN;
    return new Tensor(out, []);
  },
  backward: (g, { inputs: [x], output }) => {
    const { mask, ties } = tiesMask(x, output.item());
    return [mul(mask, div(g, ties))];
  },
};

/** The lower median: the element at position (n - 1) / 2 of a stable ascending sort (NaN last). */
function medianAlong(x: Tensor, dim: number, keepdim: boolean) {
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (size === 0) throw new ProblemError('invalid-argument', `median(): Expected reduction dim ${d} to have non-zero size.`, { pythonType: 'IndexError' });
  const { flat, along, shape } = sortedPositions(x, d, false, size);
  const middle = (size - 1) >> 1;
  const lines = flat.length / size;
  const inner = x.ndim === 0 ? 1 : x.shape.slice(d + 1).reduce((n, s) => n * s, 1);
  const picked = new Int32Array(lines);
  const pickedAlong = new Float64Array(lines);
  const src = x.data;
  for (let line = 0; line < lines; line++) {
    const o = Math.floor(line / inner);
    const i = line % inner;
    let at = o * size * inner + middle * inner + i;
    // a NaN in the line is the median (torch propagates it), the first NaN's index
    const last = o * size * inner + (size - 1) * inner + i;
    if (src[flat[last]] !== src[flat[last]]) {
      let first = o * size * inner + i;
      while (src[flat[first]] === src[flat[first]]) first += inner;
      at = first;
    }
    picked[line] = flat[at];
    pickedAlong[line] = along[at];
  }
  const reduced = shape.filter((_, k) => k !== d);
  const outShape = keepdim && x.ndim > 0 ? shape.map((s, k) => (k === d ? 1 : s)) : x.ndim === 0 ? [] : reduced;
  const values = take(x, picked, outShape, 'MedianBackward1');
  return valuesAndIndices('median', values, indicesTensor(pickedAlong, outShape));
}

/** torch.median(x): the lower median of all elements (MedianBackward0); with dim, values and indices (MedianBackward1). */
export function median(x: Tensor, dim: number | null = null, keepdim = false) {
  if (dim === null) {
    if (x.numel === 0) throw new ProblemError('invalid-argument', 'median() input tensor cannot be empty');
    return apply(MedianAll, [x], undefined);
  }
  return medianAlong(x, dim, keepdim);
}

export default defineOp({
  name: 'median',
  summary: 'The lower median of all elements, or along `dim` the medians and their indices (a named tuple).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['MedianBackward0', 'MedianBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }] }, { args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [3, 4] }], kwargs: { dim: 0, keepdim: true } }],
  call: ({ input, dim, keepdim }): Value => median(input as Tensor, dim as number | null, keepdim as boolean),
});
