import type * as A from './ast.js';
import { Ellipsis } from './ast.js';

/**
 * A compact S-expression of a Python AST, for tests and debugging: `(+ a (* b c))`,
 * `(= x (call f 1 (= k v)))`, `(if test (body...) (orelse...))`. Positions and contexts are
 * left out. Iterative over statement lists; expression depth is bounded by the parser.
 */
export function toSExpr(node: A.Node): string {
  switch (node.kind) {
    case 'Module':
      return node.body.map(toSExpr).join('\n');
    case 'Expr':
      return toSExpr(node.value);
    case 'Assign':
      return list('=', ...node.targets.map(toSExpr), toSExpr(node.value));
    case 'AugAssign':
      return list(OPERATOR_SYMBOLS[node.op] + '=', toSExpr(node.target), toSExpr(node.value));
    case 'AnnAssign':
      return list('ann', toSExpr(node.target), toSExpr(node.annotation), ...(node.value ? [toSExpr(node.value)] : []));
    case 'For':
      return list('for', toSExpr(node.target), toSExpr(node.iter), block(node.body), ...orelse(node.orelse));
    case 'While':
      return list('while', toSExpr(node.test), block(node.body), ...orelse(node.orelse));
    case 'If':
      return list('if', toSExpr(node.test), block(node.body), ...orelse(node.orelse));
    case 'With':
      return list('with', list(...node.items.map(toSExpr)), block(node.body));
    case 'withitem':
      return node.optional_vars ? list('as', toSExpr(node.context_expr), toSExpr(node.optional_vars)) : toSExpr(node.context_expr);
    case 'FunctionDef':
      return list(
        'def',
        node.name,
        toSExpr(node.args),
        ...(node.returns ? [list('->', toSExpr(node.returns))] : []),
        block(node.body),
        ...(node.decorator_list.length ? [list('@', ...node.decorator_list.map(toSExpr))] : []),
      );
    case 'ClassDef':
      return list(
        'class',
        node.name,
        list(...node.bases.map(toSExpr), ...node.keywords.map(toSExpr)),
        block(node.body),
        ...(node.decorator_list.length ? [list('@', ...node.decorator_list.map(toSExpr))] : []),
      );
    case 'arguments':
      return argumentsSExpr(node);
    case 'arg':
      return node.annotation ? list(':', node.arg, toSExpr(node.annotation)) : node.arg;
    case 'Return':
      return node.value ? list('return', toSExpr(node.value)) : list('return');
    case 'Pass':
      return 'pass';
    case 'Break':
      return 'break';
    case 'Continue':
      return 'continue';
    case 'Delete':
      return list('del', ...node.targets.map(toSExpr));
    case 'Global':
      return list('global', ...node.names);
    case 'Nonlocal':
      return list('nonlocal', ...node.names);
    case 'Assert':
      return list('assert', toSExpr(node.test), ...(node.msg ? [toSExpr(node.msg)] : []));
    case 'Raise':
      return list('raise', ...(node.exc ? [toSExpr(node.exc)] : []), ...(node.cause ? [list('from', toSExpr(node.cause))] : []));
    case 'Import':
      return list('import', ...node.names.map(toSExpr));
    case 'ImportFrom':
      return list('from', '.'.repeat(node.level) + (node.module ?? ''), ...node.names.map(toSExpr));
    case 'alias':
      return node.asname ? list('as', node.name, node.asname) : node.name;
    case 'Try':
      return list(
        'try',
        block(node.body),
        ...node.handlers.map(toSExpr),
        ...(node.orelse.length ? [list('else', ...node.orelse.map(toSExpr))] : []),
        ...(node.finalbody.length ? [list('finally', ...node.finalbody.map(toSExpr))] : []),
      );
    case 'ExceptHandler':
      return list('except', ...(node.type ? [toSExpr(node.type)] : []), ...(node.name ? [list('as', node.name)] : []), block(node.body));

    case 'Name':
      return node.id;
    case 'Constant':
      return constantSExpr(node.value);
    case 'BinOp':
      return list(OPERATOR_SYMBOLS[node.op], toSExpr(node.left), toSExpr(node.right));
    case 'UnaryOp':
      return list(UNARY_SYMBOLS[node.op], toSExpr(node.operand));
    case 'BoolOp':
      return list(node.op === 'And' ? 'and' : 'or', ...node.values.map(toSExpr));
    case 'Compare':
      if (node.ops.length === 1) return list(COMPARE_SYMBOLS[node.ops[0]], toSExpr(node.left), toSExpr(node.comparators[0]));
      return list('compare', toSExpr(node.left), ...node.ops.flatMap((op, i) => [COMPARE_SYMBOLS[op], toSExpr(node.comparators[i])]));
    case 'Call':
      return list('call', toSExpr(node.func), ...node.args.map(toSExpr), ...node.keywords.map(toSExpr));
    case 'keyword':
      return node.arg === null ? list('**', toSExpr(node.value)) : list('=', node.arg, toSExpr(node.value));
    case 'Attribute':
      return list('.', toSExpr(node.value), node.attr);
    case 'Subscript':
      return list('[]', toSExpr(node.value), toSExpr(node.slice));
    case 'Slice':
      return list('slice', optional(node.lower), optional(node.upper), optional(node.step));
    case 'Starred':
      return list('*', toSExpr(node.value));
    case 'NamedExpr':
      return list(':=', toSExpr(node.target), toSExpr(node.value));
    case 'IfExp':
      return list('ifexp', toSExpr(node.test), toSExpr(node.body), toSExpr(node.orelse));
    case 'Lambda':
      return list('lambda', toSExpr(node.args), toSExpr(node.body));
    case 'Tuple':
      return list('tuple', ...node.elts.map(toSExpr));
    case 'List':
      return list('list', ...node.elts.map(toSExpr));
    case 'Set':
      return list('set', ...node.elts.map(toSExpr));
    case 'Dict':
      return list('dict', ...node.keys.map((k, i) => (k === null ? list('**', toSExpr(node.values[i])) : list(toSExpr(k), toSExpr(node.values[i])))));
    case 'ListComp':
      return list('listcomp', toSExpr(node.elt), ...node.generators.map(toSExpr));
    case 'SetComp':
      return list('setcomp', toSExpr(node.elt), ...node.generators.map(toSExpr));
    case 'GeneratorExp':
      return list('genexp', toSExpr(node.elt), ...node.generators.map(toSExpr));
    case 'DictComp':
      return list('dictcomp', toSExpr(node.key), toSExpr(node.value), ...node.generators.map(toSExpr));
    case 'comprehension':
      return list('for', toSExpr(node.target), toSExpr(node.iter), ...node.ifs.map((c) => list('if', toSExpr(c))));
    case 'Yield':
      return node.value ? list('yield', toSExpr(node.value)) : list('yield');
    case 'YieldFrom':
      return list('yield-from', toSExpr(node.value));
    case 'JoinedStr':
      return list('f', ...node.values.map(toSExpr));
    case 'FormattedValue':
      return list(
        'fmt',
        toSExpr(node.value),
        ...(node.conversion === -1 ? [] : ['!' + String.fromCharCode(node.conversion)]),
        ...(node.format_spec ? [toSExpr(node.format_spec)] : []),
      );
  }
}

