// The work meter: how much a run has done, measured as it goes rather than
// guessed from the program's text. Kernels charge one unit per tensor element
// they read or write, autograd one per graph node recorded or visited, the
// interpreter one per step. The runner uses it twice: a small limit decides
// that a request is too heavy to run on the main thread (it then re-runs in the
// worker pool), and a large limit stops a pooled run before it exhausts time
// or memory.

/** Thrown when a run does more work than its meter allows. */
export class WorkLimitExceeded extends Error {
  readonly limit: number;
  readonly work: number;

  constructor(limit: number, work: number) {
    super(`the run did more than ${limit} units of work`);
    this.name = 'WorkLimitExceeded';
    this.limit = limit;
    this.work = work;
  }
}

/**
 * Fixed costs in element units. One unit is about one element of an
 * elementwise kernel (a few ns); an op's own overhead (dispatch, a node, a
 * typed array) is worth hundreds of them, and charging only elements would let
 * a program of many tiny ops (a grad() tower, a Python loop) run far longer per
 * unit than a program of a few large ones. Measured on scalar chains and grad
 * towers: about 3-4 µs per recorded node and as much per node the backward
 * loop runs, 0.2-1 µs per interpreter step, ~0.1 µs per allocation.
 */
export const WORK_PER_NODE = 256;
export const WORK_PER_ALLOCATION = 16;
export const WORK_PER_STEP = 32;

// Work done in the current meter, and the meter's limit. Outside any meter the
// limit is Infinity: charges are counted and never refused.
let work = 0;
let limit = Infinity;

/**
 * Counts units of work: one per tensor element a kernel reads or writes, and
 * the fixed costs above per graph node recorded or run, per allocation, per
 * interpreter step. Cheap: an add and a compare.
 */
export function chargeWork(units: number): void {
  work += units;
  if (work > limit) throw new WorkLimitExceeded(limit, work);
}

/**
 * Runs fn with a meter of `limit` units (Infinity: count only). Nested meters
 * restore the outer one afterwards, and the inner run's work also counts toward
 * the outer meter (which may then throw, since the outer limit binds too).
 */
export function withWorkMeter<T>(meterLimit: number, fn: () => T): { value: T; work: number } {
  const [outerWork, outerLimit] = [work, limit];
  work = 0;
  limit = meterLimit;
  let value: T;
  try {
    value = fn();
  } catch (error) {
    // The outer meter comes back with the failed run's work counted, and the
    // run's own error goes on (it is not replaced by an outer limit's).
    [work, limit] = [outerWork + work, outerLimit];
    throw error;
  }
  const innerWork = work;
  [work, limit] = [outerWork, outerLimit];
  chargeWork(innerWork);
  return { value, work: innerWork };
}

/** Units of work done so far in the current meter. */
export function workDone(): number {
  return work;
}

/** Units of work the current meter still allows (Infinity outside any meter): what a nested meter may be given. */
export function workLeft(): number {
  return limit - work;
}
