import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { scalarIn, zip } from '../kernels/elementwise.js';
import { fusedMultiplyAdd } from '../kernels/fma.js';
import { operands, resultDtype, scalarArithmetic, scalarNumber } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

// d(a + b)/da = 1, d(a + b)/db = 1; the engine sums broadcast gradients back.
const Add: Primitive = {
  gradFn: 'AddBackward0',
  saves: 'nothing',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), (x, y) => x + y),
  backward: (g) => [g, g],
};

interface AlphaAttrs {
  /** The factor on `other` (torch.add's alpha; sub passes -alpha). */
  alpha: number;
}

// torch.add(a, b, alpha=k): a + k * b (the multiply-add fused, as in torch's compiled kernel);
// d/da = 1, d/db = k, as PyTorch: g and g * k (for sub, -g * k)
const AddScaled: Primitive<AlphaAttrs> = {
  gradFn: 'AddBackward0',
  saves: 'nothing',
  forward: ([a, b], { alpha }) => {
    const dtype = resultDtype([a, b]);
    const fma = fusedMultiplyAdd(dtype);
    const k = scalarIn(dtype, alpha);
    return zip(a, b, dtype, (x, y) => fma(k, y, x));
  },
  backward: (g, { inputs: [a, b], attrs: { alpha } }) => [a.requiresGrad ? g : null, b.requiresGrad ? (alpha < 0 ? mul(neg(g), -alpha) : mul(g, alpha)) : null],
};

export function add(a: Tensor | Scalar, b: Tensor | Scalar, alpha: Scalar = 1): Tensor {
  const [ta, tb] = operands(a, b);
  const k = scalarNumber(alpha);
  if (k !== 1) return apply(AddScaled, [ta, tb], { alpha: k });
  return apply(Add, [ta, tb], undefined);
}

/** a + k * b where the node is SubBackward0 (torch.sub(a, b, alpha=k) is a - k * b). */
export function addScaledAs(gradFn: string, a: Tensor, b: Tensor, alpha: number): Tensor {
  return apply({ ...AddScaled, gradFn }, [a, b], { alpha });
}

export default defineOp({
  name: 'add',
  summary: 'Elementwise sum with broadcasting (`a + b`).',
  params: [
    { name: 'input', kind: 'tensor|number' },
    { name: 'other', kind: 'tensor|number' },
    { name: 'alpha', kind: 'scalar', default: 1, keywordOnly: true },
  ],
  gradFns: ['AddBackward0'],
  method: true,
  function: true,
  operators: ['+'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }] }, { args: [2.5, { tensor: [4] }] }, { args: [{ tensor: [2, 3] }, { tensor: [3] }], kwargs: { alpha: -1.5 } }],
  call: ({ input, other, alpha }): Value => {
    if (!isTensor(input) && !isTensor(other)) return scalarArithmetic(input as Scalar, other as Scalar, (x, y) => x + y, (x, y) => x + y);
    // Python's reflected operator (`2 + x` is x.__radd__(2)) puts the tensor first.
    if (!isTensor(input)) return add(other as Tensor, input as Scalar);
    return add(input, other as Tensor | Scalar, alpha as Scalar);
  },
});
