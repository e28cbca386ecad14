/**
 * Python's abstract syntax tree, shaped like CPython's `ast` module (3.11): same node names, same
 * field names, same positions. The tag field is `kind` (the class name). Python's own
 * `Constant.kind` field (the `u` string prefix) is dropped: it would clash with the tag.
 *
 * Positions are CPython's: `lineno`/`end_lineno` 1-based, `col_offset`/`end_col_offset` 0-based,
 * the end exclusive. (CPython counts columns in UTF-8 bytes; here they count UTF-16 code units.)
 */

export interface Located {
  lineno: number;
  col_offset: number;
  end_lineno: number;
  end_col_offset: number;
}

// ---------------------------------------------------------------- operators

export type BoolOperator = 'And' | 'Or';
export type Operator =
  | 'Add'
  | 'Sub'
  | 'Mult'
  | 'MatMult'
  | 'Div'
  | 'Mod'
  | 'Pow'
  | 'LShift'
  | 'RShift'
  | 'BitOr'
  | 'BitXor'
  | 'BitAnd'
  | 'FloorDiv';
export type UnaryOperator = 'Invert' | 'Not' | 'UAdd' | 'USub';
export type CompareOperator = 'Eq' | 'NotEq' | 'Lt' | 'LtE' | 'Gt' | 'GtE' | 'Is' | 'IsNot' | 'In' | 'NotIn';
/** Whether a name, attribute, subscript, starred, list or tuple is read, assigned or deleted. */
export type ExprContext = 'Load' | 'Store' | 'Del';

// ---------------------------------------------------------------- module

export interface Module {
  kind: 'Module';
  body: Stmt[];
  /**
   * The source's last token (comments and blank lines aside) is `;`: Jupyter then shows no
   * `Out[n]` for the cell.
   */
  trailing_semicolon: boolean;
}

// ---------------------------------------------------------------- statements

export interface FunctionDef extends Located {
  kind: 'FunctionDef';
  name: string;
  args: Arguments;
  body: Stmt[];
  decorator_list: Expr[];
  returns: Expr | null;
}

export interface ClassDef extends Located {
  kind: 'ClassDef';
  name: string;
  bases: Expr[];
  keywords: Keyword[];
  body: Stmt[];
  decorator_list: Expr[];
}

export interface Return extends Located {
  kind: 'Return';
  value: Expr | null;
}

export interface Delete extends Located {
  kind: 'Delete';
  targets: Expr[];
}

/** `a = b = value`: `targets` in source order. */
export interface Assign extends Located {
  kind: 'Assign';
  targets: Expr[];
  value: Expr;
}

export interface AugAssign extends Located {
  kind: 'AugAssign';
  target: Name | Attribute | Subscript;
  op: Operator;
  value: Expr;
}

/** `x: int = 3` (`value` null for a bare annotation); `simple` is 1 for a bare name target. */
export interface AnnAssign extends Located {
  kind: 'AnnAssign';
  target: Name | Attribute | Subscript;
  annotation: Expr;
  value: Expr | null;
  simple: 0 | 1;
}

