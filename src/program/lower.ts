import type { OpDef } from '../engine/op.js';
import { OPS, OPS_BY_NAME } from '../engine/ops/index.js';
import { ProblemError, type ProblemCode } from '../errors.js';
import { foldExpr, type Expr, type Program } from './ast.js';
import { resolveLimits, type GraphArg, type GraphNode, type LoweredProgram, type ProgramLimits } from './graph.js';
import type { Position } from './lexer.js';
import { MODULE_NAMES, parse } from './parser.js';

export interface CompileOptions {
  /** Names of the input tensors. */
  inputs: ReadonlySet<string>;
  /** Names of the request's custom autograd functions, callable bare: `SQ(x)`. */
  customFunctions?: ReadonlySet<string>;
  limits?: Partial<ProgramLimits>;
}

/** A graph-form node as a request gives it (kwargs may be left out). */
export type GraphNodeInput = Omit<GraphNode, 'kwargs'> & { kwargs?: Record<string, GraphArg> };

/** Operator spelling (`+`, `unary -`) to the op it means, from each OpDef's `operators`. */
const OPERATOR_OPS: ReadonlyMap<string, string> = new Map(OPS.flatMap((op) => (op.operators ?? []).map((spelling) => [spelling, op.name] as const)));

/**
 * Function prefixes, longest first, and the module each stands for. `only`
 * lists what a module holds when it is not every function op: torch.autograd
 * has grad, torch.autograd.functional has jacobian and hessian.
 */
const FUNCTION_PREFIXES: readonly { prefix: string; module: string; only?: ReadonlySet<string> }[] = [
  { prefix: 'torch.autograd.functional.', module: 'torch.autograd.functional', only: new Set(['jacobian', 'hessian']) },
  { prefix: 'torch.autograd.', module: 'torch.autograd', only: new Set(['grad']) },
  { prefix: 'torch.nn.functional.', module: 'torch.nn.functional' },
  { prefix: 'torch.', module: 'torch' },
  { prefix: 'F.', module: 'torch.nn.functional' },
];

/** Parses and lowers an expression-form program. */
export function compileExpression(source: string, options: CompileOptions): LoweredProgram {
  return lowerProgram(parse(source, options.limits), options);
}

/** Lowers a parsed program to nodes `%1`, `%2`, ... in evaluation order. */
export function lowerProgram(program: Program, options: CompileOptions): LoweredProgram {
  const lowerer = new Lowerer(options);
  let result = '';
  for (const statement of program.statements) {
    result = statement.target ?? 'result';
    lowerer.bind(result, lowerer.expression(statement.expr));
  }
  return { nodes: lowerer.nodes, named: [...lowerer.bindings], result };
}

class Lowerer {
  readonly nodes: GraphNode[] = [];
  /** Statement names to what they denote; a Map, so any name (`__proto__` too) is just a key. */
  readonly bindings = new Map<string, GraphArg>();
  private readonly inputs: ReadonlySet<string>;
  private readonly customFunctions: ReadonlySet<string>;

  constructor(options: CompileOptions) {
    this.inputs = options.inputs;
    this.customFunctions = options.customFunctions ?? new Set();
  }

  /** Re-inserting moves a reassigned name to the end: `named` is in order of last assignment. */
  bind(name: string, ref: GraphArg): void {
    this.bindings.delete(name);
    this.bindings.set(name, ref);
  }

