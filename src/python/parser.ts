import type * as A from './ast.js';
import { Ellipsis } from './ast.js';
import {
  decodeEscapes,
  EscapeError,
  tokenize,
  tokenizeFStringExpression,
  type StringLiteral,
  type Token,
  type TokenizerError,
} from './lexer.js';
import { PythonSyntaxError, type SyntaxErrorType } from './syntax_error.js';

export { PythonSyntaxError } from './syntax_error.js';

/**
 * Python's parser: statements by recursive descent, expressions by one binding-power (Pratt)
 * table and one loop. Errors are `PythonSyntaxError`s at the line CPython 3.11 reports.
 *
 * Recursion is bounded: brackets nest at most 200 deep (the lexer), blocks 100 (the lexer), and
 * every other expression nesting (`not not ...`, `- - ...`, `lambda: lambda: ...`) counts
 * towards MAX_EXPRESSION_DEPTH.
 */

/** Parses a cell (a module). */
export function parse(source: string): A.Module {
  const text = normalizeNewlines(source);
  return new Parser(tokenize(text), text).module();
}

/** Parses a single expression (what `eval` accepts: a tuple without parentheses too). */
export function parseExpression(source: string): A.Expr {
  const text = normalizeNewlines(source);
  return new Parser(tokenize(text), text).evalInput();
}

/** Whether the source's last token, comments and blank lines aside, is `;` (Jupyter then shows no Out[n]). */
export function endsWithSemicolon(source: string): boolean {
  return trailingSemicolon(tokenize(source));
}

/** How deeply expressions may nest (each bracket, prefix operator, lambda or conditional counts). */
export const MAX_EXPRESSION_DEPTH = 500;

function trailingSemicolon(tokens: readonly Token[]): boolean {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i];
    if (token.type === 'newline' || token.type === 'dedent' || token.type === 'indent' || token.type === 'end') continue;
    return token.type === 'op' && token.text === ';';
  }
  return false;
}

// ---------------------------------------------------------------- the binding-power table

type Infix =
  | { kind: 'bool'; left: number; right: number; op: A.BoolOperator }
  | { kind: 'compare'; left: number; right: number; op: A.CompareOperator }
  | { kind: 'binary'; left: number; right: number; op: A.Operator };

/**
 * Python's precedence, loosest first: `or`, `and`, `not` (prefix), comparisons (chained),
 * `|`, `^`, `&`, shifts, `+ -`, `* / // % @`, unary `+ - ~` (prefix), `**`, then calls,
 * subscripts and attributes. `**` binds right to left and tighter than a unary operator on its
 * left (`-2 ** 2` is `-(2 ** 2)`); its right operand may be unary (`2 ** -1`).
 */
const BP_NOT_OPERAND = 7;
const BP_BITWISE_OR = 9;
const BP_UNARY_OPERAND = 21;
const BP_POSTFIX = 25;

const INFIX: ReadonlyMap<string, Infix> = new Map<string, Infix>([
  ['or', { kind: 'bool', left: 1, right: 2, op: 'Or' }],
  ['and', { kind: 'bool', left: 3, right: 4, op: 'And' }],
  ['==', { kind: 'compare', left: 7, right: 8, op: 'Eq' }],
  ['!=', { kind: 'compare', left: 7, right: 8, op: 'NotEq' }],
  ['<', { kind: 'compare', left: 7, right: 8, op: 'Lt' }],
  ['<=', { kind: 'compare', left: 7, right: 8, op: 'LtE' }],
  ['>', { kind: 'compare', left: 7, right: 8, op: 'Gt' }],
  ['>=', { kind: 'compare', left: 7, right: 8, op: 'GtE' }],
  ['in', { kind: 'compare', left: 7, right: 8, op: 'In' }],
  ['not', { kind: 'compare', left: 7, right: 8, op: 'NotIn' }],
  ['is', { kind: 'compare', left: 7, right: 8, op: 'Is' }],
  ['|', { kind: 'binary', left: 9, right: 10, op: 'BitOr' }],
  ['^', { kind: 'binary', left: 11, right: 12, op: 'BitXor' }],
  ['&', { kind: 'binary', left: 13, right: 14, op: 'BitAnd' }],
  ['<<', { kind: 'binary', left: 15, right: 16, op: 'LShift' }],
  ['>>', { kind: 'binary', left: 15, right: 16, op: 'RShift' }],
  ['+', { kind: 'binary', left: 17, right: 18, op: 'Add' }],
  ['-', { kind: 'binary', left: 17, right: 18, op: 'Sub' }],
  ['*', { kind: 'binary', left: 19, right: 20, op: 'Mult' }],
  ['/', { kind: 'binary', left: 19, right: 20, op: 'Div' }],
  ['//', { kind: 'binary', left: 19, right: 20, op: 'FloorDiv' }],
  ['%', { kind: 'binary', left: 19, right: 20, op: 'Mod' }],
  ['@', { kind: 'binary', left: 19, right: 20, op: 'MatMult' }],
  ['**', { kind: 'binary', left: 23, right: BP_UNARY_OPERAND, op: 'Pow' }],
]);

const PREFIX: ReadonlyMap<string, A.UnaryOperator> = new Map<string, A.UnaryOperator>([
  ['-', 'USub'],
  ['+', 'UAdd'],
  ['~', 'Invert'],
]);

const AUGMENTED: ReadonlyMap<string, A.Operator> = new Map<string, A.Operator>([
  ['+=', 'Add'],
  ['-=', 'Sub'],
  ['*=', 'Mult'],
  ['/=', 'Div'],
  ['//=', 'FloorDiv'],
  ['%=', 'Mod'],
  ['@=', 'MatMult'],
  ['**=', 'Pow'],
  ['<<=', 'LShift'],
  ['>>=', 'RShift'],
  ['&=', 'BitAnd'],
  ['|=', 'BitOr'],
  ['^=', 'BitXor'],
]);

/** Keywords that start an expression. */
function normalizeNewlines(source: string): string {
  return source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
}

const EXPRESSION_KEYWORDS: ReadonlySet<string> = new Set(['None', 'True', 'False', 'not', 'lambda', 'await']);

/** `_PyPegen_get_expr_name`: how CPython names an expression in "cannot assign to ...". */
function exprName(e: A.Expr): string {
  switch (e.kind) {
    case 'Call':
      return 'function call';
    case 'Compare':
      return 'comparison';
    case 'BinOp':
    case 'UnaryOp':
    case 'BoolOp':
      return 'expression';
    case 'Constant':
      if (e.value === null) return 'None';
      if (e.value === true) return 'True';
      if (e.value === false) return 'False';
      if (e.value === Ellipsis) return 'ellipsis';
      return 'literal';
    case 'Lambda':
      return 'lambda';
    case 'IfExp':
      return 'conditional expression';
    case 'NamedExpr':
      return 'named expression';
    case 'Dict':
      return 'dict literal';
    case 'Set':
      return 'set display';
    case 'ListComp':
      return 'list comprehension';
    case 'SetComp':
      return 'set comprehension';
    case 'DictComp':
      return 'dict comprehension';
    case 'GeneratorExp':
      return 'generator expression';
    case 'Yield':
    case 'YieldFrom':
      return 'yield expression';
    case 'JoinedStr':
    case 'FormattedValue':
      return 'f-string expression';
    case 'Starred':
      return 'starred';
    case 'Slice':
      return 'slice';
    case 'Tuple':
      return 'tuple';
    case 'List':
      return 'list';
    default:
      return e.kind.toLowerCase();
  }
}

interface Position {
  lineno: number;
  col_offset: number;
}

class Parser {
  private tokens: readonly Token[];
  private index = 0;
  /**
   * End of the last token consumed, NEWLINE, INDENT and DEDENT aside: where a node ends (a
   * compound statement with the last token of its last block, a trailing `;` included).
   */
  private endLine = 1;
  private endCol = 0;
  private depth = 0;
  /** Enclosing function and loop bodies, for "'return' outside function" and the like. */
  private functionDepth = 0;
  private loopDepth = 0;
  /** Reading ahead for a better error message (CPython's second pass): no more of them. */
  private speculating = false;
  /** The tuple or generator the last `parenthesizedBody` made (it spans the parentheses). */
  private builtInParentheses: A.Expr | null = null;
  /** Errors that are plain parse failures, not CPython's specific messages (see `unexpected`). */
  private readonly plainFailures = new WeakSet<PythonSyntaxError>();
  /** The furthest token read (CPython's `p->fill - 1`), and that of the main tokens during an f-string. */
  private furthest = 0;
  private outerFurthest = 0;
  /** Inside an f-string replacement field: errors read "f-string: ...". */
  private fstringDepth = 0;
  /** The first error CPython's compiler (not its parser) reports; thrown if the parse succeeds. */
  private compileError: PythonSyntaxError | null = null;

