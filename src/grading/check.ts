import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
// Mersenne Twister: its seeding mixes small seeds well (xoroshiro's first draws from seed 0 are near 1).
import { mersenne } from 'pure-rand/generator/mersenne';
import type { CheckAnswer, CheckEntry, CheckRequest, Expectations } from '../../schemas/check.js';
import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import { type NestedNumbers, shapeOfNested } from '../../schemas/tensor.js';
import { allocate } from '../engine/dtype.js';
import { chargeWork } from '../engine/meter.js';
import { Tensor } from '../engine/tensor.js';
import { ProblemError, toProblem } from '../errors.js';
import { buildInputs } from '../program/inputs.js';
import { flattenInto, toNested } from '../program/wire.js';
import { formatIndex } from './indices.js';

/** The parts of an evaluate answer grading reads. */
export interface AnswerTensor {
  data?: unknown;
  grad?: unknown;
  shape?: readonly number[];
  grad_fn?: string | null;
  requires_grad?: boolean;
}
export interface GradedAnswer {
  result: string;
  tensors: Record<string, AnswerTensor>;
}
/** Runs one evaluate request (the check task passes evaluateProgram: the whole check runs in one task, inline or in a worker). */
export type Evaluate = (request: EvaluateRequest) => GradedAnswer;

interface Tolerance {
  rtol: number;
  atol: number;
}

type Check = Omit<CheckEntry, 'weight'>;

/** Grades a submission: explicit expectations, or a reference program at the given inputs and at random points. */
export function checkSubmission(request: CheckRequest, limits: Limits, evaluate: Evaluate): CheckAnswer {
  const points = pointInputs(request, limits);
  const checks: Check[] = [];
  for (const [point, inputs] of points.entries()) {
    let submission: GradedAnswer;
    try {
      submission = evaluate(gradable({ ...request.submission, inputs }));
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return cannotRun(error, point);
    }
    if (request.expected) {
      checks.push(...expectationChecks(request.expected, submission, request.tolerance));
    } else if (request.reference) {
      const reference = runReference(evaluate, { ...request.reference, inputs });
      const shown = point === 0 ? undefined : describeInputs(inputs);
      for (const c of referenceChecks(reference, submission, request.compare, request.tolerance)) {
        checks.push({ ...c, point, ...(shown ? { inputs: shown } : {}), message: point === 0 ? c.message : `${c.message} (at random point ${point})` });
      }
    }
  }
  const weights = request.weights ?? {};
  const weighted = checks.map((c) => ({ ...c, weight: own(weights, c.check) ?? 1 }));
  const total = weighted.reduce((n, c) => n + c.weight, 0);
  const earned = weighted.reduce((n, c) => n + (c.pass ? c.weight : 0), 0);
  const failed = weighted.filter((c) => !c.pass);
  return {
    pass: failed.length === 0,
    score: total === 0 ? (failed.length === 0 ? 1 : 0) : earned / total,
    checks: weighted,
    feedback:
      failed.length === 0
        ? `All ${weighted.length} checks passed.`
        : `${weighted.length - failed.length} of ${weighted.length} checks passed. ${failed.slice(0, 3).map((c) => c.message).join('; ')}${failed.length > 3 ? `; and ${failed.length - 3} more` : ''}.`,
  };
}

/**
 * Grading reads whole answers: options of the evaluate body that only shape the
 * answer (outputs, fields, encoding, if the body has them) are left out.
 */
function gradable(request: EvaluateRequest): EvaluateRequest {
  const copy: Record<string, unknown> = { ...request };
  for (const key of ['outputs', 'fields', 'encoding', 'diagnostics']) delete copy[key];
  return copy as EvaluateRequest;
}

function runReference(evaluate: Evaluate, request: EvaluateRequest): GradedAnswer {
  try {
    return evaluate(gradable(request));
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    throw new ProblemError(error.code, `the reference program cannot run: ${error.message}`, error.extras);
  }
}

function cannotRun(error: ProblemError, point: number): CheckAnswer {
  const where = point === 0 ? '' : ` at random point ${point}`;
  return {
    pass: false,
    score: 0,
    checks: [],
    feedback: `Your program could not run${where}: ${error.message}`,
    error: toProblem(error.code, error.message, error.extras),
  };
}

// ---- inputs at every point -------------------------------------------------

type Inputs = EvaluateRequest['inputs'];

/** Work units charged per random input value (a unit is a few ns of kernel work; a value costs ~30 of them). */
const WORK_PER_RANDOM_VALUE = 32;

