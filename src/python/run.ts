/**
 * Notebook sessions: cells run in order in one namespace, as in a Jupyter kernel, and each cell
 * answers what Jupyter shows (stdout, the Out[n] display, the error, the figures). The final
 * namespace is reported as `variables`. The entry points:
 *
 *   runNotebook(cells, limits)                 -> RunAnswer (POST /v1/run)
 *   const s = new NotebookSession(limits)      a namespace to run cells or sources in
 *   s.bind('x', tensor); s.runCell(source)     pre-bound inputs, then a cell's answer
 *   s.evaluate(source)                         runs a source, returns its last expression's value (throws Python errors)
 *   s.fork()                                   a copy of the namespace (graders run tests in copies)
 *
 * Every call must run inside withAllocationLimits (runNotebook does) so tensor allocation is bounded.
 */
import { withGradMode } from '../engine/autograd.js';
import { withAllocationLimits, type AllocationLimits } from '../engine/dtype.js';
import { Node as GradNode } from '../engine/autograd.js';
import { Tensor } from '../engine/tensor.js';
import { describeEntry } from '../program/encode.js';
import type { TensorEntry } from '../../schemas/tensor.js';
import { RUN_LIMITS } from '../../schemas/run.js';
import type * as ast from './ast.js';
import { BUILTINS } from './builtins.js';
import { asPythonError, isUncatchable, PythonError, StepBudgetExceeded } from './exceptions.js';
import { DEFAULT_INTERPRETER_LIMITS, Interpreter, type InterpreterLimits } from './interpreter.js';
import { loadModule } from './modules/index.js';
import { flushFigures, type FigureJson } from './modules/pyplot.js';
import { addressOf, gradNodeTypeName, repr, str, typeName, typeOf } from './objects.js';
import { parse, PythonSyntaxError } from './parser.js';
import { prettyDict, type PrettyDoc, prettyList, prettySet, prettyText, prettyTuple } from './pretty.js';
import {
  PyBoundMethod,
  PyBuiltin,
  PyClass,
  PyClassMethod,
  PyDict,
  PyFunction,
  PyInstance,
  PyList,
  PyModule,
  PyNativeObject,
  PySet,
  PyStaticMethod,
  PyTuple,
  type PyValue,
  TorchSize,
} from './values.js';
import './modules/tensor.js';
import './autograd_function.js';

export interface CellError {
  type: string;
  message: string;
  /** 1-based line of the cell's top-level code that was running (for a syntax error, the line Python reports). */
  line: number;
}

export interface CellAnswer {
  stdout: string;
  display: string | null;
  error: CellError | null;
  figures: FigureJson[];
}

export type VariableEntry = TensorEntry | { type: string; repr: string };

export interface RunAnswer {
  cells: CellAnswer[];
  variables: Record<string, VariableEntry>;
}

export type RunLimits = InterpreterLimits & AllocationLimits;

export const DEFAULT_RUN_LIMITS: RunLimits = runLimitsOf({ maxElementsPerTensor: 16_000_000, maxEvaluationElements: 200_000_000 });

/** The run limits of a request: the interpreter's (schemas/run.ts) and the service's allocation limits. */
export function runLimitsOf(limits: AllocationLimits): RunLimits {
  return {
    maxStepsPerCell: RUN_LIMITS.maxStepsPerCell,
    recursionLimit: RUN_LIMITS.recursionLimit,
    maxOutputChars: RUN_LIMITS.maxOutputChars,
    maxElementsPerTensor: limits.maxElementsPerTensor,
    maxEvaluationElements: limits.maxEvaluationElements,
  };
}

/** Runs a notebook's cells in one fresh namespace: POST /v1/run. */
export function runNotebook(cells: readonly string[], limits: RunLimits = DEFAULT_RUN_LIMITS): RunAnswer {
  return withAllocationLimits(limits, () => {
    const session = new NotebookSession(limits);
    const answers = cells.map((cell) => session.runCell(cell));
    return { cells: answers, variables: session.variables() };
  });
}

/** One kernel: a namespace and an interpreter (a fresh one has only the builtins; grad mode on). */
export class NotebookSession {
  readonly interpreter: Interpreter;

  constructor(limits: InterpreterLimits = DEFAULT_INTERPRETER_LIMITS, interpreter?: Interpreter) {
    this.interpreter = interpreter ?? new Interpreter(BUILTINS, loadModule, limits);
  }

