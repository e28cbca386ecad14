/**
 * Grading notebooks (POST /v1/grade): the submission runs as /v1/run runs it; each hidden test
 * then runs in a copy of its final namespace, and variables are compared with a reference
 * notebook's. The entry points:
 *
 *   gradeNotebook(job, limits)               -> GradeAnswer (one submission; runs the reference too unless given `expected`)
 *   observeReference(cells, names, limits)   -> ReferenceValues (a batch runs its reference once, then grades each submission against them)
 *
 * What a test sees: the submission's variables (each test on its own copy: see
 * namespace_snapshot.ts), and under the names of builtins and of the usual modules (torch, F, nn,
 * math, np, numpy, plt, matplotlib) always the real ones, whatever the submission bound there:
 * a student's `torch = FakeTorch()` or `def isinstance(...)` never reaches a test. Modules and
 * built-in types are read-only to every program (the interpreter refuses `torch.isclose = ...`).
 */
import { withGradMode } from '../engine/autograd.js';
import { withAllocationLimits } from '../engine/dtype.js';
import { chargeWork, withWorkMeter, WorkLimitExceeded, workLeft } from '../engine/meter.js';
import { ProblemError } from '../errors.js';
import { BUILTINS } from '../python/builtins.js';
import type { Scope } from '../python/environment.js';
import { asPythonError, exceptionClass, StepBudgetExceeded } from '../python/exceptions.js';
import { Interpreter } from '../python/interpreter.js';
import { loadModule } from '../python/modules/index.js';
import { str } from '../python/objects.js';
import { PythonSyntaxError } from '../python/parser.js';
import { type CellAnswer, NotebookSession, type RunAnswer, type RunLimits } from '../python/run.js';
import type { PyValue } from '../python/values.js';
import { type CompareField, GRADE_LIMITS } from '../../schemas/grade.js';
import { compareObserved, type Observed, observe, type Tolerance } from './grade_values.js';
import { NamespaceSnapshot } from './namespace_snapshot.js';

export interface GradeTestSpec {
  name: string;
  points: number;
  source: string;
}

export interface CompareSpec {
  name: string;
  points: number;
  fields?: readonly CompareField[];
  tolerance?: Partial<Tolerance>;
}

/** The reference's variables that `compare` names, as plain data (name, value) in request order. */
export type ReferenceValues = [string, Observed][];

/** One submission to grade; a batch gives `expected` (its reference's values) instead of `reference`. */
export interface GradeJob {
  submission: readonly string[];
  tests: readonly GradeTestSpec[];
  compare: readonly CompareSpec[];
  tolerance: Tolerance;
  reference?: readonly string[];
  expected?: ReferenceValues;
  includeSubmission: boolean;
}

export interface TestError {
  type: string;
  message: string;
  line?: number;
}

export interface GradeResult {
  name: string;
  kind: 'test' | 'compare';
  points: number;
  max_points: number;
  passed: boolean;
  message: string | null;
  error: TestError | null;
}

export interface GradeAnswer {
  score: number;
  max_score: number;
  tests: GradeResult[];
  submission?: RunAnswer;
  feedback: string;
}

