/**
 * The programs of /v1/evaluate (and of /v1/gradcheck, /v1/plot, custom functions) run by the
 * Python interpreter (src/python/), the one executor. The expression form is Python (`name = expr`
 * statements, `;` or newlines between them, a bare last expression named `result`), parsed once;
 * the graph form (graph.ts) is built directly as the same AST. Either runs with the request's
 * inputs pre-bound as leaf tensors. Besides Python's builtins the expression namespace has `torch`,
 * `F` (torch.nn.functional), `math`, every function op of the table by its bare name (`relu(x)`,
 * `grad(y, x)`, `jacobian`, `hessian`, shadowing Python's `max`/`sum`/...) and the request's custom
 * functions. Python exceptions become problems only here, at the edge.
 */
import type { Limits } from '../../schemas/limits.js';
import { RUN_LIMITS } from '../../schemas/run.js';
import type { OpDef, Value } from '../engine/op.js';
import { OPS } from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import { ProblemError, type ProblemCode } from '../errors.js';
import type * as ast from '../python/ast.js';
import { BUILTINS } from '../python/builtins.js';
import { asPythonError, isUncatchable, PythonError, StepBudgetExceeded } from '../python/exceptions.js';
import { Interpreter, type InterpreterLimits } from '../python/interpreter.js';
import { loadModule } from '../python/modules/index.js';
import { callOp, type OpObserver, withOpObserver } from '../python/operators.js';
import { str, withNamedTuplesAsValues } from '../python/objects.js';
import { parse, PythonSyntaxError } from '../python/parser.js';
import { PyBuiltin, PyModule, type PyValue } from '../python/values.js';
import '../python/modules/tensor.js';
import '../python/autograd_function.js';

/** How large an expression program may be: the service's limits (schemas/limits.ts) under their own names. */
export type ProgramLimits = Pick<Limits, 'maxExprLength' | 'maxDepth' | 'maxStatements'>;

/** What the answer needs of a program: the names it binds, in order of last binding, and its result's name. */
export interface ProgramShape {
  /** Top-level names bound by assignment, each at its last binding. */
  names: string[];
  /** The last statement's target (`result` for a bare last expression). */
  result: string;
  /** The last statement is a bare expression: its value is bound to `result`. */
  endsWithExpression: boolean;
}

/** A program ready to run: parsed or built once, run on inputs any number of times (the interpreter never changes an AST). */
export interface PreparedProgram {
  module: ast.Module;
  shape: ProgramShape;
  /** The names the program sees besides its inputs and custom functions. */
  builtins: ReadonlyMap<string, PyValue>;
  /** The name a custom function is bound under in the program's namespace. */
  functionName: (name: string) => string;
  /** An error of a run (a Python error located at its top-level statement) as the problem it answers with. */
  problem: (error: unknown) => unknown;
}

export interface InterpretedRun {
  /** Inputs first, then every bound name (its value at the end), in order of last binding. */
  named: Map<string, Value>;
  result: string;
}

/** The interpreter's own limits for a program of /v1/evaluate: those of a notebook cell (schemas/run.ts). */
const PROGRAM_INTERPRETER_LIMITS: InterpreterLimits = {
  maxStepsPerCell: RUN_LIMITS.maxStepsPerCell,
  recursionLimit: RUN_LIMITS.recursionLimit,
  maxOutputChars: RUN_LIMITS.maxOutputChars,
};

const NO_FUNCTIONS: ReadonlyMap<string, OpDef> = new Map();

/**
 * Runs a prepared program on `inputs` (leaf tensors, or any values for a custom function's body)
 * in the ambient grad mode; custom functions are request-local ops. `observer` is told of every op
 * the program calls, in order (diagnostics).
 */
export function runProgram(
  program: PreparedProgram,
  inputs: ReadonlyMap<string, Value>,
  functions: ReadonlyMap<string, OpDef> = NO_FUNCTIONS,
  observer?: OpObserver,
): InterpretedRun {
  const interpreter = new Interpreter(program.builtins, loadModule, PROGRAM_INTERPRETER_LIMITS);
  const globals = interpreter.globals.vars;
  for (const [name, value] of inputs) globals.set(name, value as PyValue);
  for (const [name, op] of functions) globals.set(program.functionName(name), customFunction(name, op));
  const run = () => {
    interpreter.beginCell();
    return withNamedTuplesAsValues(() => interpreter.runModule(program.module));
  };
  let last: PyValue | undefined;
  try {
    last = interpreter.enter(observer === undefined ? run : () => withOpObserver(observer, run));
  } catch (error) {
    const pyErr = isUncatchable(error) ? null : asPythonError(error);
    if (pyErr !== null) interpreter.locate(pyErr);
    throw program.problem(pyErr ?? error);
  }
  const { shape } = program;
  const named = new Map<string, Value>(inputs);
  for (const name of shape.names) {
    const value = globals.get(name);
    if (value !== undefined) {
      named.delete(name);
      named.set(name, value as Value);
    }
  }
  if (shape.endsWithExpression) {
    named.delete('result');
    named.set('result', (last ?? null) as Value);
  }
  return { named, result: shape.result };
}

