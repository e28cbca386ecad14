// The dtypes (float32, float64, int64, bool): storage, rounding and promotion live here and nowhere else.
import { ProblemError } from '../errors.js';
import { chargeWork, WORK_PER_ALLOCATION } from './meter.js';

export type DType = 'float32' | 'float64' | 'int64' | 'bool';

/**
 * int64 values live in a Float64Array (exact to 2^53), marked by this
 * subclass so a buffer tells its dtype (slice() keeps the subclass).
 */
export class Int64Array extends Float64Array {}

/** A tensor's values: float32, float64, int64 (Int64Array) or bool (Uint8Array of 0 and 1). */
export type Storage = Float32Array | Float64Array | Uint8Array;

/** The dtype a buffer holds. */
export function dtypeOfStorage(data: Storage): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int64Array) return 'int64';
  if (data instanceof Float64Array) return 'float64';
  return 'bool';
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** torch.get_default_dtype(): what Python floats and int true division become. */
export const DEFAULT_FLOAT: DType = 'float32';

/** The dtype a float function of `dtype` computes in: its own if floating, else the default float (exp of an int tensor). */
export function floatingOf(dtype: DType): DType {
  return isFloating(dtype) ? dtype : DEFAULT_FLOAT;
}

/** PyTorch's promote_types for these four: bool < int64 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

const RANK: Record<DType, number> = { bool: 0, int64: 1, float32: 2, float64: 3 };

/** c10's ScalarType names in messages: Float, Double, Long, Bool. */
export function scalarTypeName(dtype: DType): string {
  return { float32: 'Float', float64: 'Double', int64: 'Long', bool: 'Bool' }[dtype];
}

/** PyTorch's tensor type names in messages: torch.FloatTensor, ... */
export function legacyTypeName(dtype: DType): string {
  return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', bool: 'torch.BoolTensor' }[dtype];
}

/**
 * A torch.dtype as a Python value (`torch.float64`, `x.dtype`): one instance
 * per dtype, so identity compares them. Python prints it `torch.float64`.
 */
export class TorchDType {
  readonly dtype: DType;
  private constructor(dtype: DType) {
    this.dtype = dtype;
  }

  private static readonly instances = new Map<DType, TorchDType>();

  static of(dtype: DType): TorchDType {
    let value = TorchDType.instances.get(dtype);
    if (value === undefined) {
      value = new TorchDType(dtype);
      TorchDType.instances.set(dtype, value);
    }
    return value;
  }

  toString(): string {
    return `torch.${this.dtype}`;
  }
}

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'bool'];

/**
 * Every tensor buffer is allocated here, so this is where a program is stopped
 * before it asks for more memory than the service allows (an `expand` or an
 * outer product can ask for far more than its inputs hold).
 */
export interface AllocationLimits {
  /** Elements one tensor may have. */
  maxElementsPerTensor: number;
  /** Elements one evaluation may allocate in all (a bound on its memory churn and work). */
  maxEvaluationElements: number;
}

let limits: AllocationLimits = { maxElementsPerTensor: 16_000_000, maxEvaluationElements: Infinity };
let allocated = 0;

/** Runs `fn` as one evaluation: its allocations count against `scope` (then the previous scope is restored). */
export function withAllocationLimits<T>(scope: AllocationLimits, fn: () => T): T {
  const [previousLimits, previousAllocated] = [limits, allocated];
  limits = scope;
  allocated = 0;
  try {
    return fn();
  } finally {
    limits = previousLimits;
    allocated = previousAllocated;
  }
}

export function allocate(dtype: DType, length: number): Storage {
  reserve(length);
  return allocateReserved(dtype, length);
}

/**
 * Counts a tensor of `length` elements against the evaluation's limits (and
 * refuses it as allocate() would) without allocating it yet: a result that is
 * computed later (kernels/fusion.ts) is counted when it is created.
 */
export function reserve(length: number): void {
  if (length > limits.maxElementsPerTensor) {
    throw new ProblemError('limit-exceeded', `a tensor of ${length} elements is larger than this service allows (${limits.maxElementsPerTensor})`, {
      limit: { name: 'maxElementsPerTensor', value: limits.maxElementsPerTensor },
    });
  }
  // Every element reserved is an element some kernel writes: the work meter's unit.
  chargeWork(length + WORK_PER_ALLOCATION);
  allocated += length;
  if (allocated > limits.maxEvaluationElements) {
    throw new ProblemError('limit-exceeded', `the program allocates more than ${limits.maxEvaluationElements} tensor elements in all`, {
      limit: { name: 'maxEvaluationElements', value: limits.maxEvaluationElements },
    });
  }
}

/** Storage for a result reserve() already counted. */
export function allocateReserved(dtype: DType, length: number): Storage {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int64':
      return new Int64Array(length);
    case 'bool':
      return new Uint8Array(length);
  }
}

/**
 * Rounds a double to what storing it in the dtype gives: float32 rounds,
 * int64 truncates toward zero (a C cast), bool is `v != 0` (NaN is true).
 */
export function rounder(dtype: DType): (v: number) => number {
  switch (dtype) {
    case 'float32':
      return Math.fround;
    case 'float64':
      return identity;
    case 'int64':
      return toInt64;
    case 'bool':
      return toBool;
  }
}

function identity(v: number): number {
  return v;
}

function toInt64(v: number): number {
  return Math.trunc(v) || 0;
}

function toBool(v: number): number {
  return v !== 0 ? 1 : 0;
}

/** `values` converted to `dtype` (a new buffer; int64 truncates, bool tests != 0). */
export function convertValues(values: ArrayLike<number>, dtype: DType): Storage {
  const out = allocate(dtype, values.length);
  if (dtype === 'float32' || dtype === 'float64') {
    out.set(values);
  } else {
    const round = rounder(dtype);
    for (let i = 0; i < values.length; i++) out[i] = round(values[i]);
  }
  return out;
}