  /** Binds a name in the namespace (an input of a program). */
  bind(name: string, value: PyValue): void {
    this.interpreter.globals.vars.set(name, value);
  }

  lookup(name: string): PyValue | undefined {
    return this.interpreter.globals.vars.get(name);
  }

  /** A new session whose namespace starts as a copy of this one's (values shared, bindings not). */
  fork(): NotebookSession {
    const copy = new NotebookSession(this.interpreter.limits);
    for (const [name, value] of this.interpreter.globals.vars) copy.interpreter.globals.vars.set(name, value);
    return copy;
  }

  /** Runs one cell and answers what Jupyter shows for it. */
  runCell(source: string): CellAnswer {
    const interpreter = this.interpreter;
    let module: ast.Module;
    try {
      module = parseCached(source);
    } catch (error) {
      if (error instanceof PythonSyntaxError) {
        return { stdout: '', display: null, error: { type: error.type, message: error.message, line: error.lineno }, figures: [] };
      }
      throw error;
    }
    return withGradMode(true, () =>
      interpreter.enter(() => {
        interpreter.beginCell();
        let display: string | null = null;
        let error: CellError | null = null;
        try {
          const value = interpreter.runModule(module);
          if (value !== undefined && value !== null && !module.trailing_semicolon) display = displayText(value);
        } catch (thrown) {
          error = this.cellError(thrown);
        }
        let figures: FigureJson[] = [];
        try {
          figures = flushFigures();
        } catch (thrown) {
          error ??= this.cellError(thrown);
        }
        return { stdout: interpreter.stdout, display, error, figures };
      }),
    );
  }

  /**
   * Runs a source in this namespace and returns the value of its last statement when that is an
   * expression (else null). Python errors are thrown as PythonError (with `line`), syntax errors
   * as PythonSyntaxError; the step budget and work limits as their own errors.
   */
  evaluate(source: string): PyValue {
    const module = parseCached(source);
    const interpreter = this.interpreter;
    return withGradMode(true, () =>
      interpreter.enter(() => {
        interpreter.beginCell();
        try {
          return interpreter.runModule(module) ?? null;
        } catch (error) {
          const pyErr = isUncatchable(error) ? null : asPythonError(error);
          if (pyErr !== null) {
            interpreter.locate(pyErr);
            throw pyErr;
          }
          throw error;
        }
      }),
    );
  }

  private cellError(thrown: unknown): CellError {
    const interpreter = this.interpreter;
    if (thrown instanceof StepBudgetExceeded) return { type: 'TimeoutError', message: thrown.message, line: interpreter.line };
    if (isUncatchable(thrown)) throw thrown;
    const pyErr = asPythonError(thrown);
    if (pyErr !== null) return { type: pyErr.exception.cls.name, message: exceptionText(pyErr), line: pyErr.line ?? interpreter.line };
    // a fault of the interpreter itself: reported in the cell, the notebook goes on
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return { type: 'SystemError', message: `internal error of the interpreter: ${message}`, line: interpreter.line };
  }

  /** Every name bound at the end that is not private, a module, a class or a function. */
  variables(): Record<string, VariableEntry> {
    const out: Record<string, VariableEntry> = Object.create(null);
    const interpreter = this.interpreter;
    interpreter.enter(() => {
      // reporting has a step budget of its own (a long list's repr), as a cell has
      interpreter.beginCell();
      for (const [name, value] of interpreter.globals.vars) {
        if (name.startsWith('_') || !isReported(value)) continue;
        out[name] = value instanceof Tensor ? describeEntry(value) : { type: typeName(value), repr: safeRepr(value) };
      }
    });
    return out;
  }
}

/**
 * Parsed cells by source text, most recently used last: a course's cells arrive again and again.
 * The interpreter never changes an AST, so runs share them.
 */
const parsed = new Map<string, ast.Module>();
const PARSE_CACHE_ENTRIES = 512;
const PARSE_CACHE_MAX_SOURCE = 20_000;

export function parseCached(source: string): ast.Module {
  const hit = parsed.get(source);
  if (hit !== undefined) {
    parsed.delete(source);
    parsed.set(source, hit);
    return hit;
  }
  const module = parse(source);
  if (source.length <= PARSE_CACHE_MAX_SOURCE) {
    if (parsed.size >= PARSE_CACHE_ENTRIES) parsed.delete(parsed.keys().next().value as string);
    parsed.set(source, module);
  }
  return module;
}

