// tril and triu: one definition, two op files.
import { ProblemError } from '../errors.js';
import { allocate } from './dtype.js';
import { apply, defineOp, type OpDef, type Primitive, type Value } from './op.js';
import { Tensor } from './tensor.js';

interface TriangleAttrs {
  diagonal: number;
}

/** x with the elements outside the triangle (of the last two dims) zeroed. */
function keepTriangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  const rows = x.shape[x.ndim - 2];
  const cols = x.shape[x.ndim - 1];
  const src = x.data;
  const out = allocate(x.dtype, src.length);
  for (let k = 0; k < src.length; k++) {
    const j = k % cols;
    const i = Math.floor(k / cols) % rows;
    const inside = lower ? j - i <= diagonal : j - i >= diagonal;
    if (inside) out[k] = src[k];
  }
  return new Tensor(out, x.shape.slice());
}

export function defineTriangle(lower: boolean): OpDef {
  const name = lower ? 'tril' : 'triu';
  // linear: the gradient keeps the same triangle
  const Triangle: Primitive<TriangleAttrs> = {
    gradFn: lower ? 'TrilBackward0' : 'TriuBackward0',
    saves: 'nothing',
    forward: ([x], { diagonal }) => keepTriangle(x, diagonal, lower),
    backward: (g, { attrs }) => [apply(Triangle, [g], attrs)],
  };
  return defineOp({
    name,
    summary: `The ${lower ? 'lower' : 'upper'} triangle of the last two dims (from diagonal \`diagonal\`), the rest zeroed.`,
    params: [
      { name: 'input', kind: 'tensor' },
      { name: 'diagonal', kind: 'int', default: 0n },
    ],
    gradFns: [Triangle.gradFn],
    method: true,
    function: true,
    modules: ['torch', 'method'],
    examples: [{ args: [{ tensor: [3, 3] }] }, { args: [{ tensor: [2, 3, 4] }, -1] }],
    call: ({ input, diagonal }): Value => {
      const x = input as Tensor;
      if (x.ndim < 2) {
        throw new ProblemError('invalid-argument', `Dimension out of range (expected to be in range of [-1, 0], but got -2)`, { pythonType: 'IndexError' });
      }
      return apply(Triangle, [x], { diagonal: diagonal as number });
    },
  });
}
