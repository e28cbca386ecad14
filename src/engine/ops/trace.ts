import { ProblemError } from '../../errors.js';
import { layoutIndices, putAdd } from '../flat_index.js';
import { allocate } from '../dtype.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { diagonalLayout, rowMajorLayout } from '../strided.js';
import { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { view } from './view.js';

function diagonalOf(shape: readonly number[]): Int32Array {
  const { shape: s, strides, offset } = diagonalLayout(rowMajorLayout(shape), { offset: 0, dim1: 0, dim2: 1 });
  return layoutIndices(s, strides, offset);
}

// d trace(x)/dx = the identity pattern: the gradient on the diagonal
const Trace: Primitive = {
  gradFn: 'TraceBackward0',
  saves: 'nothing',
  forward: ([x]) => {
    const indices = diagonalOf(x.shape);
    const src = x.data;
    let total = 0;
    const out = allocate(x.dtype === 'bool' ? 'int64' : x.dtype, 1);
    for (const k of indices) {
      total += src[k];
      out[0] = total; // each addition rounded to the dtype, in order
      total = out[0];
    }
    return new Tensor(out, []);
  },
  backward: (g, { inputs: [x] }) => {
    const indices = diagonalOf(x.shape);
    return [putAdd(expand(view(g, [1]), [indices.length]), indices, x.shape)];
  },
};

/** torch.trace: the sum of a matrix's diagonal. */
export function trace(x: Tensor): Tensor {
  if (x.ndim !== 2) throw new ProblemError('invalid-argument', `trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  return apply(Trace, [x], undefined);
}

export default defineOp({
  name: 'trace',
  summary: 'The sum of the diagonal of a matrix.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['TraceBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [3, 3] }] }, { args: [{ tensor: [2, 4] }] }],
  call: ({ input }): Value => trace(input as Tensor),
});
