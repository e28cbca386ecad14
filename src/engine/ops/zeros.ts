import { ProblemError } from '../../errors.js';
import { DEFAULT_FLOAT, type DType, rounder, TorchDType } from '../dtype.js';
import { defineOp, type Value } from '../op.js';
import { fullTensor, Tensor } from '../tensor.js';

/** A creation op's dtype= argument: the TorchDType's dtype, or `fallback` for None. */
export function dtypeOr(value: Value, fallback: DType): DType {
  return value instanceof TorchDType ? value.dtype : fallback;
}

/** A new leaf of `shape` filled with `value`, requiring grad when asked (torch refuses it for int and bool dtypes). */
export function filledLeaf(shape: readonly number[], dtype: DType, value: number, requiresGrad: boolean): Tensor {
  const negative = shape.find((d) => d < 0);
  if (negative !== undefined) {
    throw new ProblemError('invalid-argument', `Trying to create tensor with negative dimension ${negative}: [${shape.join(', ')}]`);
  }
  const t = fullTensor(shape, dtype, rounder(dtype)(value));
  return requiresGrad ? withRequiresGrad(t) : t;
}

/** `t` as a leaf that requires grad, with torch's refusal for int and bool tensors. */
export function withRequiresGrad(t: Tensor): Tensor {
  return new Tensor(t.data, t.shape.slice(), { requiresGrad: true });
}

export default defineOp({
  name: 'zeros',
  summary: 'A tensor of zeros of the given size (float32 unless dtype= says otherwise).',
  params: [
    { name: 'size', kind: 'ints', variadic: true },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ size, dtype, requires_grad }): Value => filledLeaf(size as number[], dtypeOr(dtype, DEFAULT_FLOAT), 0, requires_grad as boolean),
});
