import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { operands, resultDtype, scalarArithmetic, scalarNumber } from '../promote.js';
import { Tensor } from '../tensor.js';
import { addScaledAs } from './add.js';
import { neg } from './neg.js';

// d(a - b)/da = 1, d(a - b)/db = -1; the engine sums broadcast gradients back.
const Sub: Primitive = {
  gradFn: 'SubBackward0',
  saves: 'nothing',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), (x, y) => x - y),
  backward: (g, { inputs: [a, b] }) => [a.requiresGrad ? g : null, b.requiresGrad ? neg(g) : null],
};

interface RsubAttrs {
  /** The Python number on the left of `number - tensor`: an attribute, not an input. */
  minuend: number;
}

// d(c - x)/dx = -1
const Rsub: Primitive<RsubAttrs> = {
  gradFn: 'RsubBackward1',
  saves: 'nothing',
  forward: ([x], { minuend }) => {
    const c = scalarIn(x.dtype, minuend);
    return map(x, (v) => c - v);
  },
  backward: (g) => [neg(g)],
};

/** `a - b`; `number - tensor` runs PyTorch's rsub, whose node has the tensor as its only input. */
export function sub(a: Tensor | Scalar, b: Tensor | Scalar, alpha: Scalar = 1): Tensor {
  if (!(a instanceof Tensor) && b instanceof Tensor) return apply(Rsub, [b], { minuend: scalarNumber(a) });
  const [ta, tb] = operands(a, b);
  // torch.sub(a, b, alpha=k) is add(a, b, -k) under the name SubBackward0
  const k = scalarNumber(alpha);
  if (k !== 1) return addScaledAs('SubBackward0', ta, tb, -k);
  return apply(Sub, [ta, tb], undefined);
}

export default defineOp({
  name: 'sub',
  summary: 'Elementwise difference with broadcasting (`a - b`).',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
    { name: 'alpha', kind: 'scalar', default: 1, keywordOnly: true },
  ],
  gradFns: ['SubBackward0', 'RsubBackward1'],
  method: true,
  function: true,
  operators: ['-'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [3] }] },
    { args: [{ tensor: [3] }, 1.5] },
    { args: [2.5, { tensor: [4] }] },
    { args: [{ tensor: [] }, { tensor: [2] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }], kwargs: { alpha: 0.5 } },
  ],
  call: ({ input, other, alpha }): Value => {
    if (!isTensor(input) && !isTensor(other)) return scalarArithmetic(input as Scalar, other as Scalar, (x, y) => x - y, (x, y) => x - y);
    return sub(input as Tensor | Scalar, other as Tensor | Scalar, alpha as Scalar);
  },
});
