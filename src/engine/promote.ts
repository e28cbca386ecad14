import { DEFAULT_FLOAT, type DType, isFloating, promoteTypes } from './dtype.js';
import type { Scalar } from './op.js';
import { Tensor, wrapNumber } from './tensor.js';

/**
 * PyTorch's result_type. Operands fall in three classes: tensors with
 * dimensions, 0-dim tensors, and wrapped Python numbers (a Python int is
 * int64, a float the default dtype float32, a bool bool). Within a class
 * dtypes promote (bool < int64 < float32 < float64); across classes a lower
 * class only counts when it is of a higher category (bool < integer <
 * floating): `int64_tensor * 2.5` is float32, `float32_tensor * float64_0dim`
 * stays float32, `int64_tensor * 2` stays int64.
 */
export function resultDtype(tensors: readonly Tensor[]): DType {
  let ranked: DType | null = null;
  let zeroDim: DType | null = null;
  let wrapped: DType | null = null;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t.wrappedNumber) wrapped = wrapped === null ? t.dtype : promoteTypes(wrapped, t.dtype);
    else if (t.shape.length > 0) ranked = ranked === null ? t.dtype : promoteTypes(ranked, t.dtype);
    else zeroDim = zeroDim === null ? t.dtype : promoteTypes(zeroDim, t.dtype);
  }
  return combineCategories(ranked, combineCategories(zeroDim, wrapped)) ?? DEFAULT_FLOAT;
}

/** c10's combine_categories: a lower class's dtype counts only where it raises the category. */
function combineCategories(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || isFloating(higher)) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/** The dtype a Python scalar counts as in type promotion (a wrapped number). */
export function scalarDtype(s: Scalar): DType {
  if (typeof s === 'boolean') return 'bool';
  if (typeof s === 'bigint') return 'int64';
  return DEFAULT_FLOAT;
}

/** A Python scalar as a JS number (True is 1). */
export function scalarNumber(s: Scalar): number {
  return typeof s === 'number' ? s : Number(s);
}

/** The result dtype of tensors and Python scalars together (scalars as wrapped numbers). */
export function resultTypeOf(values: readonly (Tensor | Scalar)[]): DType {
  const tensors = values.map((v) => (v instanceof Tensor ? v : wrapNumber(scalarNumber(v), scalarDtype(v))));
  return resultDtype(tensors);
}

/** Two operands of a binary op as tensors (numbers wrapped in the dtype to compute in) and that dtype. */
export function operands(a: Tensor | Scalar, b: Tensor | Scalar): [Tensor, Tensor, DType] {
  const aTensor = a instanceof Tensor;
  const bTensor = b instanceof Tensor;
  let dtype: DType;
  if (aTensor && bTensor) dtype = resultDtype([a, b]);
  else if (aTensor) dtype = withScalar(a, b as Scalar);
  else if (bTensor) dtype = withScalar(b, a as Scalar);
  else dtype = promoteTypes(scalarDtype(a as Scalar), scalarDtype(b as Scalar));
  return [aTensor ? a : wrapNumber(scalarNumber(a as Scalar), dtype), bTensor ? b : wrapNumber(scalarNumber(b as Scalar), dtype), dtype];
}

/** resultDtype of a tensor and a wrapped Python scalar, without wrapping it. */
function withScalar(t: Tensor, s: Scalar): DType {
  const own = t.dtype;
  const scalar = scalarDtype(s);
  // A number only raises the category: float beats int beats bool.
  if (isFloating(own)) return own;
  if (own === 'bool' || isFloating(scalar)) return promoteTypes(own, scalar);
  return own;
}

/**
 * A binary op's Python-number case (the old expression language evaluates
 * `2 * 3` through the op table): ints stay ints when both are bigints.
 */
export function scalarArithmetic(a: Scalar, b: Scalar, onNumbers: (x: number, y: number) => number, onInts: ((x: bigint, y: bigint) => bigint) | null): Scalar {
  if (onInts !== null && typeof a !== 'number' && typeof b !== 'number') return onInts(BigInt(a), BigInt(b));
  return onNumbers(scalarNumber(a), scalarNumber(b));
}