  constructor(
    private readonly mainTokens: readonly Token[],
    /** The source the tokens come from (f-strings are read from it). */
    private readonly text: string,
  ) {
    this.tokens = mainTokens;
  }

  // ---------------------------------------------------------------- tokens

  private peek(): Token {
    return this.tokens[this.index];
  }

  private peekAt(ahead: number): Token {
    const i = Math.min(this.index + ahead, this.tokens.length - 1);
    if (i > this.furthest) this.furthest = i;
    return this.tokens[i];
  }

  /** Consumes the current token; the one after it counts as read (see `error`). */
  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type === 'error') throw this.error('invalid syntax', token);
    if (this.index < this.tokens.length - 1) this.index += 1;
    if (this.index > this.furthest) this.furthest = this.index;
    if (token.type !== 'newline' && token.type !== 'indent' && token.type !== 'dedent') {
      this.endLine = token.end_lineno;
      this.endCol = token.end_col_offset;
    }
    return token;
  }

  private isOp(text: string, token: Token = this.peek()): boolean {
    return token.type === 'op' && token.text === text;
  }

  private isKeyword(text: string, token: Token = this.peek()): boolean {
    return token.type === 'keyword' && token.text === text;
  }

  private eatOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.next();
    return true;
  }

  private eatKeyword(text: string): boolean {
    if (!this.isKeyword(text)) return false;
    this.next();
    return true;
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) throw this.unexpected();
    return this.next();
  }

  /**
   * `:` ending a compound statement's header: "expected ':'" when the line ends instead, or
   * whatever follows where CPython's grammar forces it (after `def ...`, `try`, `else`, `finally`).
   */
  private expectColon(forced = false): void {
    if (this.isOp(':')) {
      this.next();
      return;
    }
    if (forced || this.peek().type === 'newline') throw this.error("expected ':'", this.peek());
    throw this.unexpected();
  }

  private name(): string {
    const token = this.peek();
    if (token.type !== 'name') throw this.unexpected();
    this.next();
    return token.text;
  }

  // ---------------------------------------------------------------- errors

  /**
   * A plain parse failure at `token` (no rule of CPython's raised a specific error): what a
   * read-ahead for a better message ignores (see `legacyExpression`).
   */
  private unexpected(token: Token = this.peek()): PythonSyntaxError {
    let error: PythonSyntaxError;
    if (token.type === 'indent') error = this.error('unexpected indent', token, 'IndentationError');
    else if (token.type === 'dedent') error = this.error('unexpected unindent', token, 'IndentationError');
    else error = this.error('invalid syntax', token);
    if (!this.isTokenizerError(error)) this.plainFailures.add(error);
    return error;
  }

  private isTokenizerError(error: PythonSyntaxError): boolean {
    const final = this.mainTokens[this.mainTokens.length - 1];
    return final.type === 'error' && (final.value as TokenizerError).error === error;
  }

  /**
   * The error to throw for a parse failure at `at`, as CPython 3.11 picks it: once the parser
   * has read the tokenizer's error token, that error; else an error the tokenizer raises later
   * in the source; else, for a bracket never closed, that one when the furthest token read is on
   * a later line than the bracket; else the parser's own.
   */
  private error(message: string, at: Position, type: SyntaxErrorType = 'SyntaxError'): PythonSyntaxError {
    const final = this.mainTokens[this.mainTokens.length - 1];
    const furthest = this.fstringDepth > 0 ? this.outerFurthest : this.furthest;
    if (final.type === 'error' && furthest >= this.mainTokens.length - 1) return (final.value as TokenizerError).error;
    if (this.fstringDepth > 0 && this.peek().type === 'error') return (this.peek().value as TokenizerError).error;
    if (final.type === 'error' && !(type === 'IndentationError' && message.startsWith('unexpected'))) {
      const failure = final.value as TokenizerError;
      if (failure.kind === 'raised') return failure.error;
      if (failure.kind === 'unclosed' && this.mainTokens[furthest].lineno > failure.error.lineno) return failure.error;
    }
    const prefix = this.fstringDepth > 0 && !message.startsWith('f-string') ? 'f-string: ' : '';
    return new PythonSyntaxError(type, prefix + message, at.lineno, at.col_offset + 1);
  }

  /** An error CPython's compiler reports after a successful parse: the first one is kept. */
  private compileTimeError(message: string, at: Position): void {
    this.compileError ??= new PythonSyntaxError('SyntaxError', message, at.lineno, at.col_offset + 1);
  }

  // ---------------------------------------------------------------- module and statements

  module(): A.Module {
    const body: A.Stmt[] = [];
    while (this.peek().type !== 'end') {
      const token = this.peek();
      if (token.type === 'newline') {
        this.next();
        continue;
      }
      this.statement(body);
    }
    if (this.compileError !== null) throw this.compileError;
    return { kind: 'Module', body, trailing_semicolon: trailingSemicolon(this.mainTokens) };
  }

  evalInput(): A.Expr {
    const expr = this.starExpressions();
    while (this.peek().type === 'newline') this.next();
    if (this.peek().type !== 'end') throw this.unexpected();
    if (this.compileError !== null) throw this.compileError;
    return expr;
  }

  private statement(out: A.Stmt[]): void {
    const token = this.peek();
    if (token.type === 'keyword') {
      switch (token.text) {
        case 'def':
          out.push(this.functionDef([], token));
          return;
        case 'class':
          out.push(this.classDef([], token));
          return;
        case 'if':
          out.push(this.ifStatement());
          return;
        case 'for':
          out.push(this.forStatement());
          return;
        case 'while':
          out.push(this.whileStatement());
          return;
        case 'with':
          out.push(this.withStatement());
          return;
        case 'try':
          out.push(this.tryStatement());
          return;
        case 'async':
          throw this.error('async functions are not supported', token);
      }
    } else if (token.type === 'op' && token.text === '@') {
      out.push(this.decorated());
      return;
    } else if (token.type === 'indent') {
      throw this.unexpected(token);
    }
    this.simpleStatements(out);
  }

  /** `a; b; c` up to the end of the line. */
  private simpleStatements(out: A.Stmt[]): void {
    for (;;) {
      out.push(this.simpleStatement());
      if (!this.isOp(';')) break;
      this.next();
      if (this.peek().type === 'newline') break;
    }
    if (this.peek().type !== 'newline') throw this.unexpected();
    this.next();
  }

  private simpleStatement(): A.Stmt {
    const start = this.peek();
    if (start.type === 'keyword') {
      switch (start.text) {
        case 'pass':
          this.next();
          return { kind: 'Pass', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Pass;
        case 'break':
          this.next();
          if (this.loopDepth === 0) this.compileTimeError("'break' outside loop", start);
          return { kind: 'Break', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Break;
        case 'continue':
          this.next();
          if (this.loopDepth === 0) this.compileTimeError("'continue' not properly in loop", start);
          return { kind: 'Continue', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Continue;
        case 'return': {
          this.next();
          if (this.functionDepth === 0) this.compileTimeError("'return' outside function", start);
          const value = this.atStatementEnd() ? null : this.starExpressions();
          if (value !== null) this.checkNotStarred(value);
          return { kind: 'Return', value, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Return;
        }
        case 'raise': {
          this.next();
          let exc: A.Expr | null = null;
          let cause: A.Expr | null = null;
          if (!this.atStatementEnd()) {
            exc = this.expression();
            if (this.eatKeyword('from')) cause = this.expression();
          }
          return { kind: 'Raise', exc, cause, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Raise;
        }
        case 'global':
        case 'nonlocal': {
          this.next();
          const names = [this.name()];
          while (this.eatOp(',')) names.push(this.name());
          if (start.text === 'global') return { kind: 'Global', names, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Global;
          if (this.functionDepth === 0) this.compileTimeError('nonlocal declaration not allowed at module level', start);
          return { kind: 'Nonlocal', names, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Nonlocal;
        }
        case 'del': {
          this.next();
          const targets: A.Expr[] = [];
          do {
            if (this.atStatementEnd()) break;
            targets.push(this.target('Del'));
          } while (this.eatOp(','));
          if (targets.length === 0) throw this.unexpected();
          return { kind: 'Delete', targets, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Delete;
        }
        case 'assert': {
          this.next();
          const test = this.expression();
          const msg = this.eatOp(',') ? this.expression() : null;
          return { kind: 'Assert', test, msg, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Assert;
        }
        case 'import':
          return this.importStatement();
        case 'from':
          return this.fromImport();
      }
    }
    return this.expressionStatement();
  }

  private atStatementEnd(): boolean {
    const token = this.peek();
    return token.type === 'newline' || (token.type === 'op' && token.text === ';');
  }

  /** An expression statement, an assignment (chained), an augmented or annotated assignment. */
  private expressionStatement(): A.Stmt {
    const start = this.peek();
    const first = this.isKeyword('yield') ? this.yieldExpression() : this.starExpressions();
    const token = this.peek();
    if (token.type === 'op') {
      if (token.text === '=') {
        const targets = [first];
        let value: A.Expr;
        for (;;) {
          this.next();
          value = this.isKeyword('yield') ? this.yieldExpression() : this.starExpressions();
          if (!this.isOp('=')) break;
          targets.push(value);
        }
        this.checkNotStarred(value);
        for (const target of targets) {
          this.checkTarget(target, 'Store', value);
          if (target.kind === 'Starred') this.compileTimeError('starred assignment target must be in a list or tuple', target);
        }
        return { kind: 'Assign', targets, value, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Assign;
      }
      const op = AUGMENTED.get(token.text);
      if (op !== undefined) {
        if (first.kind !== 'Name' && first.kind !== 'Attribute' && first.kind !== 'Subscript') {
          throw this.error(`'${exprName(first)}' is an illegal expression for augmented assignment`, first);
        }
        first.ctx = 'Store';
        this.next();
        const value = this.isKeyword('yield') ? this.yieldExpression() : this.starExpressions();
        this.checkNotStarred(value);
        return { kind: 'AugAssign', target: first, op, value, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.AugAssign;
      }
      if (token.text === ':' && this.startsExpression(this.peekAt(1))) {
        if (first.kind === 'Tuple') throw this.error('only single target (not tuple) can be annotated', first);
        if (first.kind === 'List') throw this.error('only single target (not list) can be annotated', first);
        if (first.kind !== 'Name' && first.kind !== 'Attribute' && first.kind !== 'Subscript') {
          throw this.error('illegal target for annotation', first);
        }
        this.next();
        const annotation = this.expression();
        let value: A.Expr | null = null;
        if (this.eatOp('=')) value = this.isKeyword('yield') ? this.yieldExpression() : this.starExpressions();
        first.ctx = 'Store';
        const simple = first.kind === 'Name' && !this.isOp('(', start) ? 1 : 0;
        return { kind: 'AnnAssign', target: first, annotation, value, simple, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.AnnAssign;
      }
    }
    this.checkNotStarred(first);
    return { kind: 'Expr', value: first, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.ExprStmt;
  }

  /** A `*x` standing alone where a value is needed (CPython's compiler rejects it). */
  private checkNotStarred(e: A.Expr): void {
    if (e.kind === 'Starred') this.compileTimeError("can't use starred expression here", e);
  }

  /**
   * Checks that an expression may be assigned (`Store`) or deleted (`Del`) and marks it so,
   * through tuples, lists and starred items.
   */
  private checkTarget(e: A.Expr, ctx: 'Store' | 'Del', value: A.Expr | null): void {
    switch (e.kind) {
      case 'Name':
      case 'Attribute':
      case 'Subscript':
        e.ctx = ctx;
        return;
      case 'Tuple':
      case 'List': {
        e.ctx = ctx;
        let starred = 0;
        for (const element of e.elts) {
          this.checkTarget(element, ctx, null);
          if (element.kind === 'Starred') starred += 1;
        }
        if (starred > 1) this.compileTimeError('multiple starred expressions in assignment', e);
        return;
      }
      case 'Starred':
        if (ctx === 'Del') throw this.error('cannot delete starred', e);
        e.ctx = ctx;
        this.checkTarget(e.value, ctx, null);
        return;
    }
    const verb = ctx === 'Store' ? 'assign to' : 'delete';
    if (ctx === 'Store' && e.kind === 'Yield') throw this.error('assignment to yield expression not possible', e);
    const hint =
      ctx === 'Store' && value !== null && e.kind !== 'Constant' && e.kind !== 'Dict' && e.kind !== 'Set' && !e.kind.endsWith('Comp')
        ? " here. Maybe you meant '==' instead of '='?"
        : '';
    throw this.error(`cannot ${verb} ${exprName(e)}${hint}`, e);
  }

  private importStatement(): A.Import {
    const start = this.next();
    const names: A.Alias[] = [];
    do {
      const first = this.peek();
      let name = this.name();
      while (this.eatOp('.')) name += '.' + this.name();
      const asname = this.eatKeyword('as') ? this.name() : null;
      names.push({ kind: 'alias', name, asname, lineno: first.lineno, col_offset: first.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Alias);
    } while (this.eatOp(','));
    return { kind: 'Import', names, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Import;
  }

  private fromImport(): A.ImportFrom {
    const start = this.next();
    let level = 0;
    for (;;) {
      if (this.eatOp('.')) level += 1;
      else if (this.eatOp('...')) level += 3;
      else break;
    }
    let module: string | null = null;
    if (!this.isKeyword('import') || level === 0) {
      module = this.name();
      while (this.eatOp('.')) module += '.' + this.name();
    }
    if (!this.isKeyword('import')) throw this.unexpected();
    this.next();
    const names: A.Alias[] = [];
    if (this.isOp('*')) {
      const star = this.next();
      names.push({ kind: 'alias', name: '*', asname: null, lineno: star.lineno, col_offset: star.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Alias);
    } else {
      const parenthesized = this.eatOp('(');
      do {
        if (parenthesized && this.isOp(')')) break;
        const first = this.peek();
        const name = this.name();
        const asname = this.eatKeyword('as') ? this.name() : null;
        names.push({ kind: 'alias', name, asname, lineno: first.lineno, col_offset: first.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Alias);
      } while (this.eatOp(','));
      if (parenthesized) this.expectOp(')');
      if (names.length === 0) throw this.unexpected();
    }
    return { kind: 'ImportFrom', module, names, level, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.ImportFrom;
  }

  /**
   * A block after `header:`: statements on the same line, or NEWLINE INDENT statements DEDENT.
   * Without the indentation: IndentationError "expected an indented block after ...".
   */
  private block(what: string, header: Token): A.Stmt[] {
    const body: A.Stmt[] = [];
    if (this.peek().type !== 'newline') {
      this.simpleStatements(body);
      return body;
    }
    this.next();
    const indent = this.peek();
    if (indent.type !== 'indent') {
      throw this.error(`expected an indented block after ${what} on line ${header.lineno}`, indent, 'IndentationError');
    }
    this.next();
    while (this.peek().type !== 'dedent' && this.peek().type !== 'end') this.statement(body);
    if (this.peek().type === 'dedent') this.index += 1;
    return body;
  }

  /**
   * `if`, its `elif`s (each an `If` alone in the previous one's `orelse`, as in CPython) and
   * `else`. Read in a loop; the chain counts towards MAX_EXPRESSION_DEPTH, since running it
   * nests as deep.
   */
  private ifStatement(): A.If {
    const clauses: { start: Token; test: A.Expr; body: A.Stmt[] }[] = [];
    for (;;) {
      const start = this.next();
      if (clauses.length >= MAX_EXPRESSION_DEPTH) throw this.error('too many elif clauses', start);
      const test = this.namedExpression();
      this.expectColon();
      const body = this.block(`'${start.text}' statement`, start);
      clauses.push({ start, test, body });
      if (!this.isKeyword('elif')) break;
    }
    let orelse: A.Stmt[] = [];
    const next = this.peek();
    if (this.isKeyword('else')) {
      this.next();
      this.expectColon(true);
      orelse = this.block("'else' statement", next);
    }
    let node: A.If | null = null;
    for (let i = clauses.length - 1; i >= 0; i--) {
      const { start, test, body } = clauses[i];
      node = { kind: 'If', test, body, orelse, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
      orelse = [node];
    }
    return node!;
  }


  private whileStatement(): A.While {
    const start = this.next();
    const test = this.namedExpression();
    this.expectColon();
    const body = this.loopBody("'while' statement", start);
    const orelse = this.elseBlock();
    return { kind: 'While', test, body, orelse, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.While;
  }

  private forStatement(): A.For {
    const start = this.next();
    const target = this.targetList('Store');
    if (!this.isKeyword('in')) throw this.unexpected();
    this.next();
    const iter = this.starExpressions();
    this.expectColon();
    const body = this.loopBody("'for' statement", start);
    const orelse = this.elseBlock();
    return { kind: 'For', target, iter, body, orelse, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.For;
  }

  private loopBody(what: string, header: Token): A.Stmt[] {
    this.loopDepth += 1;
    try {
      return this.block(what, header);
    } finally {
      this.loopDepth -= 1;
    }
  }

  private elseBlock(): A.Stmt[] {
    const token = this.peek();
    if (!this.isKeyword('else')) return [];
    this.next();
    this.expectColon(true);
    return this.block("'else' statement", token);
  }

  private withStatement(): A.With {
    const start = this.next();
    const items = (this.isOp('(') && this.parenthesizedWithItems()) || this.withItems();
    this.expectColon();
    const body = this.block("'with' statement", start);
    return { kind: 'With', items, body, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.With;
  }

  /** `with (a as b, c):`, when the parentheses hold with-items rather than one expression. */
  private parenthesizedWithItems(): A.WithItem[] | null {
    const saved = this.save();
    try {
      this.next();
      const items: A.WithItem[] = [];
      do {
        if (this.isOp(')')) break;
        items.push(this.withItem());
      } while (this.eatOp(','));
      this.expectOp(')');
      if (this.isOp(':')) return items;
    } catch (error) {
      if (!(error instanceof PythonSyntaxError)) throw error;
    }
    this.restore(saved);
    return null;
  }

  private withItems(): A.WithItem[] {
    const items = [this.withItem()];
    while (this.eatOp(',')) items.push(this.withItem());
    return items;
  }

  private withItem(): A.WithItem {
    const context_expr = this.expression();
    let optional_vars: A.Expr | null = null;
    if (this.eatKeyword('as')) optional_vars = this.target('Store');
    return { kind: 'withitem', context_expr, optional_vars };
  }

  private tryStatement(): A.Try {
    const start = this.next();
    this.expectColon(true);
    const body = this.block("'try' statement", start);
    const handlers: A.ExceptHandler[] = [];
    while (this.isKeyword('except')) {
      const at = this.next();
      if (this.isOp('*')) throw this.error('except* is not supported', this.peek());
      let type: A.Expr | null = null;
      let name: string | null = null;
      if (!this.isOp(':')) {
        type = this.expression();
        if (this.isOp(',')) throw this.error('multiple exception types must be parenthesized', type);
        if (this.eatKeyword('as')) name = this.name();
      }
      this.expectColon();
      const handlerBody = this.block("'except' statement", at);
      handlers.push({ kind: 'ExceptHandler', type, name, body: handlerBody, lineno: at.lineno, col_offset: at.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.ExceptHandler);
    }
    const orelse = handlers.length > 0 ? this.elseBlock() : [];
    let finalbody: A.Stmt[] = [];
    const finallyToken = this.peek();
    if (this.eatKeyword('finally')) {
      this.expectColon(true);
      finalbody = this.block("'finally' statement", finallyToken);
    }
    if (handlers.length === 0 && finalbody.length === 0) throw this.error("expected 'except' or 'finally' block", this.peek());
    return { kind: 'Try', body, handlers, orelse, finalbody, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Try;
  }

  private decorated(): A.FunctionDef | A.ClassDef {
    const decorators: A.Expr[] = [];
    const start = this.peek();
    while (this.isOp('@')) {
      this.next();
      decorators.push(this.namedExpression());
      if (this.peek().type !== 'newline') throw this.unexpected();
      this.next();
    }
    const token = this.peek();
    if (this.isKeyword('def')) return this.functionDef(decorators, start);
    if (this.isKeyword('class')) return this.classDef(decorators, start);
    throw this.unexpected(token);
  }

  private functionDef(decorator_list: A.Expr[], start: Token): A.FunctionDef {
    const def = this.next();
    const name = this.name();
    if (!this.isOp('(')) throw this.error("expected '('", this.peek());
    this.next();
    const args = this.parameters(')', true);
    this.expectOp(')');
    const returns = this.eatOp('->') ? this.expression() : null;
    this.expectColon(true);
    const body = this.functionBody("function definition", def);
    const position = decorator_list.length > 0 ? def : start;
    return { kind: 'FunctionDef', name, args, body, decorator_list, returns, lineno: position.lineno, col_offset: position.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.FunctionDef;
  }

  private functionBody(what: string, header: Token): A.Stmt[] {
    const loops = this.loopDepth;
    this.loopDepth = 0;
    this.functionDepth += 1;
    try {
      return this.block(what, header);
    } finally {
      this.functionDepth -= 1;
      this.loopDepth = loops;
    }
  }

  private classDef(decorator_list: A.Expr[], start: Token): A.ClassDef {
    const token = this.next();
    const name = this.name();
    let bases: A.Expr[] = [];
    let keywords: A.Keyword[] = [];
    if (this.eatOp('(')) {
      ({ args: bases, keywords } = this.callArguments());
      this.expectOp(')');
    }
    this.expectColon();
    const loops = this.loopDepth;
    const functions = this.functionDepth;
    this.loopDepth = 0;
    this.functionDepth = 0;
    let body: A.Stmt[];
    try {
      body = this.block('class definition', token);
    } finally {
      this.loopDepth = loops;
      this.functionDepth = functions;
    }
    const position = decorator_list.length > 0 ? token : start;
    return { kind: 'ClassDef', name, bases, keywords, body, decorator_list, lineno: position.lineno, col_offset: position.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.ClassDef;
  }

  /** A parameter list up to `close` (`)` of a def, `:` of a lambda). */
  private parameters(close: string, annotations: boolean): A.Arguments {
    const posonlyargs: A.Arg[] = [];
    let args: A.Arg[] = [];
    const defaults: A.Expr[] = [];
    let vararg: A.Arg | null = null;
    const kwonlyargs: A.Arg[] = [];
    const kw_defaults: (A.Expr | null)[] = [];
    let kwarg: A.Arg | null = null;
    let star = false;
    const seen = new Set<string>();
    const parameter = (): A.Arg => {
      const token = this.peek();
      const arg = this.name();
      if (seen.has(arg)) this.compileTimeError(`duplicate argument '${arg}' in function definition`, token);
      seen.add(arg);
      const annotation = annotations && this.eatOp(':') ? this.expression() : null;
      return { kind: 'arg', arg, annotation, lineno: token.lineno, col_offset: token.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } satisfies A.Arg;
    };
    while (!this.isOp(close)) {
      const token = this.peek();
      if (kwarg !== null) throw this.error('arguments cannot follow var-keyword argument', token);
      if (this.isOp('/')) {
        if (star || posonlyargs.length > 0) throw this.error("/ may appear only once", token);
        if (args.length === 0) throw this.error('at least one argument must precede /', token);
        this.next();
        posonlyargs.push(...args);
        args = [];
      } else if (this.isOp('*')) {
        if (star) throw this.error('* argument may appear only once', token);
        this.next();
        star = true;
        if (this.isOp(',') || this.isOp(close)) {
          if (this.isOp(close) || this.isOp(close, this.peekAt(1)) || this.isOp('**', this.peekAt(1))) {
            throw this.error('named arguments must follow bare *', token);
          }
        } else {
          vararg = parameter();
          if (this.isOp('=')) throw this.error('var-positional argument cannot have default value', this.peek());
        }
      } else if (this.isOp('**')) {
        this.next();
        kwarg = parameter();
      } else {
        const arg = parameter();
        if (this.eatOp('=')) {
          if (this.isOp(',') || this.isOp(close)) throw this.error('expected default value expression', this.peek());
          const value = this.expression();
          if (star) {
            kwonlyargs.push(arg);
            kw_defaults.push(value);
          } else {
            args.push(arg);
            defaults.push(value);
          }
        } else if (star) {
          kwonlyargs.push(arg);
          kw_defaults.push(null);
        } else {
          if (defaults.length > 0) throw this.error('non-default argument follows default argument', arg);
          args.push(arg);
        }
      }
      if (!this.eatOp(',')) break;
    }
    return { kind: 'arguments', posonlyargs, args, vararg, kwonlyargs, kw_defaults, kwarg, defaults };
  }

  // ---------------------------------------------------------------- targets

  /** `for` targets and `del` targets: items at `|` level (so `in` ends them), commas make a tuple. */
  private targetList(ctx: 'Store' | 'Del'): A.Expr {
    const start = this.peek();
    const first = this.target(ctx);
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.eatOp(',')) {
      if (this.isKeyword('in') || this.isOp('=') || this.atStatementEnd()) break;
      elts.push(this.target(ctx));
    }
    return { kind: 'Tuple', elts, ctx, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  private target(ctx: 'Store' | 'Del'): A.Expr {
    let e: A.Expr;
    if (this.isOp('*')) {
      const star = this.next();
      const value = this.binary(BP_BITWISE_OR);
      e = { kind: 'Starred', value, ctx: 'Load', lineno: star.lineno, col_offset: star.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    } else {
      e = this.binary(BP_BITWISE_OR);
    }
    this.checkTarget(e, ctx, null);
    return e;
  }

  // ---------------------------------------------------------------- expressions

  /** `a, *b, c` (a tuple when there is a comma) or one expression. */
  private starExpressions(): A.Expr {
    const start = this.peek();
    const first = this.starExpression();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.eatOp(',')) {
      if (!this.startsExpression(this.peek()) && !this.isOp('*')) break;
      elts.push(this.starExpression());
    }
    return { kind: 'Tuple', elts, ctx: 'Load', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  private starExpression(): A.Expr {
    return this.isOp('*') ? this.starred() : this.expression();
  }

  private starNamedExpression(): A.Expr {
    return this.isOp('*') ? this.starred() : this.namedExpression();
  }

  /**
   * `*value` in a display or an assignment: the value is at `|` level, but CPython's error rules
   * read it as an expression (`[*a b]` forgot a comma).
   */
  private starred(): A.Starred {
    const star = this.next();
    const startIndex = this.index;
    const value = this.binary(BP_BITWISE_OR);
    if (this.forgotComma(startIndex, value)) throw this.error('invalid syntax. Perhaps you forgot a comma?', value);
    return { kind: 'Starred', value, ctx: 'Load', lineno: star.lineno, col_offset: star.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  /** `name := value` or an expression. */
  private namedExpression(inArguments = false): A.Expr {
    const token = this.peek();
    if (token.type === 'name' && this.isOp(':=', this.peekAt(1))) {
      this.next();
      this.next();
      const target: A.Name = { kind: 'Name', id: token.text, ctx: 'Store', lineno: token.lineno, col_offset: token.col_offset, end_lineno: token.end_lineno, end_col_offset: token.end_col_offset };
      const value = this.expression();
      return { kind: 'NamedExpr', target, value, lineno: token.lineno, col_offset: token.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    }
    const e = this.expression();
    if (this.isOp(':=')) throw this.error(`cannot use assignment expressions with ${exprName(e)}`, e);
    if (this.isOp('=') && !inArguments && !this.speculating) this.invalidNamedExpression(token, e);
    return e;
  }

  /**
   * CPython 3.11's `invalid_named_expression`: `name = value` where a named expression was
   * expected (`if x = 1:`) suggests `==` or `:=`; `f(x) = value` cannot assign.
   */
  private invalidNamedExpression(first: Token, e: A.Expr): void {
    const bitwiseOr = !(e.kind === 'Compare' || e.kind === 'BoolOp' || e.kind === 'IfExp' || e.kind === 'Lambda' || (e.kind === 'UnaryOp' && e.op === 'Not'));
    if (!bitwiseOr) return;
    const saved = this.save();
    this.speculating = true;
    let valueParses = false;
    try {
      this.next();
      this.binary(BP_BITWISE_OR);
      valueParses = !this.isOp('=') && !this.isOp(':=');
    } catch (error) {
      if (!(error instanceof PythonSyntaxError)) throw error;
    } finally {
      this.speculating = false;
    }
    this.restore(saved);
    if (!valueParses) return;
    if (e.kind === 'Name' && first.type === 'name') {
      throw this.error("invalid syntax. Maybe you meant '==' or ':=' instead of '='?", e);
    }
    const excluded =
      e.kind === 'List' || e.kind === 'Tuple' || e.kind === 'GeneratorExp' || (e.kind === 'Constant' && (e.value === null || typeof e.value === 'boolean'));
    if (!excluded) throw this.error(`cannot assign to ${exprName(e)} here. Maybe you meant '==' instead of '='?`, e);
  }

  /** `lambda`, `a if b else c`, or a disjunction. */
  private expression(): A.Expr {
    const startIndex = this.index;
    if (this.isKeyword('lambda')) return this.lambda();
    const body = this.binary(0);
    if (this.isKeyword('if')) {
      // `a if b else c if d else e` nests to the right
      this.enter();
      this.next();
      const test = this.binary(0);
      if (!this.isKeyword('else')) throw this.error("expected 'else' after 'if' expression", body);
      this.next();
      const orelse = this.expression();
      this.depth -= 1;
      return { kind: 'IfExp', test, body, orelse, ...this.span(this.tokens[startIndex]) };
    }
    if (this.forgotComma(startIndex, body)) throw this.error('invalid syntax. Perhaps you forgot a comma?', body);
    if (!this.speculating && body.kind === 'Name' && this.index === startIndex + 1 && this.startsExpression(this.peek())) {
      this.legacyExpression(body);
    }
    return body;
  }

  /**
   * CPython 3.11's `invalid_expression`: an expression directly followed by another one is
   * "invalid syntax. Perhaps you forgot a comma?" (at the first) when the second ends inside
   * brackets. CPython reads the second expression to decide, which counts for which error wins
   * (see `error`). Not when the first starts with a NAME followed by a string, or with a NAME
   * CPython takes for a soft keyword: any prefix of `match` or `case`, or `_` (it compares only
   * the NAME's length), or is `print`/`exec`.
   */
  private forgotComma(startIndex: number, e: A.Expr): boolean {
    if (this.speculating || !this.startsExpression(this.peek())) return false;
    const first = this.tokens[startIndex];
    if (first.type === 'name') {
      const text = first.text;
      if (text === '_' || 'match'.startsWith(text) || 'case'.startsWith(text)) return false;
      if (this.tokens[startIndex + 1].type === 'string') return false;
    }
    const endLevel = this.readSecondExpression();
    if (endLevel <= 0) return false;
    return !(e.kind === 'Name' && (e.id === 'print' || e.id === 'exec'));
  }

  /**
   * CPython 3.11's `invalid_legacy_expression`: after a NAME directly followed by an expression,
   * it reads expressions from there (its own error rules on, so those may raise), and for `print`
   * or `exec` reports the missing parentheses.
   */
  private legacyExpression(name: A.Name): void {
    const saved = this.save();
    let parsed = false;
    try {
      this.starExpressions();
      parsed = true;
    } catch (error) {
      if (!(error instanceof PythonSyntaxError) || !this.plainFailures.has(error)) throw error;
    }
    this.restore(saved);
    if (parsed && (name.id === 'print' || name.id === 'exec')) {
      throw this.error(`Missing parentheses in call to '${name.id}'. Did you mean ${name.id}(...)?`, name);
    }
  }

  /**
   * Reads the expression at the current token as CPython's `expression_without_invalid` would,
   * then goes back: returns the bracket level after its last token, or -1 when it does not parse.
   */
  private readSecondExpression(): number {
    const saved = this.save();
    const first = this.peek();
    this.speculating = true;
    // a failed parse still yields the first atom, PEG going back to the longest rule that matched
    let parses = first.type === 'name' || first.type === 'number' || first.type === 'string' || (first.type === 'keyword' && EXPRESSION_KEYWORDS.has(first.text) && first.text !== 'not' && first.text !== 'lambda');
    try {
      this.expression();
      parses = true;
    } catch (error) {
      if (!(error instanceof PythonSyntaxError)) throw error;
    } finally {
      this.speculating = false;
    }
    this.restore(saved);
    return parses ? first.level - (this.isOpening(first) ? 1 : 0) : -1;
  }

  private isOpening(token: Token): boolean {
    return token.type === 'op' && (token.text === '(' || token.text === '[' || token.text === '{');
  }

  /** Whether a token can start an expression that cannot continue the one before it. */
  private startsExpression(token: Token): boolean {
    switch (token.type) {
      case 'name':
      case 'number':
      case 'string':
        return true;
      case 'keyword':
        return EXPRESSION_KEYWORDS.has(token.text);
      case 'op':
        return token.text === '{' || token.text === '~' || token.text === '...' || token.text === '(' || token.text === '[' || token.text === '-' || token.text === '+';
      default:
        return false;
    }
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_EXPRESSION_DEPTH) throw this.error('expression nested too deeply', this.peek());
  }

  private lambda(): A.Lambda {
    const start = this.next();
    this.enter();
    const args = this.parameters(':', false);
    this.expectColon();
    this.functionDepth += 1;
    const loops = this.loopDepth;
    this.loopDepth = 0;
    const body = this.expression();
    this.loopDepth = loops;
    this.functionDepth -= 1;
    this.depth -= 1;
    return { kind: 'Lambda', args, body, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  /** The Pratt loop: operators binding at least as tightly as `minBp`. */
  private binary(minBp: number): A.Expr {
    this.enter();
    // every operator applied here nests the tree one level deeper (`x + x + ...` leans left)
    let levels = 1;
    // compound nodes start at the operand's first token (a parenthesis included)
    const start = this.peek();
    let lhs = this.prefix(minBp);
    for (;;) {
      const token = this.peek();
      if (token.type !== 'op' && token.type !== 'keyword') break;
      if (token.type === 'op' && (token.text === '(' || token.text === '[' || token.text === '.')) {
        // `x[]` is no subscript: CPython's PEG parser ends the expression before `[`
        if (token.text === '[' && this.isOp(']', this.peekAt(1))) break;
        this.enter();
        levels += 1;
        lhs = this.postfix(lhs, token, start);
        continue;
      }
      const rule = INFIX.get(token.text);
      if (rule === undefined || rule.left < minBp) break;
      this.enter();
      levels += 1;
      if (rule.kind === 'binary') {
        if (token.type !== 'op') break;
        this.next();
        const right = this.binary(rule.right);
        lhs = { kind: 'BinOp', left: lhs, op: rule.op, right, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
      } else if (rule.kind === 'bool') {
        if (token.type !== 'keyword') break;
        const values = [lhs];
        while (this.isKeyword(token.text)) {
          this.next();
          values.push(this.binary(rule.right));
        }
        lhs = { kind: 'BoolOp', op: rule.op, values, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
      } else {
        const ops: A.CompareOperator[] = [];
        const comparators: A.Expr[] = [];
        for (;;) {
          const op = this.comparisonOperator();
          if (op === null) break;
          ops.push(op);
          comparators.push(this.binary(rule.right));
        }
        if (ops.length === 0) break;
        lhs = { kind: 'Compare', left: lhs, ops, comparators, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
      }
    }
    this.depth -= levels;
    return lhs;
  }

  /** Consumes a comparison operator (`not in` and `is not` are two tokens) or returns null. */
  private comparisonOperator(): A.CompareOperator | null {
    const token = this.peek();
    if (token.type === 'op') {
      const rule = INFIX.get(token.text);
      if (rule?.kind !== 'compare') return null;
      this.next();
      return rule.op;
    }
    if (token.type !== 'keyword') return null;
    if (token.text === 'in') {
      this.next();
      return 'In';
    }
    if (token.text === 'not' && this.isKeyword('in', this.peekAt(1))) {
      this.next();
      this.next();
      return 'NotIn';
    }
    if (token.text === 'is') {
      this.next();
      return this.eatKeyword('not') ? 'IsNot' : 'Is';
    }
    return null;
  }

  /** An operand: prefix operators, literals, names, displays, parenthesized expressions. */
  private prefix(minBp: number): A.Expr {
    const token = this.peek();
    switch (token.type) {
      case 'name':
        this.next();
        return { kind: 'Name', id: token.text, ctx: 'Load', lineno: token.lineno, col_offset: token.col_offset, end_lineno: token.end_lineno, end_col_offset: token.end_col_offset };
      case 'number':
        this.next();
        return { kind: 'Constant', value: token.value as bigint | number, lineno: token.lineno, col_offset: token.col_offset, end_lineno: token.end_lineno, end_col_offset: token.end_col_offset };
      case 'string':
        return this.strings();
      case 'keyword':
        switch (token.text) {
          case 'None':
          case 'True':
          case 'False':
            this.next();
            return { kind: 'Constant', value: token.text === 'None' ? null : token.text === 'True', lineno: token.lineno, col_offset: token.col_offset, end_lineno: token.end_lineno, end_col_offset: token.end_col_offset };
          case 'not':
            // `not` applies to a comparison; it may follow `and`, `or` and another `not`
            if (minBp > BP_NOT_OPERAND) break;
            this.next();
            return { kind: 'UnaryOp', op: 'Not', operand: this.binary(BP_NOT_OPERAND), lineno: token.lineno, col_offset: token.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
          case 'await':
            throw this.error("'await' outside async function", token);
        }
        break;
      case 'op': {
        const unary = PREFIX.get(token.text);
        if (unary !== undefined) {
          this.next();
          return { kind: 'UnaryOp', op: unary, operand: this.binary(BP_UNARY_OPERAND), lineno: token.lineno, col_offset: token.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
        }
        switch (token.text) {
          case '(':
            return this.parenthesized();
          case '[':
            return this.listDisplay();
          case '{':
            return this.braceDisplay();
          case '...':
            this.next();
            return { kind: 'Constant', value: Ellipsis, lineno: token.lineno, col_offset: token.col_offset, end_lineno: token.end_lineno, end_col_offset: token.end_col_offset };
        }
        break;
      }
    }
    throw this.unexpected(token);
  }

  private postfix(lhs: A.Expr, token: Token, start: Token): A.Expr {
    this.next();
    if (token.text === '.') {
      const attr = this.name();
      return { kind: 'Attribute', value: lhs, attr, ctx: 'Load', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    }
    if (token.text === '(') {
      const { args, keywords } = this.callArguments(token);
      this.expectOp(')');
      return { kind: 'Call', func: lhs, args, keywords, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    }
    const slice = this.slices();
    this.expectOp(']');
    return { kind: 'Subscript', value: lhs, slice, ctx: 'Load', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  /** Arguments of a call or a class: positional, `*x`, `name=value`, `**x`, up to `)`. */
  private callArguments(open?: Token): { args: A.Expr[]; keywords: A.Keyword[] } {
    const args: A.Expr[] = [];
    const keywords: A.Keyword[] = [];
    let sawKeywordUnpacking = false;
    while (!this.isOp(')')) {
      const token = this.peek();
      if (this.isOp('*')) {
        if (sawKeywordUnpacking) throw this.error('iterable argument unpacking follows keyword argument unpacking', token);
        this.next();
        const value = this.expression();
        args.push({ kind: 'Starred', value, ctx: 'Load', lineno: token.lineno, col_offset: token.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol });
      } else if (this.isOp('**')) {
        this.next();
        const value = this.expression();
        keywords.push({ kind: 'keyword', arg: null, value, lineno: token.lineno, col_offset: token.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol });
        sawKeywordUnpacking = true;
      } else if (token.type === 'name' && this.isOp('=', this.peekAt(1))) {
        this.next();
        this.next();
        const value = this.expression();
        if (keywords.some((k) => k.arg === token.text)) this.compileTimeError(`keyword argument repeated: ${token.text}`, token);
        keywords.push({ kind: 'keyword', arg: token.text, value, lineno: token.lineno, col_offset: token.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol });
      } else {
        let e = this.namedExpression(true);
        if (this.isKeyword('for')) {
          const generators = this.comprehensionClauses();
          const from = open ?? e;
          e = { kind: 'GeneratorExp', elt: e, generators, lineno: from.lineno, col_offset: from.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
          if (open !== undefined && this.isOp(')')) {
            e.end_lineno = this.peek().end_lineno;
            e.end_col_offset = this.peek().end_col_offset;
          }
          if (args.length > 0 || keywords.length > 0 || this.isOp(',')) {
            if (!(this.isOp(',') && this.isOp(')', this.peekAt(1)) && args.length === 0 && keywords.length === 0)) {
              throw this.error('Generator expression must be parenthesized', e);
            }
          }
        } else if (this.isOp('=')) {
          throw this.error('expression cannot contain assignment, perhaps you meant "=="?', e);
        }
        if (keywords.length > 0) {
          throw this.error(
            sawKeywordUnpacking ? 'positional argument follows keyword argument unpacking' : 'positional argument follows keyword argument',
            e,
          );
        }
        args.push(e);
      }
      if (!this.eatOp(',')) break;
    }
    return { args, keywords };
  }

  /** Inside `[...]` of a subscript: one slice or expression, or a tuple of them. */
  private slices(): A.Expr {
    const start = this.peek();
    const first = this.slice();
    if (!this.isOp(',')) {
      // `x[*a]` indexes with a tuple
      return first.kind === 'Starred' ? { kind: 'Tuple', elts: [first], ctx: 'Load', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol } : first;
    }
    const elts = [first];
    while (this.eatOp(',')) {
      if (this.isOp(']')) break;
      elts.push(this.slice());
    }
    return { kind: 'Tuple', elts, ctx: 'Load', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  private slice(): A.Expr {
    const start = this.peek();
    if (this.isOp('*')) {
      // in a subscript, `*` takes a whole expression
      const star = this.next();
      const value = this.expression();
      return { kind: 'Starred', value, ctx: 'Load', lineno: star.lineno, col_offset: star.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    }
    let lower: A.Expr | null = null;
    if (!this.isOp(':')) {
      lower = this.namedExpression();
      if (!this.isOp(':')) return lower;
    }
    this.next();
    const upper = this.isOp(':') || this.isOp(']') || this.isOp(',') ? null : this.expression();
    let step: A.Expr | null = null;
    if (this.eatOp(':')) step = this.isOp(']') || this.isOp(',') ? null : this.expression();
    return { kind: 'Slice', lower, upper, step, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  /** `(...)`: an expression, a tuple, a generator expression or a yield. */
  private parenthesized(): A.Expr {
    const open = this.next();
    if (this.isOp(')')) {
      this.next();
      return { kind: 'Tuple', elts: [], ctx: 'Load', lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    }
    const e = this.parenthesizedBody(open);
    this.expectOp(')');
    // a tuple or generator these parentheses make spans them (not one in nested parentheses)
    if (e === this.builtInParentheses) {
      e.lineno = open.lineno;
      e.col_offset = open.col_offset;
      e.end_lineno = this.endLine;
      e.end_col_offset = this.endCol;
    }
    return e;
  }

  /** What may stand between parentheses (also an f-string's replacement field). */
  private parenthesizedBody(open: Token | null): A.Expr {
    if (this.isKeyword('yield')) return this.yieldExpression();
    const start = this.peek();
    const first = this.starNamedExpression();
    if (this.isKeyword('for') && first.kind !== 'Starred') {
      const generators = this.comprehensionClauses();
      return (this.builtInParentheses = { kind: 'GeneratorExp', elt: first, generators, ...this.span(open ?? start) });
    }
    if (!this.isOp(',')) {
      if (first.kind === 'Starred') throw this.error('cannot use starred expression here', first);
      return first;
    }
    const elts = [first];
    while (this.eatOp(',')) {
      if (this.isOp(')') || this.peek().type === 'end') break;
      elts.push(this.starNamedExpression());
    }
    return (this.builtInParentheses = { kind: 'Tuple', elts, ctx: 'Load', lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol });
  }

  private yieldExpression(): A.Expr {
    const start = this.next();
    if (this.functionDepth === 0) this.compileTimeError("'yield' outside function", start);
    if (this.eatKeyword('from')) {
      const value = this.expression();
      return { kind: 'YieldFrom', value, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    }
    const value = this.atYieldEnd() ? null : this.starExpressions();
    return { kind: 'Yield', value, lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  private atYieldEnd(): boolean {
    const token = this.peek();
    if (token.type === 'newline' || token.type === 'end') return true;
    return token.type === 'op' && (token.text === ')' || token.text === ']' || token.text === '}' || token.text === ';' || token.text === '=');
  }

  private listDisplay(): A.Expr {
    const open = this.next();
    if (this.eatOp(']')) return { kind: 'List', elts: [], ctx: 'Load', lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    const first = this.starNamedExpression();
    if (this.isKeyword('for') && first.kind !== 'Starred') {
      const generators = this.comprehensionClauses();
      this.expectOp(']');
      return { kind: 'ListComp', elt: first, generators, lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    }
    const elts = [first];
    while (this.eatOp(',')) {
      if (this.isOp(']')) break;
      elts.push(this.starNamedExpression());
    }
    this.expectOp(']');
    return { kind: 'List', elts, ctx: 'Load', lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  /** `{}` and `{k: v}` (dicts), `{a, b}` (sets), and their comprehensions. */
  private braceDisplay(): A.Expr {
    const open = this.next();
    if (this.eatOp('}')) return { kind: 'Dict', keys: [], values: [], lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
    const keys: (A.Expr | null)[] = [];
    const values: A.Expr[] = [];
    const dictItem = (): void => {
      if (this.eatOp('**')) {
        keys.push(null);
        values.push(this.binary(BP_BITWISE_OR));
        return;
      }
      const key = this.expression();
      keys.push(key);
      if (!this.isOp(':')) {
        if (this.isOp(',') || this.isOp('}')) throw this.error("':' expected after dictionary key", key);
        throw this.unexpected();
      }
      this.next();
      if (this.isOp(',') || this.isOp('}')) throw this.error("expression expected after dictionary key and ':'", key);
      values.push(this.expression());
    };
    if (this.isOp('**')) {
      dictItem();
    } else {
      const first = this.starNamedExpression();
      if (this.isOp(':') && first.kind !== 'Starred') {
        this.next();
        if (this.isOp(',') || this.isOp('}')) throw this.error("expression expected after dictionary key and ':'", first);
        const value = this.expression();
        if (this.isKeyword('for')) {
          const generators = this.comprehensionClauses();
          this.expectOp('}');
          return { kind: 'DictComp', key: first, value, generators, lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
        }
        keys.push(first);
        values.push(value);
      } else {
        if (this.isKeyword('for') && first.kind !== 'Starred') {
          const generators = this.comprehensionClauses();
          this.expectOp('}');
          return { kind: 'SetComp', elt: first, generators, lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
        }
        const elts = [first];
        while (this.eatOp(',')) {
          if (this.isOp('}')) break;
          elts.push(this.starNamedExpression());
        }
        this.expectOp('}');
        return { kind: 'Set', elts, lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
      }
    }
    while (this.eatOp(',')) {
      if (this.isOp('}')) break;
      dictItem();
    }
    this.expectOp('}');
    return { kind: 'Dict', keys, values, lineno: open.lineno, col_offset: open.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  /** `for target in iter if cond ...` clauses, one or more. */
  private comprehensionClauses(): A.Comprehension[] {
    const generators: A.Comprehension[] = [];
    while (this.isKeyword('for')) {
      this.next();
      const target = this.targetList('Store');
      if (!this.isKeyword('in')) throw this.unexpected();
      this.next();
      const iter = this.binary(0);
      const ifs: A.Expr[] = [];
      while (this.eatKeyword('if')) ifs.push(this.binary(0));
      generators.push({ kind: 'comprehension', target, iter, ifs, is_async: 0 });
    }
    if (this.isKeyword('async')) throw this.error('asynchronous comprehensions are not supported', this.peek());
    return generators;
  }

  // ---------------------------------------------------------------- strings and f-strings

  /** Adjacent string literals, concatenated: a str or bytes Constant, or a JoinedStr when one is an f-string. */
  private strings(): A.Expr {
    const first = this.peek();
    const literals: StringLiteral[] = [];
    let formatted = false;
    let bytes = 0;
    while (this.peek().type === 'string') {
      const literal = this.next().value as StringLiteral;
      literals.push(literal);
      if (literal.kind === 'fstring') formatted = true;
      if (literal.kind === 'bytes') bytes += 1;
    }
    const span = this.span(first);
    if (bytes > 0 && bytes < literals.length) throw this.error('cannot mix bytes and nonbytes literals', first);
    if (bytes > 0) {
      if (literals.length === 1) return { kind: 'Constant', value: literals[0].value as Uint8Array, ...span };
      const parts = literals.map((l) => l.value as Uint8Array);
      const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        joined.set(part, at);
        at += part.length;
      }
      return { kind: 'Constant', value: joined, ...span };
    }
    if (!formatted) {
      if (literals.length === 1) return { kind: 'Constant', value: literals[0].value as string, ...span };
      return { kind: 'Constant', value: literals.map((l) => l.value as string).join(''), ...span };
    }
    const values: (A.Constant | A.FormattedValue)[] = [];
    const builder = new FStringBuilder(values, span);
    for (const literal of literals) {
      if (literal.kind === 'str') builder.text(literal.value as string);
      else this.fstringBody(literal, literal.bodyStart, literal.bodyEnd, literal.bodyLine, literal.bodyStart - literal.bodyCol, 0, builder);
    }
    builder.flush();
    return { kind: 'JoinedStr', values, ...span };
  }

  /**
   * The literal parts and replacement fields of an f-string's text `[start, end)` (a format spec
   * when `level` is 1), CPython 3.11's fstring_find_literal and fstring_find_expr. Returns where
   * it stopped: `end`, or the `}` closing a format spec.
   */
  private fstringBody(
    literal: StringLiteral,
    start: number,
    end: number,
    line: number,
    lineStart: number,
    level: number,
    out: FStringBuilder,
  ): { pos: number; line: number; lineStart: number } {
    const s = this.text;
    let pos = start;
    while (pos < end) {
      let chunk = pos;
      // the literal part, up to `{` or `}`
      while (pos < end) {
        const c = s.charCodeAt(pos);
        if (!literal.raw && c === 92 /* \ */ && pos + 1 < end) {
          const d = s.charCodeAt(pos + 1);
          if (d === 78 /* N */ && s.charCodeAt(pos + 2) === 123) {
            pos = s.indexOf('}', pos);
            pos = pos < 0 || pos >= end ? end : pos + 1;
            continue;
          }
          if (d === 123 /* { */) {
            pos += 1;
            continue;
          }
          if (d === 10) {
            line += 1;
            lineStart = pos + 2;
          }
          pos += 2;
          continue;
        }
        if (c === 10) {
          line += 1;
          lineStart = pos + 1;
        } else if (c === 123 || c === 125) {
          if (level === 0 && s.charCodeAt(pos + 1) === c && pos + 1 < end) {
            out.text(this.fstringLiteral(literal, chunk, pos + 1));
            pos += 2;
            chunk = pos;
            continue;
          }
          if (c === 125 && level === 0) throw this.fstringError("f-string: single '}' is not allowed");
          break;
        }
        pos += 1;
      }
      if (pos > chunk) out.text(this.fstringLiteral(literal, chunk, pos));
      if (pos >= end || s.charCodeAt(pos) === 125) break;
      ({ pos, line, lineStart } = this.fstringField(literal, pos, end, line, lineStart, level, out));
    }
    return { pos, line, lineStart };
  }

  private fstringLiteral(literal: StringLiteral, start: number, end: number): string {
    if (literal.raw) return this.text.slice(start, end);
    try {
      return decodeEscapes(this.text, start, end, false);
    } catch (error) {
      if (error instanceof EscapeError) throw this.fstringError(error.message);
      throw error;
    }
  }

  /** One `{expression=!conversion:spec}` starting at `open` (the `{`). */
  private fstringField(
    literal: StringLiteral,
    open: number,
    end: number,
    line: number,
    lineStart: number,
    level: number,
    out: FStringBuilder,
  ): { pos: number; line: number; lineStart: number } {
    if (level >= 2) throw this.fstringError('f-string: expressions nested too deeply');
    const s = this.text;
    const exprStart = open + 1;
    const exprLine = line;
    const exprLineStart = lineStart;
    let pos = exprStart;
    let quote = 0;
    let tripleQuote = false;
    const brackets: number[] = [];
    for (; pos < end; pos++) {
      const c = s.charCodeAt(pos);
      if (c === 92) throw this.fstringError('f-string expression part cannot include a backslash');
      if (c === 10) {
        line += 1;
        lineStart = pos + 1;
      }
      if (quote !== 0) {
        if (c === quote) {
          if (!tripleQuote) quote = 0;
          else if (pos + 2 < end && s.charCodeAt(pos + 1) === c && s.charCodeAt(pos + 2) === c) {
            pos += 2;
            quote = 0;
          }
        }
        continue;
      }
      if (c === 39 || c === 34) {
        tripleQuote = pos + 2 < end && s.charCodeAt(pos + 1) === c && s.charCodeAt(pos + 2) === c;
        if (tripleQuote) pos += 2;
        quote = c;
      } else if (c === 40 || c === 91 || c === 123) {
        if (brackets.length >= 200) throw this.fstringError('f-string: too many nested parenthesis');
        brackets.push(c);
      } else if (c === 35) {
        throw this.fstringError("f-string expression part cannot include '#'");
      } else if (brackets.length === 0 && (c === 33 || c === 58 || c === 125 || c === 61 || c === 62 || c === 60)) {
        const d = pos + 1 < end ? s.charCodeAt(pos + 1) : 0;
        if (d === 61 && c !== 58 && c !== 125) {
          pos += 1;
          continue;
        }
        if (c === 62 || c === 60) continue;
        break;
      } else if (c === 41 || c === 93 || c === 125) {
        if (brackets.length === 0) throw this.fstringError(`f-string: unmatched '${String.fromCharCode(c)}'`);
        const opening = brackets.pop()!;
        if (opening !== (c === 41 ? 40 : c === 93 ? 91 : 123)) {
          throw this.fstringError(
            `f-string: closing parenthesis '${String.fromCharCode(c)}' does not match opening parenthesis '${String.fromCharCode(opening)}'`,
          );
        }
      }
    }
    if (quote !== 0) throw this.fstringError('f-string: unterminated string');
    if (brackets.length > 0) throw this.fstringError(`f-string: unmatched '${String.fromCharCode(brackets[brackets.length - 1])}'`);
    if (pos >= end) throw this.fstringError("f-string: expecting '}'");
    const exprEnd = pos;
    if (isBlank(s, exprStart, exprEnd)) {
      const c = s.charCodeAt(exprEnd);
      if (c === 33 || c === 58 || c === 61) throw this.fstringError(`f-string: expression required before '${s[exprEnd]}'`);
      throw this.fstringError('f-string: empty expression not allowed');
    }
    const value = this.fstringExpression(exprStart, exprEnd, exprLine, exprStart - exprLineStart);

    let selfDocumenting: string | null = null;
    if (s.charCodeAt(pos) === 61 /* = */) {
      pos += 1;
      while (pos < end && isPythonSpace(s.charCodeAt(pos))) {
        if (s.charCodeAt(pos) === 10) {
          line += 1;
          lineStart = pos + 1;
        }
        pos += 1;
      }
      if (pos >= end) throw this.fstringError("f-string: expecting '}'");
      selfDocumenting = s.slice(exprStart, pos);
    }
    let conversion = -1;
    if (s.charCodeAt(pos) === 33 /* ! */) {
      pos += 1;
      if (pos >= end) throw this.fstringError("f-string: expecting '}'");
      conversion = s.charCodeAt(pos);
      pos += 1;
      if (conversion !== 115 && conversion !== 114 && conversion !== 97) {
        throw this.fstringError("f-string: invalid conversion character: expected 's', 'r', or 'a'");
      }
    }
    let format_spec: A.JoinedStr | null = null;
    if (pos < end && s.charCodeAt(pos) === 58 /* : */) {
      pos += 1;
      if (pos >= end) throw this.fstringError("f-string: expecting '}'");
      const specValues: (A.Constant | A.FormattedValue)[] = [];
      const spec = new FStringBuilder(specValues, out.span);
      ({ pos, line, lineStart } = this.fstringBody(literal, pos, end, line, lineStart, level + 1, spec));
      spec.flush();
      format_spec = { kind: 'JoinedStr', values: specValues, ...out.span };
    }
    if (pos >= end || s.charCodeAt(pos) !== 125) throw this.fstringError("f-string: expecting '}'");
    pos += 1;
    if (selfDocumenting !== null) {
      out.text(selfDocumenting);
      if (format_spec === null && conversion === -1) conversion = 114;
    }
    out.field({ kind: 'FormattedValue', value, conversion, format_spec, ...out.span });
    return { pos, line, lineStart };
  }

  /** Parses a replacement field's expression as CPython does: as if between parentheses. */
  private fstringExpression(start: number, end: number, line: number, col: number): A.Expr {
    let tokens: Token[];
    try {
      tokens = tokenizeFStringExpression(this.text, start, end, line, col);
    } catch (error) {
      if (error instanceof PythonSyntaxError) throw this.fstringError(error.message);
      throw error;
    }
    const saved = this.save();
    const savedTokens = this.tokens;
    const savedFurthest = this.furthest;
    if (this.fstringDepth === 0) this.outerFurthest = this.furthest;
    this.tokens = tokens;
    this.index = 0;
    this.furthest = 0;
    this.fstringDepth += 1;
    try {
      const e = this.parenthesizedBody(null);
      if (this.peek().type !== 'end') throw this.unexpected();
      return e;
    } finally {
      this.fstringDepth -= 1;
      this.tokens = savedTokens;
      this.furthest = savedFurthest;
      const compileError = this.compileError;
      this.restore(saved);
      this.compileError = compileError;
    }
  }

  /**
   * An error in an f-string's own syntax: CPython 3.11 reports it on the line of the furthest
   * token read, the one after the string.
   */
  private fstringError(message: string): PythonSyntaxError {
    const furthest = this.mainTokens[this.fstringDepth > 0 ? this.outerFurthest : this.furthest];
    return this.error(message, { lineno: furthest.lineno, col_offset: furthest.col_offset });
  }

  // ---------------------------------------------------------------- positions and state

  /** From `start` to the end of the last token consumed. */
  private span(start: Position): A.Located {
    return { lineno: start.lineno, col_offset: start.col_offset, end_lineno: this.endLine, end_col_offset: this.endCol };
  }

  private save(): SavedState {
    return { index: this.index, endLine: this.endLine, endCol: this.endCol, depth: this.depth, compileError: this.compileError };
  }

  private restore(state: SavedState): void {
    this.index = state.index;
    this.endLine = state.endLine;
    this.endCol = state.endCol;
    this.depth = state.depth;
    this.compileError = state.compileError;
  }
}

interface SavedState {
  index: number;
  endLine: number;
  endCol: number;
  depth: number;
  compileError: PythonSyntaxError | null;
}

/** Only the whitespace CPython's parser skips in an f-string field: space, tab, newline, form feed. */
function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 12) return false;
  }
  return true;
}

function isPythonSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Collects an f-string's parts, merging adjacent literal text; every part spans the whole string (as in 3.11). */
class FStringBuilder {
  private pending = '';

  constructor(
    private readonly values: (A.Constant | A.FormattedValue)[],
    readonly span: A.Located,
  ) {}

  text(text: string): void {
    this.pending += text;
  }

  field(value: A.FormattedValue): void {
    this.flush();
    this.values.push(value);
  }

  flush(): void {
    if (this.pending === '') return;
    this.values.push({ kind: 'Constant', value: this.pending, ...this.span });
    this.pending = '';
  }
}