/** The given inputs, then `count` random points with the same names, shapes, dtypes and requires_grad. */
function pointInputs(request: CheckRequest, limits: Limits): Inputs[] {
  const given = request.submission.inputs;
  const spec = request.points;
  const { count, seed, low, high } = typeof spec === 'number' || spec === undefined ? { count: spec ?? 0, seed: 0, low: -2, high: 2 } : spec;
  if (count === 0) return [given];
  const templates = buildInputs(given, limits);
  const rng = mersenne(seed);
  const points: Inputs[] = [given];
  for (let p = 0; p < count; p++) {
    const inputs: Inputs = {};
    for (const [name, t] of templates) {
      // metered before it is made: drawing a value and writing it into nested arrays is ~100 ns
      chargeWork(t.numel * WORK_PER_RANDOM_VALUE);
      // values of their own (writing them into the template's storage would go around Tensor.write,
      // which tells the storage's caches of printed and answer values that they changed)
      const values = allocate(t.dtype, t.numel);
      for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * uniformFloat64(rng);
      inputs[name] = { data: toNested(new Tensor(values, t.shape)), dtype: t.dtype, requires_grad: t.requiresGrad } as Inputs[string];
    }
    points.push(inputs);
  }
  return points;
}

/** A random point's inputs, shown to the student when small. */
function describeInputs(inputs: Inputs): Record<string, NestedNumbers> | undefined {
  const shown: Record<string, NestedNumbers> = {};
  let elements = 0;
  for (const [name, spec] of Object.entries(inputs)) {
    const data = (spec as { data: NestedNumbers }).data;
    elements += numbersOf(data)?.values.length ?? 0;
    shown[name] = data;
  }
  return elements <= 16 ? shown : undefined;
}

// ---- checks ----------------------------------------------------------------

function expectationChecks(expected: Expectations, answer: GradedAnswer, tolerance: Tolerance): Check[] {
  const checks: Check[] = [];
  for (const [name, want] of Object.entries(expected.tensors)) {
    const actual = own(answer.tensors, name);
    const tensorTolerance = { rtol: want.rtol ?? tolerance.rtol, atol: want.atol ?? tolerance.atol };
    if (want.data !== undefined) checks.push(numericCheck(name, want.data, actual, actual?.data, tensorTolerance, name));
    if (want.grad !== undefined) checks.push(gradCheck(name, want.grad, actual, tensorTolerance));
    if (want.shape !== undefined) checks.push(exactCheck(`${name}.shape`, want.shape, actual?.shape ?? null, actual, name, formatIndex));
    if (want.requires_grad !== undefined) {
      checks.push(exactCheck(`${name}.requires_grad`, want.requires_grad, actual?.requires_grad ?? null, actual, name, pythonBool));
    }
  }
  for (const [name, want] of Object.entries(expected.grad_fn)) {
    const actual = own(answer.tensors, name);
    checks.push(exactCheck(`${name}.grad_fn`, want, actual ? (actual.grad_fn ?? null) : null, actual, name, (v) => v ?? 'None'));
  }
  return checks;
}

function referenceChecks(reference: GradedAnswer, submission: GradedAnswer, compare: readonly string[] | undefined, tolerance: Tolerance): Check[] {
  const checks: Check[] = [];
  if (compare === undefined) {
    const want = own(reference.tensors, reference.result);
    const got = own(submission.tensors, submission.result);
    checks.push(numericCheck(reference.result, (want?.data ?? null) as NestedNumbers | null, got, got?.data, tolerance, reference.result));
    for (const [name, t] of Object.entries(reference.tensors)) {
      if (t.grad !== undefined && t.grad !== null && isInput(reference, name)) checks.push(gradCheck(name, t.grad as NestedNumbers, own(submission.tensors, name), tolerance));
    }
    return checks;
  }
  for (const name of compare) {
    const want = own(reference.tensors, name);
    if (!want) throw new ProblemError('unknown-name', `compare names '${name}', which the reference program does not define`);
    const got = own(submission.tensors, name);
    checks.push(numericCheck(name, (want.data ?? null) as NestedNumbers | null, got, got?.data, tolerance, name));
    if ((want.grad ?? null) !== null || (got?.grad ?? null) !== null) checks.push(gradCheck(name, (want.grad ?? null) as NestedNumbers | null, got, tolerance));
  }
  return checks;
}

/** Inputs are leaves: no grad_fn. A statement of the reference that is a leaf is compared too, which is what a student would expect. */
function isInput(answer: GradedAnswer, name: string): boolean {
  return (own(answer.tensors, name)?.grad_fn ?? null) === null;
}

/**
 * A record's own entry: names come from requests, and a plain object also
 * answers `toString`, `valueOf`, `constructor` ... from its prototype.
 */
function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