  /** Lowers an expression against the names bound so far; returns what it denotes. */
  expression(root: Expr): GraphArg {
    return foldExpr<GraphArg>(root, (expr, children) => {
      switch (expr.kind) {
        case 'number':
        case 'constant':
          return expr.value;
        case 'name':
          return this.resolveName(expr.name, expr.at);
        case 'sequence':
          return children.map((item, i) => {
            if (typeof item !== 'number') {
              throw problem('invalid-argument', `a ${expr.brackets} here may hold only numbers`, expr.items[i].at);
            }
            return item;
          });
        case 'unary': {
          const [operand] = children;
          if (expr.op === '+') return operand;
          // A negative literal is a constant, as in Python: `view(-1)`, `clamp(x, min=-1.0)`.
          if (typeof operand === 'number') return operand === 0 && isIntegerLiteral(expr.operand) ? 0 : -operand;
          return this.emit(this.operatorOp(`unary ${expr.op}`, expr.at), children, Object.create(null));
        }
        case 'binary':
          return this.emit(this.operatorOp(expr.op, expr.at), children, Object.create(null));
        case 'attribute':
          throw problem(
            'unknown-function',
            OPS_BY_NAME.get(expr.name)?.method
              ? `method '${expr.name}' must be called, as in x.${expr.name}()`
              : `attribute '${expr.name}' is not supported; only method calls such as x.sum() are`,
            expr.at,
          );
        case 'call': {
          const positional = children.slice(0, expr.args.length);
          const kwargs = keywordArguments(expr.kwargs, children.slice(expr.args.length));
          const [root, method, ...rest] = expr.callee.split('.');
          // `F` is only an alias of torch.nn.functional, and `name.apply` only a custom function's, when no tensor has that name.
          if ((root === 'F' || method === 'apply') && method !== undefined && rest.length === 0 && this.isBound(root)) {
            const receiver = this.resolveName(root, expr.at);
            return this.emit(this.methodOp(method, receiver, expr.at), [receiver, ...positional], kwargs);
          }
          return this.emit(this.functionOp(expr.callee, expr.at), positional, kwargs);
        }
        case 'method': {
          const [receiver, ...others] = children;
          const positional = others.slice(0, expr.args.length);
          const kwargs = keywordArguments(expr.kwargs, others.slice(expr.args.length));
          return this.emit(this.methodOp(expr.name, receiver, expr.at), [receiver, ...positional], kwargs);
        }
      }
    });
  }

  private emit(op: string, args: GraphArg[], kwargs: Record<string, GraphArg>): string {
    const id = `%${this.nodes.length + 1}`;
    this.nodes.push({ id, op, args, kwargs });
    return id;
  }

  private isBound(name: string): boolean {
    return this.bindings.has(name) || this.inputs.has(name);
  }

  /** An earlier statement's name wins over an input of the same name, as reassignment does in Python. */
  private resolveName(name: string, at: Position): GraphArg {
    const bound = this.bindings.get(name);
    if (bound !== undefined) return bound;
    if (this.inputs.has(name)) return name;
    if (MODULE_NAMES.has(name)) {
      throw problem('unknown-name', `'${name}' is a module, not a tensor; call its functions, as in ${name}.sum(x)`, at);
    }
    throw problem('unknown-name', `name '${name}' is not defined`, at);
  }

  private operatorOp(spelling: string, at: Position): string {
    const op = OPERATOR_OPS.get(spelling);
    if (op === undefined) throw problem('unknown-function', `operator '${spelling}' is not supported`, at);
    return op;
  }

  /**
   * `relu`, `torch.relu`, `torch.nn.functional.relu`, `F.relu`;
   * `torch.autograd.grad`, `torch.autograd.functional.jacobian` / `hessian`;
   * custom functions bare or as `SQ.apply(x)`, as PyTorch calls them.
   */
  private functionOp(callee: string, at: Position): string {
    const [head, member, ...more] = callee.split('.');
    if (member === 'apply' && more.length === 0 && !MODULE_NAMES.has(head)) {
      if (this.customFunctions.has(head)) return head;
      throw problem('unknown-function', `name '${head}' is not defined`, at);
    }
    if (!callee.includes('.')) {
      if (this.customFunctions.has(callee)) return callee;
      if (isFunction(OPS_BY_NAME.get(callee))) return callee;
      throw problem('unknown-function', `name '${callee}' is not defined`, at);
    }
    const { prefix, module, only } = FUNCTION_PREFIXES.find((p) => callee.startsWith(p.prefix)) ?? { prefix: '', module: '' };
    const name = callee.slice(prefix.length);
    const inModule = only === undefined || only.has(name);
    if (prefix !== '' && !name.includes('.') && inModule && isFunction(OPS_BY_NAME.get(name))) return name;
    const path = [module, ...name.split('.')].filter((part) => part !== '');
    const attribute = path.pop();
    throw problem('unknown-function', `module '${path.join('.')}' has no attribute '${attribute}'`, at);
  }

