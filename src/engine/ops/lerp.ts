import { ProblemError } from '../../errors.js';
import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { type DType, rounder } from '../dtype.js';
import { fusedMultiplyAdd } from '../kernels/fma.js';
import { scalarIn, zip } from '../kernels/elementwise.js';
import { zip3 } from '../kernels/ternary.js';
import { resultDtype, scalarNumber } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/**
 * PyTorch's lerp kernel: start + w (end - start) for |w| < 1/2, else
 * end - (end - start)(1 - w), so that w = 1 gives end exactly; the
 * multiply-adds fused (one rounding), the differences rounded.
 */
function lerpOf(dtype: DType): (start: number, end: number, w: number) => number {
  const round = rounder(dtype);
  const fma = fusedMultiplyAdd(dtype);
  return (start, end, w) => {
    const diff = round(end - start);
    return Math.abs(w) < 0.5 ? fma(w, diff, start) : fma(-diff, round(1 - w), end);
  };
}

interface WeightAttrs {
  weight: number;
}

// d lerp/d start = 1 - w, d/d end = w: g * (1 - w) and g * w with the number w
const LerpScalar: Primitive<WeightAttrs> = {
  gradFn: 'LerpBackward0',
  forward: ([start, end], { weight }) => {
    const dtype = resultDtype([start, end]);
    const kernel = lerpOf(dtype);
    const w = scalarIn(dtype, weight);
    return zip(start, end, dtype, (s, e) => kernel(s, e, w));
  },
  backward: (g, { inputs: [start, end], attrs: { weight } }) => [
    start.requiresGrad ? mul(g, 1 - weight) : null,
    end.requiresGrad ? mul(g, weight) : null,
  ],
};

// d lerp/d start = 1 - w, d/d end = w, d/d w = end - start
const LerpTensor: Primitive = {
  gradFn: 'LerpBackward1',
  forward: ([start, end, weight]) => {
    const dtype = resultDtype([start, end, weight]);
    return zip3(start, end, weight, dtype, lerpOf(dtype));
  },
  backward: (g, { inputs: [start, end, weight] }) => [
    start.requiresGrad ? mul(g, sub(1, weight)) : null,
    end.requiresGrad ? mul(g, weight) : null,
    weight.requiresGrad ? mul(g, sub(end, start)) : null,
  ],
};

/** torch.lerp(input, end, weight): input + weight * (end - input), with broadcasting. */
export function lerp(start: Tensor, end: Tensor, weight: Tensor | Scalar): Tensor {
  if (start.dtype !== end.dtype) {
    throw new ProblemError('invalid-argument', `expected dtype ${torchName(start.dtype)} for \`end\` but got dtype ${torchName(end.dtype)}`);
  }
  if (!isTensor(weight)) return apply(LerpScalar, [start, end], { weight: scalarNumber(weight) });
  if (weight.dtype !== start.dtype) {
    throw new ProblemError('invalid-argument', `expected dtype ${torchName(start.dtype)} for \`weight\` but got dtype ${torchName(weight.dtype)}`);
  }
  return apply(LerpTensor, [start, end, weight], undefined);
}

/** A dtype as torch names it in these messages (float, double). */
function torchName(dtype: string): string {
  return dtype === 'float32' ? 'float' : dtype === 'float64' ? 'double' : dtype === 'int64' ? 'long int' : dtype;
}

export default defineOp({
  name: 'lerp',
  summary: 'Elementwise linear interpolation input + weight * (end - input), with broadcasting.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'end', kind: 'tensor' },
    { name: 'weight', kind: 'tensor|number' },
  ],
  gradFns: ['LerpBackward0', 'LerpBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [2, 3] }, { tensor: [3] }, 0.25] },
    { args: [{ tensor: [4] }, { tensor: [4] }, 0.75] },
    { args: [{ tensor: [2, 3] }, { tensor: [2, 3] }, { tensor: [3] }] },
  ],
  call: ({ input, end, weight }): Value => lerp(input as Tensor, end as Tensor, weight as Tensor | Scalar),
});
