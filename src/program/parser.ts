import { ProblemError } from '../errors.js';
import type { BinaryOperator, Expr, Keyword, Program, Statement, UnaryOperator } from './ast.js';
import { resolveLimits, type ProgramLimits } from './graph.js';
import { tokenize, type Position, type Token } from './lexer.js';

/**
 * The one binding-power table, Python's precedence from loosest to tightest:
 * `+ -`, then `* / @`, then unary `- +`, then `**`, then call and attribute.
 * `**` binds right to left (its left power is the larger) and tighter than a
 * unary minus on its left (`-x ** 2` is `-(x ** 2)`); its right operand may be
 * unary (`2 ** -x`), as any operand may.
 */
const BINDING_POWER: ReadonlyMap<string, { prefix?: number; infix?: readonly [left: number, right: number]; postfix?: number }> = new Map([
  ['+', { infix: [1, 2], prefix: 5 }],
  ['-', { infix: [1, 2], prefix: 5 }],
  ['*', { infix: [3, 4] }],
  ['/', { infix: [3, 4] }],
  ['@', { infix: [3, 4] }],
  ['**', { infix: [8, 7] }],
  ['(', { postfix: 9 }],
  ['.', { postfix: 9 }],
]);

/** Names whose attributes are functions rather than methods: `torch.sum(x)`, `F.relu(x)`. */
export const MODULE_NAMES: ReadonlySet<string> = new Set(['torch', 'F']);

/** Python operators that lex but mean nothing here. */
const UNSUPPORTED_OPERATORS: ReadonlySet<string> = new Set([
  '//', '%', '==', '!=', '<', '>', '<=', '>=', '<<', '>>', '&', '|', '^', '~',
  '+=', '-=', '*=', '/=', '@=', '%=', '**=', '//=', '&=', '|=', '^=', '>>=', '<<=', ':=', '->',
]);

/** Parses a program: statements separated by newlines or `;`, the last of which may be a bare expression. */
export function parse(source: string, limits: Partial<ProgramLimits> = {}): Program {
  const resolved = resolveLimits(limits);
  if (source.length > resolved.maxExprLength) {
    throw new ProblemError('limit-exceeded', `expression longer than ${resolved.maxExprLength} characters`, {
      limit: { name: 'maxExprLength', value: resolved.maxExprLength },
    });
  }
  return new Parser(tokenize(source), resolved).program();
}