function list(...items: string[]): string {
  return `(${items.join(' ')})`;
}

function block(statements: A.Stmt[]): string {
  return list(...statements.map(toSExpr));
}

function orelse(statements: A.Stmt[]): string[] {
  return statements.length ? [block(statements)] : [];
}

function optional(e: A.Expr | null): string {
  return e === null ? 'nil' : toSExpr(e);
}

function constantSExpr(value: A.ConstantValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === Ellipsis) return '...';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return 'b' + JSON.stringify(String.fromCharCode(...(value as Uint8Array)));
}

/** `(a b=1 / c *args d e=2 **kw)` */
function argumentsSExpr(node: A.Arguments): string {
  const items: string[] = [];
  const positional = [...node.posonlyargs, ...node.args];
  const firstDefault = positional.length - node.defaults.length;
  positional.forEach((arg, i) => {
    items.push(i >= firstDefault ? `${toSExpr(arg)}=${toSExpr(node.defaults[i - firstDefault])}` : toSExpr(arg));
    if (i === node.posonlyargs.length - 1) items.push('/');
  });
  if (node.vararg) items.push('*' + toSExpr(node.vararg));
  else if (node.kwonlyargs.length) items.push('*');
  node.kwonlyargs.forEach((arg, i) => {
    const value = node.kw_defaults[i];
    items.push(value ? `${toSExpr(arg)}=${toSExpr(value)}` : toSExpr(arg));
  });
  if (node.kwarg) items.push('**' + toSExpr(node.kwarg));
  return list(...items);
}

const OPERATOR_SYMBOLS: Record<A.Operator, string> = {
  Add: '+',
  Sub: '-',
  Mult: '*',
  MatMult: '@',
  Div: '/',
  Mod: '%',
  Pow: '**',
  LShift: '<<',
  RShift: '>>',
  BitOr: '|',
  BitXor: '^',
  BitAnd: '&',
  FloorDiv: '//',
};

const UNARY_SYMBOLS: Record<A.UnaryOperator, string> = { Invert: '~', Not: 'not', UAdd: '+', USub: '-' };

const COMPARE_SYMBOLS: Record<A.CompareOperator, string> = {
  Eq: '==',
  NotEq: '!=',
  Lt: '<',
  LtE: '<=',
  Gt: '>',
  GtE: '>=',
  Is: 'is',
  IsNot: 'is-not',
  In: 'in',
  NotIn: 'not-in',
};
