/**
 * The graph form of /v1/evaluate as a front end of the Python interpreter: each node
 * `{ id, op, args, kwargs }` becomes the statement `id = op(args..., key=value...)` of an AST built
 * directly (never printed as Python source), so a node id may be any identifier the schema allows,
 * a Python keyword (`lambda`, `class`) or a builtin's name included: ids are bound in the namespace
 * as they are. Ops live in the namespace under names no identifier can spell (`op add`), so ids and
 * op names never meet. A string argument names an input or an earlier node; anything else is a
 * Python value (a JSON number a float, as PyTorch would take a literal).
 */
import type { EvaluateRequest } from '../../schemas/program.js';
import { NamedTuple, type OpDef } from '../engine/op.js';
import { OPS, OPS_BY_NAME } from '../engine/ops/index.js';
import { ProblemError } from '../errors.js';
import type * as ast from '../python/ast.js';
import { StepBudgetExceeded, PythonError } from '../python/exceptions.js';
import { callOp } from '../python/operators.js';
import { PyBuiltin, type PyValue } from '../python/values.js';
import { messageOf, type PreparedProgram, type ProgramLimits, PYTHON_PROBLEM_CODES } from './interpret.js';

export type GraphNodeInput = NonNullable<EvaluateRequest['graph']>[number];
/** A string names an input or an earlier node; anything else is a Python value. */
export type GraphArg = GraphNodeInput['args'][number];

/** The namespace key of an op or custom function: a space is in no identifier, so no node id is one. */
const opKey = (name: string) => `op ${name}`;
/** The op table's keys, made once (a key built per request would be hashed anew at every lookup). */
const OP_KEYS: ReadonlyMap<string, string> = new Map(OPS.map((op) => [op.name, opKey(op.name)]));

/** Anything that tells whether it has a name (a Set of names, or a Map by name). */
interface Names {
  has(name: string): boolean;
}

export interface GraphNames {
  /** The request's input names. */
  inputs: Names;
  /** The request's custom function names, usable as ops. */
  customFunctions: Names;
}

/**
 * Checks a graph (every op known, ids unique and not input names, every string argument an input
 * or an earlier node) and builds its program: one assignment per node, each node named after itself,
 * the last node the result.
 */
export function prepareGraph(nodes: readonly GraphNodeInput[], names: GraphNames, limits: Pick<ProgramLimits, 'maxStatements'>): PreparedProgram {
  const { maxStatements } = limits;
  if (nodes.length > maxStatements) {
    throw new ProblemError('limit-exceeded', `graph has more than ${maxStatements} nodes`, { limit: { name: 'maxStatements', value: maxStatements } });
  }
  if (nodes.length === 0) throw new ProblemError('invalid-argument', 'the graph has no nodes');
  const defined = new Set<string>();
  const body: ast.Stmt[] = [];
  const ids: string[] = [];
  for (const node of nodes) {
    const { id, op, args } = node;
    const where = { node: id };
    if (names.inputs.has(id)) throw new ProblemError('invalid-argument', `node id '${id}' is already the name of an input`, where);
    if (defined.has(id)) throw new ProblemError('invalid-argument', `duplicate node id '${id}'`, where);
    if (!names.customFunctions.has(op) && !OPS_BY_NAME.has(op)) {
      throw new ProblemError('unknown-function', `node '${id}' uses unknown op '${op}'`, where);
    }
    const line = ids.length + 1;
    const refersTo = (arg: GraphArg) => {
      if (typeof arg === 'string' && !names.inputs.has(arg) && !defined.has(arg)) {
        throw new ProblemError('unknown-name', `node '${id}' refers to '${arg}', which is not an input or an earlier node`, where);
      }
      return argument(arg, line);
    };
    const positional = args.map(refersTo);
    const keywords: ast.Keyword[] = [];
    const kwargs = node.kwargs ?? {};
    for (const key of Object.keys(kwargs)) {
      keywords.push({ kind: 'keyword', arg: key, value: refersTo(kwargs[key]), lineno: line, col_offset: 0, end_lineno: line, end_col_offset: 0 });
    }
    defined.add(id);
    ids.push(id);
    const call: ast.Call = { kind: 'Call', func: name(OP_KEYS.get(op) ?? opKey(op), 'Load', line), args: positional, keywords, lineno: line, col_offset: 0, end_lineno: line, end_col_offset: 0 };
    body.push({ kind: 'Assign', targets: [name(id, 'Store', line)], value: call, lineno: line, col_offset: 0, end_lineno: line, end_col_offset: 0 });
  }
  return {
    module: { kind: 'Module', body, trailing_semicolon: false },
    shape: { names: ids, result: ids[ids.length - 1], endsWithExpression: false },
    builtins: graphOps(),
    functionName: opKey,
    problem: (error) => graphProblem(error, ids),
  };
}

// A node's statement sits on line `line` (its 1-based index): an error finds its node by it.

function name(id: string, ctx: ast.ExprContext, line: number): ast.Name {
  return { kind: 'Name', id, ctx, lineno: line, col_offset: 0, end_lineno: line, end_col_offset: 0 };
}

function constant(value: number | boolean | null, line: number): ast.Constant {
  return { kind: 'Constant', value, lineno: line, col_offset: 0, end_lineno: line, end_col_offset: 0 };
}

/** An argument as an expression: a name, a literal, a tuple of numbers. */
function argument(arg: GraphArg, line: number): ast.Expr {
  if (typeof arg === 'string') return name(arg, 'Load', line);
  if (Array.isArray(arg)) {
    return { kind: 'Tuple', elts: arg.map((n) => constant(n, line)), ctx: 'Load', lineno: line, col_offset: 0, end_lineno: line, end_col_offset: 0 };
  }
  return constant(arg as number | boolean | null, line);
}

let ops: Map<string, PyValue> | null = null;

/** Every op of the table, methods too, by its namespace key; a named tuple answers as its values (x.max(dim=1)). */
function graphOps(): ReadonlyMap<string, PyValue> {
  if (ops !== null) return ops;
  ops = new Map(OPS.map((op: OpDef) => [OP_KEYS.get(op.name) as string, new PyBuiltin(op.name, (args, kwargs) => {
    const value = callOp(op, args, kwargs);
    return value instanceof NamedTuple ? (value.values[0] as PyValue) : value;
  })]));
  return ops;
}

/** An error of a run as its problem, naming the node that raised it (as its `node`). */
function graphProblem(error: unknown, ids: readonly string[]): unknown {
  if (error instanceof StepBudgetExceeded) return new ProblemError('limit-exceeded', error.message);
  if (!(error instanceof PythonError)) return error;
  const id = error.statement === null ? undefined : ids[error.statement.lineno - 1];
  const problem = error.problem;
  if (problem !== null) {
    return problem.extras.node === undefined && id !== undefined ? new ProblemError(problem.code, problem.message, { ...problem.extras, node: id }) : problem;
  }
  return new ProblemError(PYTHON_PROBLEM_CODES.get(error.exception.cls.name) ?? 'invalid-argument', messageOf(error), id === undefined ? {} : { node: id });
}