export interface For extends Located {
  kind: 'For';
  target: Expr;
  iter: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

export interface While extends Located {
  kind: 'While';
  test: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

/** `elif` is an `If` alone in the `orelse` of the previous one, as in CPython. */
export interface If extends Located {
  kind: 'If';
  test: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

export interface With extends Located {
  kind: 'With';
  items: WithItem[];
  body: Stmt[];
}

export interface Raise extends Located {
  kind: 'Raise';
  exc: Expr | null;
  cause: Expr | null;
}

export interface Try extends Located {
  kind: 'Try';
  body: Stmt[];
  handlers: ExceptHandler[];
  orelse: Stmt[];
  finalbody: Stmt[];
}

export interface Assert extends Located {
  kind: 'Assert';
  test: Expr;
  msg: Expr | null;
}

export interface Import extends Located {
  kind: 'Import';
  names: Alias[];
}

/** `from .mod import a as b`: `module` null for `from . import x`; `level` counts the dots. */
export interface ImportFrom extends Located {
  kind: 'ImportFrom';
  module: string | null;
  names: Alias[];
  level: number;
}

export interface Global extends Located {
  kind: 'Global';
  names: string[];
}

export interface Nonlocal extends Located {
  kind: 'Nonlocal';
  names: string[];
}

/** An expression statement (`ast.Expr`). */
export interface ExprStmt extends Located {
  kind: 'Expr';
  value: Expr;
}

export interface Pass extends Located {
  kind: 'Pass';
}

export interface Break extends Located {
  kind: 'Break';
}

export interface Continue extends Located {
  kind: 'Continue';
}

export type Stmt =
  | FunctionDef
  | ClassDef
  | Return
  | Delete
  | Assign
  | AugAssign
  | AnnAssign
  | For
  | While
  | If
  | With
  | Raise
  | Try
  | Assert
  | Import
  | ImportFrom
  | Global
  | Nonlocal
  | ExprStmt
  | Pass
  | Break
  | Continue;

// ---------------------------------------------------------------- expressions

/** `a and b and c` is one BoolOp with three values. */
export interface BoolOp extends Located {
  kind: 'BoolOp';
  op: BoolOperator;
  values: Expr[];
}

/** `(name := value)` */
export interface NamedExpr extends Located {
  kind: 'NamedExpr';
  target: Name;
  value: Expr;
}

export interface BinOp extends Located {
  kind: 'BinOp';
  left: Expr;
  op: Operator;
  right: Expr;
}

export interface UnaryOp extends Located {
  kind: 'UnaryOp';
  op: UnaryOperator;
  operand: Expr;
}

export interface Lambda extends Located {
  kind: 'Lambda';
  args: Arguments;
  body: Expr;
}

/** `body if test else orelse` */
export interface IfExp extends Located {
  kind: 'IfExp';
  test: Expr;
  body: Expr;
  orelse: Expr;
}

/** `{k: v, **other}`: a `**other` entry has a null key. */
export interface Dict extends Located {
  kind: 'Dict';
  keys: (Expr | null)[];
  values: Expr[];
}

export interface Set extends Located {
  kind: 'Set';
  elts: Expr[];
}

export interface ListComp extends Located {
  kind: 'ListComp';
  elt: Expr;
  generators: Comprehension[];
}

export interface SetComp extends Located {
  kind: 'SetComp';
  elt: Expr;
  generators: Comprehension[];
}

export interface DictComp extends Located {
  kind: 'DictComp';
  key: Expr;
  value: Expr;
  generators: Comprehension[];
}

export interface GeneratorExp extends Located {
  kind: 'GeneratorExp';
  elt: Expr;
  generators: Comprehension[];
}

export interface Yield extends Located {
  kind: 'Yield';
  value: Expr | null;
}

export interface YieldFrom extends Located {
  kind: 'YieldFrom';
  value: Expr;
}

/** `a < b <= c`: `ops` and `comparators` have the same length. */
export interface Compare extends Located {
  kind: 'Compare';
  left: Expr;
  ops: CompareOperator[];
  comparators: Expr[];
}

/** `f(a, *rest, k=v, **more)`: starred arguments are `Starred` in `args`, `**more` a keyword with a null `arg`. */
export interface Call extends Located {
  kind: 'Call';
  func: Expr;
  args: Expr[];
  keywords: Keyword[];
}

/**
 * One `{...}` of an f-string. `conversion` is -1 (none) or the code of `s`, `r` or `a`
 * (115, 114, 97) as in CPython; `format_spec` is a JoinedStr or null.
 */
export interface FormattedValue extends Located {
  kind: 'FormattedValue';
  value: Expr;
  conversion: number;
  format_spec: JoinedStr | null;
}

/** An f-string: its literal parts are str `Constant`s, its fields `FormattedValue`s. */
export interface JoinedStr extends Located {
  kind: 'JoinedStr';
  values: (Constant | FormattedValue)[];
}

/** The `...` literal, as `Constant.value`. */
export const Ellipsis: unique symbol = Symbol('Ellipsis');
export type EllipsisValue = typeof Ellipsis;

/**
 * A literal. int is a bigint, float a number, str a string, bytes a Uint8Array, True/False a
 * boolean, None null, `...` the `Ellipsis` symbol. (Imaginary literals are refused by the lexer.)
 */
export type ConstantValue = bigint | number | string | Uint8Array | boolean | null | EllipsisValue;

export interface Constant extends Located {
  kind: 'Constant';
  value: ConstantValue;
}

export interface Attribute extends Located {
  kind: 'Attribute';
  value: Expr;
  attr: string;
  ctx: ExprContext;
}

/** `x[i]`, `x[1:3]`, `x[:, 0]` (a `Tuple` slice holding a `Slice` and a `Constant`). */
export interface Subscript extends Located {
  kind: 'Subscript';
  value: Expr;
  slice: Expr;
  ctx: ExprContext;
}

export interface Starred extends Located {
  kind: 'Starred';
  value: Expr;
  ctx: ExprContext;
}

export interface Name extends Located {
  kind: 'Name';
  id: string;
  ctx: ExprContext;
}

export interface List extends Located {
  kind: 'List';
  elts: Expr[];
  ctx: ExprContext;
}

export interface Tuple extends Located {
  kind: 'Tuple';
  elts: Expr[];
  ctx: ExprContext;
}

/** `lower:upper:step` inside a subscript; missing parts are null. */
export interface Slice extends Located {
  kind: 'Slice';
  lower: Expr | null;
  upper: Expr | null;
  step: Expr | null;
}

export type Expr =
  | BoolOp
  | NamedExpr
  | BinOp
  | UnaryOp
  | Lambda
  | IfExp
  | Dict
  | Set
  | ListComp
  | SetComp
  | DictComp
  | GeneratorExp
  | Yield
  | YieldFrom
  | Compare
  | Call
  | FormattedValue
  | JoinedStr
  | Constant
  | Attribute
  | Subscript
  | Starred
  | Name
  | List
  | Tuple
  | Slice;

// ---------------------------------------------------------------- helpers of statements

/** `for target in iter if a if b` inside a comprehension; `is_async` is always 0 here. */
export interface Comprehension {
  kind: 'comprehension';
  target: Expr;
  iter: Expr;
  ifs: Expr[];
  is_async: 0;
}

export interface ExceptHandler extends Located {
  kind: 'ExceptHandler';
  /** null for a bare `except:` */
  type: Expr | null;
  name: string | null;
  body: Stmt[];
}

/**
 * A signature. `defaults` belong to the last positional parameters (posonlyargs then args);
 * `kw_defaults` has one entry per `kwonlyargs`, null where there is no default.
 */
export interface Arguments {
  kind: 'arguments';
  posonlyargs: Arg[];
  args: Arg[];
  vararg: Arg | null;
  kwonlyargs: Arg[];
  kw_defaults: (Expr | null)[];
  kwarg: Arg | null;
  defaults: Expr[];
}

export interface Arg extends Located {
  kind: 'arg';
  arg: string;
  annotation: Expr | null;
}

/** `name=value` in a call or class bases; `arg` null for `**value`. */
export interface Keyword extends Located {
  kind: 'keyword';
  arg: string | null;
  value: Expr;
}

/** `import name as asname` (`name` may be dotted; `*` for `from m import *`). */
export interface Alias extends Located {
  kind: 'alias';
  name: string;
  asname: string | null;
}

export interface WithItem {
  kind: 'withitem';
  context_expr: Expr;
  optional_vars: Expr | null;
}

export type Node =
  | Module
  | Stmt
  | Expr
  | Comprehension
  | ExceptHandler
  | Arguments
  | Arg
  | Keyword
  | Alias
  | WithItem;
