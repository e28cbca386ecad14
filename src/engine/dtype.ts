// float32 vs float64: storage and rounding live here and nowhere else.
import { ProblemError } from '../errors.js';
import { chargeWork, WORK_PER_ALLOCATION } from './meter.js';

export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

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

export const DTYPES: readonly DType[] = ['float32', 'float64'];

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
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** Rounds a double to the dtype's precision (what storing it would do). */
export function rounder(dtype: DType): (v: number) => number {
  return dtype === 'float32' ? Math.fround : identity;
}

function identity(v: number): number {
  return v;
}

/** PyTorch's type promotion for our two dtypes: wider wins. */
export function widest(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}