function positionOf(token: Token): Position {
  return { line: token.line, column: token.column, offset: token.offset };
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly limits: ProgramLimits,
  ) {}

  program(): Program {
    const statements: Statement[] = [];
    for (;;) {
      while (this.isSeparator(this.peek())) this.index += 1;
      const start = this.peek();
      if (start.kind === 'eof') break;
      if (statements.length >= this.limits.maxStatements) {
        throw new ProblemError('limit-exceeded', `program has more than ${this.limits.maxStatements} statements`, {
          limit: { name: 'maxStatements', value: this.limits.maxStatements },
          position: positionOf(start),
        });
      }
      const statement = this.statement();
      const end = this.peek();
      if (!this.isSeparator(end) && end.kind !== 'eof') {
        if (this.isOperator(end, '=')) throw this.assignmentError(statement, end);
        throw this.unexpected(end, "a new line or ';' after the statement");
      }
      statements.push(statement);
    }
    if (statements.length === 0) {
      throw this.problem('the program is empty: expected at least one statement', this.peek());
    }
    const bare = statements.slice(0, -1).find((s) => s.target === null);
    if (bare) {
      throw new ProblemError('parse-error', 'only the last statement may be a bare expression; give this one a name (name = ...)', {
        position: bare.at,
      });
    }
    return { statements };
  }

  private statement(): Statement {
    const start = this.peek();
    if (start.kind === 'keyword' && (start.text === 'import' || start.text === 'from')) {
      throw this.problem('import statements are not needed: torch, torch.nn.functional (F) and torch.autograd are always available', start);
    }
    if (start.kind === 'name' && this.isOperator(this.peek(1), '=')) {
      this.index += 2;
      return { target: start.text, expr: this.expression(0), at: positionOf(start) };
    }
    return { target: null, expr: this.expression(0), at: positionOf(start) };
  }

  /** The Pratt loop: everything that binds at least as tightly as `minBp`. */
  private expression(minBp: number): Expr {
    if (this.depth >= this.limits.maxDepth) {
      throw new ProblemError('limit-exceeded', `expression nesting deeper than ${this.limits.maxDepth}`, {
        limit: { name: 'maxDepth', value: this.limits.maxDepth },
        position: positionOf(this.peek()),
      });
    }
    this.depth += 1;
    let lhs = this.operand();
    for (;;) {
      const token = this.peek();
      const power = token.kind === 'operator' ? BINDING_POWER.get(token.text) : undefined;
      if (power?.postfix !== undefined) {
        if (power.postfix < minBp) break;
        this.index += 1;
        lhs = this.postfix(lhs, token);
      } else if (power?.infix !== undefined) {
        const [left, right] = power.infix;
        if (left < minBp) break;
        this.index += 1;
        const rhs = this.expression(right);
        lhs = { kind: 'binary', op: token.text as BinaryOperator, left: lhs, right: rhs, at: positionOf(token) };
      } else {
        break;
      }
    }
    this.depth -= 1;
    return lhs;
  }

  /** A literal, a name, a parenthesised expression or tuple, a list, or a prefix operator and its operand. */
  private operand(): Expr {
    const token = this.next();
    const at = positionOf(token);
    if (token.kind === 'number') return { kind: 'number', value: token.value!, integer: token.integer!, at };
    if (token.kind === 'name') return { kind: 'name', name: token.text, at };
    if (token.kind === 'keyword' && (token.text === 'True' || token.text === 'False' || token.text === 'None')) {
      return { kind: 'constant', value: token.text === 'None' ? null : token.text === 'True', at };
    }
    if (token.kind === 'operator') {
      const prefix = BINDING_POWER.get(token.text)?.prefix;
      if (prefix !== undefined) return { kind: 'unary', op: token.text as UnaryOperator, operand: this.expression(prefix), at };
      if (token.text === '(') return this.parenthesised(token);
      if (token.text === '[') return { kind: 'sequence', brackets: 'list', items: this.items(']'), at };
    }
    throw this.unexpected(token, 'an expression');
  }

  /** After `(`: an expression in parentheses, or a tuple when there is a comma (`()`, `(2,)`, `(2, 3)`). */
  private parenthesised(open: Token): Expr {
    if (this.isOperator(this.peek(), ')')) {
      this.index += 1;
      return { kind: 'sequence', brackets: 'tuple', items: [], at: positionOf(open) };
    }
    const first = this.expression(0);
    if (this.isOperator(this.peek(), ',')) {
      this.index += 1;
      return { kind: 'sequence', brackets: 'tuple', items: [first, ...this.items(')')], at: positionOf(open) };
    }
    this.expect(')');
    return first;
  }

  /** Comma-separated expressions up to `close`, a trailing comma allowed. */
  private items(close: string): Expr[] {
    const items: Expr[] = [];
    while (!this.isOperator(this.peek(), close)) {
      items.push(this.expression(0));
      if (!this.isOperator(this.peek(), ',')) break;
      this.index += 1;
    }
    this.expect(close);
    return items;
  }

  private postfix(lhs: Expr, token: Token): Expr {
    if (token.text === '.') {
      const name = this.next();
      if (name.kind !== 'name') throw this.unexpected(name, "an attribute name after '.'");
      return { kind: 'attribute', object: lhs, name: name.text, at: positionOf(name) };
    }
    const { args, kwargs } = this.arguments();
    if (lhs.kind === 'name') return { kind: 'call', callee: lhs.name, args, kwargs, at: lhs.at };
    if (lhs.kind === 'attribute') {
      const path = dottedName(lhs);
      // `torch.f(...)`, and `SQ.apply(...)`, how a custom autograd function is called in PyTorch
      if (path !== null && (MODULE_NAMES.has(path[0].name) || (path.length === 2 && path[1].name === 'apply'))) {
        return { kind: 'call', callee: path.map((p) => p.name).join('.'), args, kwargs, at: path[0].at };
      }
      return { kind: 'method', receiver: lhs.object, name: lhs.name, args, kwargs, at: lhs.at };
    }
    throw this.problem('only functions and methods can be called', token);
  }

  /** After `(` of a call: positional arguments, then keyword arguments, up to `)`. */
  private arguments(): { args: Expr[]; kwargs: Keyword[] } {
    const args: Expr[] = [];
    const kwargs: Keyword[] = [];
    while (!this.isOperator(this.peek(), ')')) {
      const start = this.peek();
      if (start.kind === 'name' && this.isOperator(this.peek(1), '=')) {
        if (kwargs.some((k) => k.name === start.text)) throw this.problem(`keyword argument repeated: ${start.text}`, start);
        this.index += 2;
        kwargs.push({ name: start.text, value: this.expression(0), at: positionOf(start) });
      } else {
        if (kwargs.length > 0) throw this.problem('positional argument follows keyword argument', start);
        args.push(this.expression(0));
        if (this.isOperator(this.peek(), '=')) {
          throw this.problem('expression cannot contain assignment, perhaps you meant "=="?', start);
        }
      }
      if (!this.isOperator(this.peek(), ',')) break;
      this.index += 1;
    }
    if (!this.isOperator(this.peek(), ')')) throw this.unexpected(this.peek(), "',' or ')'");
    this.index += 1;
    return { args, kwargs };
  }

  private assignmentError(statement: Statement, equals: Token): ProblemError {
    if (statement.target !== null) {
      return this.problem('chained assignment (a = b = ...) is not supported', equals);
    }
    const expr = statement.expr;
    const what =
      expr.kind === 'call' || expr.kind === 'method' ? 'function call'
      : expr.kind === 'number' ? 'literal'
      : expr.kind === 'constant' ? String(expr.value === null ? 'None' : expr.value ? 'True' : 'False')
      : expr.kind === 'attribute' ? 'attribute'
      : expr.kind === 'sequence' ? expr.brackets
      : 'expression';
    return new ProblemError('parse-error', `cannot assign to ${what}; only a name can be assigned (name = expression)`, {
      position: statement.at,
    });
  }

  private expect(text: string): Token {
    const token = this.peek();
    if (!this.isOperator(token, text)) throw this.unexpected(token, `'${text}'`);
    this.index += 1;
    return token;
  }

  private unexpected(token: Token, expected: string): ProblemError {
    if (token.kind === 'operator' && UNSUPPORTED_OPERATORS.has(token.text)) {
      return this.problem(`operator '${token.text}' is not supported (the operators are + - * / ** @)`, token);
    }
    if (token.kind === 'eof') {
      const open = token.unclosed;
      const note = open ? ` ('${open.text}' at line ${open.line}, column ${open.column} is not closed)` : '';
      return this.problem(`unexpected end of input, expected ${expected}${note}`, token);
    }
    if (token.kind === 'newline') return this.problem(`unexpected end of line, expected ${expected}`, token);
    return this.problem(`unexpected token '${token.text}', expected ${expected}`, token);
  }

  private problem(message: string, token: Token): ProblemError {
    return new ProblemError('parse-error', message, { position: positionOf(token) });
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private isOperator(token: Token, text: string): boolean {
    return token.kind === 'operator' && token.text === text;
  }

  private isSeparator(token: Token): boolean {
    return token.kind === 'newline' || this.isOperator(token, ';');
  }
}

/** `torch.nn.functional.relu` as its names, or null when the chain has anything but names. */
function dottedName(expr: Expr): { name: string; at: Position }[] | null {
  const parts: { name: string; at: Position }[] = [];
  let current = expr;
  while (current.kind === 'attribute') {
    parts.push({ name: current.name, at: current.at });
    current = current.object;
  }
  if (current.kind !== 'name') return null;
  parts.push({ name: current.name, at: current.at });
  return parts.reverse();
}