const prepared = new Map<string, PreparedProgram>();
const PREPARED_CACHE_ENTRIES = 512;
const MAX_CACHED_SOURCE = 2048;
let cacheEnabled = true;

/** Benchmarks measure what a program seen for the first time costs: off, every call parses. */
export function setProgramCache(on: boolean): void {
  cacheEnabled = on;
  prepared.clear();
}

/**
 * An expression-form program, parsed and checked against the limits once per source and limits (a
 * course's programs arrive again and again). Parse errors are parse-error problems with their position.
 */
export function prepareExpression(source: string, limits: ProgramLimits): PreparedProgram {
  const key = `${limits.maxExprLength}/${limits.maxDepth}/${limits.maxStatements}\u0001${source}`;
  const hit = cacheEnabled ? prepared.get(key) : undefined;
  if (hit !== undefined) return hit;
  if (source.length > limits.maxExprLength) {
    throw new ProblemError('limit-exceeded', `expression longer than ${limits.maxExprLength} characters`, {
      limit: { name: 'maxExprLength', value: limits.maxExprLength },
    });
  }
  if (bracketDepth(source) > limits.maxDepth) throw depthProblem(limits.maxDepth);
  let module: ast.Module;
  try {
    module = parse(source);
  } catch (error) {
    throw asProblem(error, source);
  }
  if (module.body.length > limits.maxStatements) {
    throw new ProblemError('limit-exceeded', `program has more than ${limits.maxStatements} statements`, {
      limit: { name: 'maxStatements', value: limits.maxStatements },
    });
  }
  if (treeDepth(module) > limits.maxDepth) throw depthProblem(limits.maxDepth);
  const program: PreparedProgram = {
    module,
    shape: shapeOf(module),
    builtins: expressionBuiltins(),
    functionName: (name) => name,
    problem: (error) => asProblem(error, source),
  };
  if (cacheEnabled && source.length <= MAX_CACHED_SOURCE) {
    if (prepared.size >= PREPARED_CACHE_ENTRIES) prepared.delete(prepared.keys().next().value as string);
    prepared.set(key, program);
  }
  return program;
}

function depthProblem(maxDepth: number): ProblemError {
  return new ProblemError('limit-exceeded', `expression nesting deeper than ${maxDepth}`, { limit: { name: 'maxDepth', value: maxDepth } });
}

/** Deepest nesting of brackets outside string literals (parentheses leave no node in the tree). */
function bracketDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  let quote = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') while (i + 1 < source.length && source[i + 1] !== '\n') i++;
    else if (c === '(' || c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return deepest;
}

/** Depth of the syntax tree's expressions (operators and calls), walked without recursion. */
function treeDepth(module: ast.Module): number {
  let deepest = 0;
  const stack: [unknown, number][] = module.body.map((stmt) => [stmt, 0]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth]);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const below = 'kind' in node ? depth + 1 : depth;
    deepest = Math.max(deepest, below);
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, below]);
  }
  return deepest - 1;
}

function shapeOf(module: ast.Module): ProgramShape {
  const names: string[] = [];
  const bind = (name: string) => {
    const at = names.indexOf(name);
    if (at >= 0) names.splice(at, 1);
    names.push(name);
  };
  const targetNames = (target: ast.Expr): string[] => {
    if (target.kind === 'Name') return [target.id];
    if (target.kind === 'Tuple' || target.kind === 'List') return target.elts.flatMap(targetNames);
    if (target.kind === 'Starred') return targetNames(target.value);
    return [];
  };
  let result = 'result';
  let endsWithExpression = false;
  for (const stmt of module.body) {
    endsWithExpression = false;
    if (stmt.kind === 'Assign') {
      const bound = stmt.targets.flatMap(targetNames);
      bound.forEach(bind);
      if (bound.length > 0) result = bound[bound.length - 1];
    } else if (stmt.kind === 'AugAssign' || stmt.kind === 'AnnAssign') {
      const bound = targetNames(stmt.target);
      bound.forEach(bind);
      if (bound.length > 0) result = bound[0];
    } else if (stmt.kind === 'Expr') {
      result = 'result';
      endsWithExpression = true;
    }
  }
  return { names, result, endsWithExpression };
}

let builtins: Map<string, PyValue> | null = null;

/** Python's builtins, the modules a program may name without importing, and the bare op names (made once). */
function expressionBuiltins(): ReadonlyMap<string, PyValue> {
  if (builtins !== null) return builtins;
  const names = new Map<string, PyValue>(BUILTINS);
  for (const op of OPS) if (op.function === true) names.set(op.name, opBuiltin(op.name, op));
  names.set('torch', torchWithExpressionAutograd(names));
  names.set('F', loadModule('torch.nn.functional'));
  names.set('math', loadModule('math'));
  builtins = names;
  return names;
}