/** Grades one submission. Student errors are results; a reference that cannot run is a ProblemError (422). */
export function gradeNotebook(job: GradeJob, limits: RunLimits): GradeAnswer {
  return withAllocationLimits(limits, () => {
    const expected = job.expected ?? (job.reference ? runReference(job.reference, job.compare, limits) : []);
    const session = new NotebookSession(limits);
    const cells = job.submission.map((cell) => session.runCell(cell));
    const submission: RunAnswer | undefined = job.includeSubmission ? { cells, variables: session.variables() } : undefined;
    const globals = session.interpreter.globals;

    // Comparisons read the namespace as the submission left it (before any test runs).
    const expectedByName = new Map(expected);
    const compared = session.interpreter.enter(() =>
      job.compare.map((item): GradeResult => {
        const want = expectedByName.get(item.name);
        if (want === undefined) throw new ProblemError('unknown-name', `compare names '${item.name}', which the reference notebook does not define`);
        const value = globals.vars.get(item.name);
        const tolerance = { ...job.tolerance, ...item.tolerance };
        const message = compareObserved(item.name, want, value === undefined ? undefined : observe(value), item.fields, tolerance);
        return result(item.name, 'compare', item.points, message === null, message, null);
      }),
    );

    // Each test on its own copy: what a test changes is put back before the next one runs.
    const snapshot = job.tests.length > 1 ? NamespaceSnapshot.take(globals) : null;
    const tested = job.tests.map((test, i) => {
      const outcome = runTest(test, globals, limits);
      if (snapshot !== null && i < job.tests.length - 1) snapshot.restore();
      return result(test.name, 'test', test.points, outcome.passed, outcome.message, outcome.error);
    });

    const results = [...tested, ...compared];
    const score = sum(results.map((r) => r.points));
    const maxScore = sum(results.map((r) => r.max_points));
    return { score, max_score: maxScore, tests: results, ...(submission ? { submission } : {}), feedback: feedbackOf(score, maxScore, results, cells) };
  });
}

/** Runs the reference notebook and observes the variables `compare` names: once per batch. */
export function observeReference(cells: readonly string[], compare: readonly CompareSpec[], limits: RunLimits): ReferenceValues {
  return withAllocationLimits(limits, () => runReference(cells, compare, limits));
}

function runReference(cells: readonly string[], compare: readonly CompareSpec[], limits: RunLimits): ReferenceValues {
  const session = new NotebookSession(limits);
  cells.forEach((cell, i) => {
    const { error } = session.runCell(cell);
    if (error !== null) {
      throw new ProblemError('reference-failed', `the reference notebook raised ${error.type} in cell ${i + 1} (line ${error.line}): ${error.message}`);
    }
  });
  const names = [...new Set(compare.map((item) => item.name))];
  return session.interpreter.enter(() =>
    names.map((name): [string, Observed] => {
      const value = session.lookup(name);
      if (value === undefined) throw new ProblemError('unknown-name', `compare names '${name}', which the reference notebook does not define`);
      return [name, observe(value)];
    }),
  );
}

function result(name: string, kind: GradeResult['kind'], points: number, passed: boolean, message: string | null, error: TestError | null): GradeResult {
  return { name, kind, points: passed ? points : 0, max_points: points, passed, message: passed ? null : message, error };
}

// ---------------------------------------------------------------- tests

/** The usual aliases of the modules a course's notebooks import: in tests they are always the real modules. */
const MODULE_ALIASES: readonly [string, string][] = [
  ['torch', 'torch'],
  ['F', 'torch.nn.functional'],
  ['nn', 'torch.nn'],
  ['math', 'math'],
  ['np', 'numpy'],
  ['numpy', 'numpy'],
  ['plt', 'matplotlib.pyplot'],
  ['matplotlib', 'matplotlib'],
];

let testBuiltins: ReadonlyMap<string, PyValue> | null = null;

/** What a test's names fall back to: the builtins and the module aliases (modules are shared, read-only). */
function testNamespaceLayer(): ReadonlyMap<string, PyValue> {
  testBuiltins ??= new Map<string, PyValue>([...BUILTINS, ...MODULE_ALIASES.map(([alias, module]): [string, PyValue] => [alias, loadModule(module)])]);
  return testBuiltins;
}

interface TestOutcome {
  passed: boolean;
  message: string | null;
  error: TestError | null;
}

/**
 * Runs one test in a namespace of the submission's variables, the real builtins and modules
 * layered over them, with its own step budget and a share of the work budget.
 */