function exceptionText(error: PythonError): string {
  try {
    return str(error.exception);
  } catch {
    return error.message;
  }
}

function safeRepr(value: PyValue): string {
  try {
    return repr(value);
  } catch (error) {
    if (error instanceof StepBudgetExceeded) return '<repr not shown: it takes more than the step budget of a cell>';
    const pyErr = asPythonError(error);
    if (pyErr === null) throw error;
    return `<repr failed: ${pyErr.exception.cls.name}: ${pyErr.message}>`;
  }
}

function isReported(value: PyValue): boolean {
  return !(
    value instanceof PyModule ||
    value instanceof PyClass ||
    value instanceof PyFunction ||
    value instanceof PyBuiltin ||
    value instanceof PyBoundMethod ||
    value instanceof PyStaticMethod ||
    value instanceof PyClassMethod
  );
}

// ---------------------------------------------------------------- IPython's display

/** What Jupyter shows as Out[n]: IPython's pretty printer at width 79. */
export function displayText(value: PyValue): string {
  return prettyText(prettyDoc(value, new Set(), 0));
}

function prettyDoc(v: PyValue, active: Set<object>, depth: number): PrettyDoc {
  if (depth > 500) return repr(v);
  const isContainer = (v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet) && !(v instanceof TorchSize);
  if (isContainer) {
    if (active.has(v as object)) return v instanceof PyList ? '[...]' : v instanceof PyDict ? '{...}' : '(...)';
    active.add(v as object);
    try {
      if (v instanceof PyList) return prettyList(v.items.map((item) => prettyDoc(item, active, depth + 1)));
      if (v instanceof PyTuple) return prettyTuple(v.items.map((item) => prettyDoc(item, active, depth + 1)));
      if (v instanceof PyDict) return prettyDict([...v.entries.values()].map(([k, value]) => [prettyDoc(k, active, depth + 1), prettyDoc(value, active, depth + 1)] as const));
      const items = [...(v as PySet).entries.values()];
      return prettySet(sortedForDisplay(items).map((item) => prettyDoc(item, active, depth + 1)));
    } finally {
      active.delete(v as object);
    }
  }
  if (v instanceof GradNode) return `<${gradNodeTypeName(v)} at ${addressOf(v)}>`;
  if (v instanceof PyFunction) return `<function ${v.qualname.includes('<locals>') ? v.qualname : `__main__.${v.qualname}`}${signature(v)}>`;
  if (v instanceof PyClass) return v.module === 'builtins' ? v.name : `${v.module}.${v.name}`;
  if (v instanceof PyInstance && !(v.cls.isException) && v.cls.lookup('__repr__') === undefined) return `<${v.cls.qualifiedName} at ${addressOf(v)}>`;
  if (v instanceof PyNativeObject && v.type.lookup('__repr__') === undefined) return `<${typeOf(v).qualifiedName} at ${addressOf(v)}>`;
  return repr(v);
}

/** IPython sorts a set's elements when they are all numbers or all strings. */
function sortedForDisplay(items: PyValue[]): PyValue[] {
  if (items.every((x) => typeof x === 'bigint' || typeof x === 'number' || typeof x === 'boolean')) {
    return items.slice().sort((a, b) => (Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0));
  }
  if (items.every((x) => typeof x === 'string')) return items.slice().sort();
  return items;
}

/** inspect.signature text of a function: `(x, y=2, *args, k, **kw)`. */
function signature(f: PyFunction): string {
  const a = f.node.args;
  const parts: string[] = [];
  const positional = [...a.posonlyargs, ...a.args];
  const firstDefault = positional.length - f.defaults.length;
  positional.forEach((p, i) => {
    parts.push(i >= firstDefault ? `${p.arg}=${safeRepr(f.defaults[i - firstDefault])}` : p.arg);
    if (a.posonlyargs.length > 0 && i === a.posonlyargs.length - 1) parts.push('/');
  });
  if (a.vararg) parts.push(`*${a.vararg.arg}`);
  else if (a.kwonlyargs.length > 0) parts.push('*');
  for (const k of a.kwonlyargs) {
    const d = f.kwDefaults.get(k.arg);
    parts.push(d === undefined ? k.arg : `${k.arg}=${safeRepr(d)}`);
  }
  if (a.kwarg) parts.push(`**${a.kwarg.arg}`);
  return `(${parts.join(', ')})`;
}

export { withAllocationLimits };
