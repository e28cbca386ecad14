import { ProblemError } from '../../errors.js';
import { broadcastShapes } from '../broadcast.js';
import { allocate, scalarTypeName } from '../dtype.js';
import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { resultTypeOf, scalarDtype, scalarNumber } from '../promote.js';
import { expandedView } from '../strided.js';
import { sameShape, Tensor, wrapNumber } from '../tensor.js';

interface WhereAttrs {
  condition: Tensor;
}

/** The values of `t` broadcast to `shape`, row-major. */
export function valuesIn(t: Tensor, shape: readonly number[]): ArrayLike<number> {
  return sameShape(t.shape, shape) ? t.data : expandedView(t, shape).data;
}

// d where(c, x, y)/dx = 1 where c, else 0; d/dy the other way round (the engine sums broadcast dims)
const Where: Primitive<WhereAttrs> = {
  gradFn: 'WhereBackward0',
  saves: 'nothing',
  forward: ([x, y], { condition }) => {
    const shape = broadcastShapes(broadcastShapes(condition.shape, x.shape), y.shape);
    const dtype = resultTypeOf([x, y]);
    const [c, a, b] = [valuesIn(condition, shape), valuesIn(x, shape), valuesIn(y, shape)];
    const out = allocate(dtype, c.length);
    for (let i = 0; i < c.length; i++) out[i] = c[i] !== 0 ? a[i] : b[i];
    return new Tensor(out, shape);
  },
  backward: (g, { inputs: [x, y], attrs: { condition } }) => [
    x.requiresGrad ? where(condition, g, 0) : null,
    y.requiresGrad ? where(condition, 0, g) : null,
  ],
};

/** torch.where(condition, input, other): input where condition holds, else other, broadcast together. */
export function where(condition: Tensor, input: Tensor | Scalar, other: Tensor | Scalar): Tensor {
  if (condition.dtype !== 'bool') {
    throw new ProblemError('invalid-argument', `where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(condition.dtype)}`);
  }
  const dtype = resultTypeOf([input, other]);
  const wrap = (v: Tensor | Scalar) => (isTensor(v) ? v : wrapNumber(scalarNumber(v), isTensor(input) || isTensor(other) ? dtype : scalarDtype(v)));
  return apply(Where, [wrap(input), wrap(other)], { condition });
}

export default defineOp({
  name: 'where',
  summary: '`input` where `condition` is True, else `other` (tensors or numbers), broadcast together.',
  params: [
    { name: 'condition', kind: 'tensor' },
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
  ],
  gradFns: ['WhereBackward0'],
  method: false,
  function: true,
  modules: ['torch'],
  examples: [
    { args: [{ tensor: [2, 3], dtype: 'bool' }, { tensor: [2, 3] }, { tensor: [3] }] },
    { args: [{ tensor: [4], dtype: 'bool' }, { tensor: [4] }, 0.5] },
  ],
  call: ({ condition, input, other }): Value => where(condition as Tensor, input as Tensor | Scalar, other as Tensor | Scalar),
});