function runTest(test: GradeTestSpec, submission: Scope, limits: RunLimits): TestOutcome {
  const layer = testNamespaceLayer();
  const interpreter = new Interpreter(layer, loadModule, { ...limits, maxStepsPerCell: GRADE_LIMITS.maxStepsPerTest });
  const vars = interpreter.globals.vars;
  for (const [name, value] of submission.vars) if (!layer.has(name)) vars.set(name, value);
  const session = new NotebookSession(limits, interpreter);
  const share = Math.min(GRADE_LIMITS.maxWorkPerTest, workLeft());
  try {
    withWorkMeter(share, () => withGradMode(true, () => session.evaluate(test.source)));
    return { passed: true, message: null, error: null };
  } catch (thrown) {
    if (thrown instanceof WorkLimitExceeded) {
      // Past the request's own limit (its share was all that was left): the runner moves or refuses the request.
      chargeWork(0);
      return timeout(`the test did more work than its share of the budget (${GRADE_LIMITS.maxWorkPerTest} units: tensor elements, graph nodes, interpreter steps)`);
    }
    if (thrown instanceof StepBudgetExceeded) return timeout(`the test did not finish within its share of the budget (${GRADE_LIMITS.maxStepsPerTest} interpreter steps)`);
    if (thrown instanceof PythonSyntaxError) return failure({ type: thrown.type, message: thrown.message, line: thrown.lineno });
    const pyErr = asPythonError(thrown);
    if (pyErr === null) {
      if (thrown instanceof RangeError) throw thrown;
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      return failure({ type: 'SystemError', message: `internal error of the interpreter: ${message}` });
    }
    const exception = pyErr.exception;
    const text = interpreter.enter(() => exceptionText(exception, pyErr.message));
    if (exception.cls.isSubclassOf(exceptionClass('AssertionError'))) {
      return { passed: false, message: exception.args.length === 0 ? null : text, error: null };
    }
    return failure({ type: exception.cls.name, message: text, ...(pyErr.line !== null ? { line: pyErr.line } : {}) });
  }
}

function timeout(message: string): TestOutcome {
  return failure({ type: 'TimeoutError', message });
}

function failure(error: TestError): TestOutcome {
  return { passed: false, message: null, error };
}

/** str(exception), which may run the program's own __str__ (within the test's step budget). */
function exceptionText(exception: PyValue, fallback: string): string {
  try {
    return str(exception);
  } catch {
    return fallback;
  }
}

// ---------------------------------------------------------------- feedback

const MAX_FAILURES_NAMED = 10;
const MAX_MESSAGE_CHARS = 300;

/** One paragraph for the student: the score, errors of the notebook itself, then every failed check in words. */
export function feedbackOf(score: number, maxScore: number, results: readonly GradeResult[], cells: readonly CellAnswer[]): string {
  const failed = results.filter((r) => !r.passed);
  const sentences: string[] = [];
  sentences.push(
    failed.length === 0
      ? `All ${results.length} check${results.length === 1 ? '' : 's'} passed: ${points(score)} of ${points(maxScore)} points.`
      : `You earned ${points(score)} of ${points(maxScore)} points (${results.length - failed.length} of ${results.length} checks passed).`,
  );
  const cellErrors = cells.flatMap((cell, i) => (cell.error === null ? [] : [`cell ${i + 1} raised ${cell.error.type} at line ${cell.error.line}: ${clip(cell.error.message)}`]));
  if (cellErrors.length > 0) {
    sentences.push(`Your notebook did not run cleanly: ${cellErrors.slice(0, 3).join('; ')}${cellErrors.length > 3 ? `; and ${cellErrors.length - 3} more cells raised errors` : ''}.`);
  }
  for (const r of failed.slice(0, MAX_FAILURES_NAMED)) sentences.push(sentence(failureText(r)));
  if (failed.length > MAX_FAILURES_NAMED) sentences.push(`${failed.length - MAX_FAILURES_NAMED} more checks failed.`);
  return sentences.join(' ');
}

function failureText(r: GradeResult): string {
  if (r.kind === 'compare') return `Compared with the reference, ${clip(r.message ?? `${r.name} differs`)}`;
  if (r.error !== null) {
    if (r.error.type === 'TimeoutError') return `"${r.name}" was stopped: ${clip(r.error.message)}`;
    return `"${r.name}" raised ${r.error.type}: ${clip(r.error.message)}`;
  }
  return r.message === null || r.message === '' ? `"${r.name}" failed` : `"${r.name}" failed: ${clip(r.message)}`;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length <= MAX_MESSAGE_CHARS ? oneLine : `${oneLine.slice(0, MAX_MESSAGE_CHARS - 3)}...`;
}

function points(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