/**
 * torch, except that torch.autograd.grad and torch.autograd.functional.jacobian/hessian are the
 * expression language's ops (tensors in, one tensor out: `jacobian(x ** 2, x)`), as before the interpreter.
 * Spelled as torch's, jacobian and hessian keep torch's default create_graph=False (a result without a graph);
 * the bare ops default to differentiable results.
 */
function torchWithExpressionAutograd(ops: ReadonlyMap<string, PyValue>): PyModule {
  const torch = loadModule('torch');
  const autograd = loadModule('torch.autograd');
  const functional = new PyModule(
    'torch.autograd.functional',
    new Map([
      ['jacobian', withoutGraphByDefault('jacobian', ops.get('jacobian') as PyBuiltin)],
      ['hessian', withoutGraphByDefault('hessian', ops.get('hessian') as PyBuiltin)],
    ]),
  );
  const expressionAutograd = new PyModule('torch.autograd', new Map([...(autograd.dict as Map<string, PyValue>), ['grad', ops.get('grad') as PyValue], ['functional', functional]]));
  return new PyModule('torch', new Map([...(torch.dict as Map<string, PyValue>), ['autograd', expressionAutograd]]));
}

/** A request's custom function, called bare (`SQ(x)`) or as torch.autograd.Function classes are (`SQ.apply(x)`). */
function customFunction(name: string, op: OpDef): PyBuiltin {
  const fn = opBuiltin(name, op);
  fn.dict = new Map([['apply', opBuiltin('apply', op)]]);
  return fn;
}

/** An op taking (outputs, inputs, create_graph) with create_graph defaulting to False, as torch.autograd.functional's. */
function withoutGraphByDefault(name: string, op: PyBuiltin): PyBuiltin {
  return new PyBuiltin(name, (args, kwargs) =>
    args.length >= 3 || kwargs?.has('create_graph') ? op.fn(args, kwargs) : op.fn(args, new Map([...(kwargs ?? []), ['create_graph', false]])),
  );
}

function opBuiltin(name: string, op: OpDef): PyBuiltin {
  return new PyBuiltin(name, (args, kwargs) => callOp(op, args, kwargs));
}

/** Python exception types to the problem code they answer with (an engine error keeps its own code). */
export const PYTHON_PROBLEM_CODES: ReadonlyMap<string, ProblemCode> = new Map([
  ['NameError', 'unknown-name'],
  ['UnboundLocalError', 'unknown-name'],
  ['AttributeError', 'unknown-function'],
  ['ModuleNotFoundError', 'unknown-function'],
  ['ImportError', 'unknown-function'],
  ['MemoryError', 'limit-exceeded'],
  ['RecursionError', 'limit-exceeded'],
]);

/** A Python error (or syntax error) of the program as the problem it answers with; other errors pass through. */
export function asProblem(error: unknown, source = ''): unknown {
  if (error instanceof ProblemError) return error;
  if (error instanceof PythonSyntaxError) {
    const lineStart = source.split('\n').slice(0, error.lineno - 1).reduce((n, line) => n + line.length + 1, 0);
    return new ProblemError('parse-error', error.message, { position: { line: error.lineno, column: error.offset, offset: lineStart + error.offset - 1 } });
  }
  if (error instanceof StepBudgetExceeded) return new ProblemError('limit-exceeded', error.message);
  if (isUncatchable(error)) return error;
  const pyErr = asPythonError(error);
  if (pyErr === null) return error;
  const where = locationOf(pyErr, source);
  if (pyErr.problem !== null) return new ProblemError(pyErr.problem.code, pyErr.problem.message, { ...where, ...pyErr.problem.extras });
  const type = pyErr.exception.cls.name;
  // CPython 3.11's traceback words: "module 'torch' has no attribute 'rleu'. Did you mean: 'relu'?"
  const suggestion = pyErr.suggestion?.();
  const message = messageOf(pyErr) + (suggestion !== undefined ? `. Did you mean: '${suggestion}'?` : '');
  return new ProblemError(PYTHON_PROBLEM_CODES.get(type) ?? 'invalid-argument', message, where);
}

/**
 * Where an error happened: the statement that was running (its text) and a position, the
 * attribute's name for an attribute that does not exist (where a caret should point), else the statement's start.
 */
function locationOf(error: PythonError, source: string): { node?: string; position?: { line: number; column: number; offset: number } } {
  const statement = error.statement;
  if (statement === null || source === '') return {};
  const lines = source.split('\n');
  const offsetOf = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, text) => n + text.length + 1, 0) + column - 1;
  const start = offsetOf(statement.lineno, statement.col_offset + 1);
  const node = source.slice(start, offsetOf(statement.end_lineno, statement.end_col_offset + 1));
  const line = error.column !== null && error.line !== null ? error.line : statement.lineno;
  const column = error.column !== null && error.line !== null ? error.column : statement.col_offset + 1;
  return { node, position: { line, column, offset: offsetOf(line, column) } };
}

export function messageOf(error: PythonError): string {
  try {
    return str(error.exception);
  } catch {
    return error.message;
  }
}