function gradCheck(name: string, want: NestedNumbers | null, actual: AnswerTensor | undefined, tolerance: Tolerance): Check {
  const label = `${name}.grad`;
  if (!actual) return missing(label, want, name);
  const got = (actual.grad ?? null) as NestedNumbers | null;
  if (want === null) {
    const pass = got === null;
    return { check: label, point: 0, pass, expected: null, actual: got, difference: null, message: pass ? `${label}: None, as expected` : `${label}: expected None (no gradient), got ${show(got)}` };
  }
  if (got === null) {
    return { check: label, point: 0, pass: false, expected: want, actual: null, difference: null, message: `${label}: expected ${show(want)}, got None (no gradient reached ${name})` };
  }
  return numericCheck(label, want, actual, got, tolerance, label);
}

function numericCheck(label: string, want: NestedNumbers | null, tensor: AnswerTensor | undefined, got: unknown, tolerance: Tolerance, subject: string): Check {
  if (!tensor) return missing(label, want, label);
  const expected = want === null ? null : numbersOf(want);
  const actual = numbersOf(got as NestedNumbers);
  if (!expected || !actual) {
    return { check: label, point: 0, pass: false, expected: want, actual: (got ?? null) as NestedNumbers, difference: null, message: `${subject}: expected ${show(want)}, got ${show(got as NestedNumbers)}` };
  }
  const result = allclose(actual, expected, tolerance);
  const message = result.shapeMismatch
    ? `${subject}: expected shape ${formatIndex(expected.shape)}, got shape ${formatIndex(actual.shape)}`
    : result.pass
      ? `${subject}: ${show(want)}, as expected`
      : `${subject}: expected ${show(want)}, got ${show(got as NestedNumbers)}`;
  return { check: label, point: 0, pass: result.pass, expected: want, actual: got as NestedNumbers, difference: result.difference, message };
}

function exactCheck<T extends string | boolean | null | readonly number[]>(
  label: string,
  want: T,
  got: T | null,
  tensor: AnswerTensor | undefined,
  name: string,
  format: (v: T) => string,
): Check {
  if (!tensor) return missing(label, want as Check['expected'], name);
  const pass = JSON.stringify(want) === JSON.stringify(got);
  const shown = got === null ? 'None' : format(got);
  return {
    check: label,
    point: 0,
    pass,
    expected: want as Check['expected'],
    actual: got as Check['actual'],
    difference: null,
    message: pass ? `${label}: ${shown}, as expected` : `${label}: expected ${format(want)}, got ${shown}`,
  };
}

function missing(label: string, want: Check['expected'], name: string): Check {
  const tensorName = name.split('.')[0];
  return { check: label, point: 0, pass: false, expected: want, actual: null, difference: null, message: `${label}: your program defines no tensor named '${tensorName}'` };
}

// ---- numbers ---------------------------------------------------------------

interface Numbers {
  values: Float64Array;
  shape: number[];
}

function numbersOf(data: NestedNumbers | null | undefined): Numbers | null {
  if (data === null || data === undefined || (typeof data === 'object' && !Array.isArray(data))) return null;
  const result = shapeOfNested(data);
  if ('ragged' in result) return null;
  const values = new Float64Array(result.shape.reduce((a, b) => a * b, 1));
  flattenInto(data, values);
  return { values, shape: result.shape };
}

/** torch.allclose(actual, expected, rtol, atol): an expected single number is compared with every element. */
function allclose(actual: Numbers, expected: Numbers, { rtol, atol }: Tolerance): { pass: boolean; difference: number | 'NaN' | 'Infinity' | null; shapeMismatch: boolean } {
  const scalar = expected.values.length === 1 && expected.shape.length === 0;
  if (!scalar && (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i]))) {
    return { pass: false, difference: null, shapeMismatch: true };
  }
  let pass = true;
  let difference = 0;
  actual.values.forEach((a, i) => {
    const e = scalar ? expected.values[0] : expected.values[i];
    const same = a === e; // equal infinities
    const diff = same ? 0 : Math.abs(a - e);
    if (!(same || diff <= atol + rtol * Math.abs(e))) pass = false;
    difference = Number.isNaN(diff) || Number.isNaN(difference) ? NaN : Math.max(difference, diff);
  });
  const wire = Number.isNaN(difference) ? 'NaN' : difference === Infinity ? 'Infinity' : difference;
  return { pass, difference: wire, shapeMismatch: false };
}

/** A value as a student reads it: 7, 0.333333, [2, 4], or a shape for big tensors. */
function show(data: NestedNumbers | null | undefined): string {
  if (data === null || data === undefined) return 'None';
  const numbers = numbersOf(data);
  if (!numbers) return 'a value that is not a tensor';
  if (numbers.values.length > 12) return `a tensor of shape ${formatIndex(numbers.shape)}`;
  return JSON.stringify(data, (_key, v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v)).replace(/,/g, ', ').replace(/"/g, '');
}

function pythonBool(v: boolean): string {
  return v ? 'True' : 'False';
}