  /** Methods are tensor methods: a literal receiver (`(2).exp()`) has none. */
  private methodOp(name: string, receiver: GraphArg, at: Position): string {
    if (typeof receiver === 'string' && OPS_BY_NAME.get(name)?.method) return name;
    throw problem('unknown-function', `'${pythonType(receiver)}' object has no attribute '${name}'`, at);
  }
}

/**
 * Checks a JSON graph: every op is known, ids are unique and not input names,
 * and every string argument names an input or an earlier node.
 */
export function lowerGraph(nodes: readonly GraphNodeInput[], options: CompileOptions): LoweredProgram {
  const { maxStatements } = resolveLimits(options.limits);
  if (nodes.length > maxStatements) {
    throw new ProblemError('limit-exceeded', `graph has more than ${maxStatements} nodes`, { limit: { name: 'maxStatements', value: maxStatements } });
  }
  if (nodes.length === 0) throw new ProblemError('invalid-argument', 'the graph has no nodes');
  const customFunctions = options.customFunctions ?? new Set<string>();
  const defined = new Set<string>();
  const lowered = nodes.map((node): GraphNode => {
    const where = { node: node.id };
    if (options.inputs.has(node.id)) {
      throw new ProblemError('invalid-argument', `node id '${node.id}' is already the name of an input`, where);
    }
    if (defined.has(node.id)) throw new ProblemError('invalid-argument', `duplicate node id '${node.id}'`, where);
    if (!customFunctions.has(node.op) && !OPS_BY_NAME.has(node.op)) {
      throw new ProblemError('unknown-function', `node '${node.id}' uses unknown op '${node.op}'`, where);
    }
    const kwargs: Record<string, GraphArg> = Object.create(null);
    for (const [key, value] of Object.entries(node.kwargs ?? {})) kwargs[key] = value;
    for (const arg of [...node.args, ...Object.values(kwargs)]) {
      if (typeof arg === 'string' && !options.inputs.has(arg) && !defined.has(arg)) {
        throw new ProblemError('unknown-name', `node '${node.id}' refers to '${arg}', which is not an input or an earlier node`, where);
      }
    }
    defined.add(node.id);
    return { id: node.id, op: node.op, args: [...node.args], kwargs };
  });
  return { nodes: lowered, named: lowered.map((node): [string, GraphArg] => [node.id, node.id]), result: lowered[lowered.length - 1].id };
}

function problem(code: ProblemCode, message: string, position: Position): ProblemError {
  return new ProblemError(code, message, { position });
}

function keywordArguments(keywords: readonly { name: string }[], values: readonly GraphArg[]): Record<string, GraphArg> {
  const kwargs: Record<string, GraphArg> = Object.create(null);
  keywords.forEach((keyword, i) => {
    kwargs[keyword.name] = values[i];
  });
  return kwargs;
}

function isFunction(op: OpDef | undefined): boolean {
  return op?.function === true;
}

/** `-0` negates to 0 for an integer (Python's `-0`), to -0.0 for a float. */
function isIntegerLiteral(expr: Expr): boolean {
  return expr.kind === 'number' && expr.integer;
}

/** Python's type name for what an argument denotes (a name denotes a tensor). */
function pythonType(arg: GraphArg): string {
  if (typeof arg === 'string') return 'Tensor';
  if (typeof arg === 'number') return Number.isInteger(arg) ? 'int' : 'float';
  if (typeof arg === 'boolean') return 'bool';
  if (arg === null) return 'NoneType';
  return 'tuple';
}
