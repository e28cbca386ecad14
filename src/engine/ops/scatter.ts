import { ProblemError } from '../../errors.js';
import { rounder } from '../dtype.js';
import { take, zeroAt } from '../flat_index.js';
import { normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { scalarNumber } from '../promote.js';
import { Tensor } from '../tensor.js';
import { gatherIndices } from './gather.js';

interface ScatterAttrs {
  /** Flat indices into the input written by each index element (its positions in `index`'s shape). */
  targets: Int32Array;
  indexShape: readonly number[];
}

/** The flat indices scatter writes: like gather's, with src read at the index positions. */
function scatterTargets(x: Tensor, dim: number, index: Tensor): Int32Array {
  return gatherIndices(x, dim, index, 'scatter');
}

// d/dinput = 1 except where overwritten; d/dsrc = the gradient gathered at the written positions
const ScatterSrc: Primitive<ScatterAttrs> = {
  gradFn: 'ScatterBackward0',
  saves: 'nothing',
  forward: ([x, src], { targets, indexShape }) => {
    const out = x.data.slice();
    const s = src.data;
    const srcStrides = rowMajor(src.shape);
    const iStrides = rowMajor(indexShape);
    for (let k = 0; k < targets.length; k++) {
      // src is read at the same multi-index as index (src may be larger)
      let at = 0;
      for (let d = 0; d < indexShape.length; d++) at += (Math.floor(k / iStrides[d]) % indexShape[d]) * srcStrides[d];
      out[targets[k]] = s[at];
    }
    return new Tensor(out, x.shape.slice());
  },
  backward: (g, { inputs: [x, src], attrs: { targets, indexShape } }) => [
    x.requiresGrad ? zeroAt(g, targets) : null,
    src.requiresGrad ? take(g, targets, indexShape, 'GatherBackward0') : null,
  ],
};

function rowMajor(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

// a number written at the index positions: d/dinput = 1 elsewhere
const ScatterValue: Primitive<ScatterAttrs & { value: number }> = {
  gradFn: 'ScatterBackward1',
  saves: 'nothing',
  forward: ([x], { targets, value }) => {
    const out = x.data.slice();
    const v = rounder(x.dtype)(value);
    for (const k of targets) out[k] = v;
    return new Tensor(out, x.shape.slice());
  },
  backward: (g, { attrs: { targets } }) => [zeroAt(g, targets)],
};

/** torch.scatter(x, dim, index, src | value): x with src's elements (or a number) written at index along dim. */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | Scalar): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const targets = scatterTargets(x, d, index);
  if (isTensor(src)) {
    if (src.dtype !== x.dtype) throw new ProblemError('invalid-argument', 'scatter(): Expected self.dtype to be equal to src.dtype');
    for (let k = 0; k < index.ndim; k++) {
      if (index.shape[k] > src.shape[k]) {
        throw new ProblemError('invalid-argument', `Expected index [${index.shape.join(', ')}] to be smaller than self [${x.shape.join(', ')}] apart from dimension ${d} and to be smaller size than src [${src.shape.join(', ')}]`);
      }
    }
    return apply(ScatterSrc, [x, src], { targets, indexShape: index.shape });
  }
  return apply(ScatterValue, [x], { targets, indexShape: index.shape, value: scalarNumber(src) });
}

export default defineOp({
  name: 'scatter',
  summary: '`input` with the elements of `src` (or the number `value`) written at `index` along `dim`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'index', kind: 'tensor' },
    { name: 'src', kind: 'tensor|number' },
  ],
  gradFns: ['ScatterBackward0', 'ScatterBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [4] }, 0, { tensor: [2], dtype: 'int64', values: [2, 0] }, { tensor: [2] }] },
    { args: [{ tensor: [2, 3] }, 1, { tensor: [2, 1], dtype: 'int64', values: [0, 2] }, 0.5] },
  ],
  call: ({ input, dim, index, src }): Value => scatter(input as Tensor, dim as number, index as Tensor, src as Tensor | Scalar),
});
