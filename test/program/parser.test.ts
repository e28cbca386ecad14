import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../src/errors.js';
import { toSExpr } from '../../src/program/ast.js';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { type ProgramLimits } from '../../src/program/graph.js';
import { parse } from '../../src/program/parser.js';

const sexpr = (source: string) => toSExpr(parse(source));

function problemOf(source: string, limits: Partial<ProgramLimits> = {}): ProblemError {
  try {
    parse(source, limits);
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error(`parse(${JSON.stringify(source)}) did not fail`);
}

describe('parse: precedence and associativity', () => {
  it.each([
    ['1', '1'],
    ['x', 'x'],
    ['y = x ** 2 + 2 * x', '(= y (+ (** x 2) (* 2 x)))'],
    ['a + b - c + d', '(+ (- (+ a b) c) d)'],
    ['a * b / c @ d', '(@ (/ (* a b) c) d)'],
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b @ c', '(- a (@ b c))'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['a ** b ** c', '(** a (** b c))'],
    ['-x ** 2', '(- (** x 2))'],
    ['2 ** -x', '(** 2 (- x))'],
    ['2 ** -x ** 2', '(** 2 (- (** x 2)))'],
    ['2 ** -x * 3', '(* (** 2 (- x)) 3)'],
    ['-a * b', '(* (- a) b)'],
    ['a * -b + c', '(+ (* a (- b)) c)'],
    ['- - x', '(- (- x))'],
    ['+x - -1', '(- (+ x) (- 1))'],
    ['x ** 2 ** -1', '(** x (** 2 (- 1)))'],
    ['(x ** 2) ** 3', '(** (** x 2) 3)'],
    ['-x.sum()', '(- (method x sum))'],
    ['x ** y.t()', '(** x (method y t))'],
    ['a @ b.t() @ c', '(@ (@ a (method b t)) c)'],
    ['(((x)))', 'x'],
  ])('%s  =>  %s', (source, expected) => {
    expect(sexpr(source)).toBe(expected);
  });
});

describe('parse: literals, calls and methods', () => {
  it.each([
    ['2.5 + .5 + 1e-3 + 1_000', '(+ (+ (+ 2.5 0.5) 0.001) 1000)'],
    ['torch.sum(x ** 2)', '(call torch.sum (** x 2))'],
    ['relu(x)', '(call relu x)'],
    ['F.relu(x)', '(call F.relu x)'],
    ['SQ.apply(x)', '(call SQ.apply x)'],
    ['x.y.apply(z)', '(method (. x y) apply z)'],
    ['torch.nn.functional.mse_loss(a, b)', '(call torch.nn.functional.mse_loss a b)'],
    ['torch.nn.relu(x)', '(call torch.nn.relu x)'],
    ['torch.autograd.grad(y, x)', '(call torch.autograd.grad y x)'],
    ['torch.autograd.grad(y, x, create_graph=True)', '(call torch.autograd.grad y x (kw create_graph True))'],
    ['torch.autograd.functional.jacobian(f_out, x)', '(call torch.autograd.functional.jacobian f_out x)'],
    ['torch.autograd.functional.hessian(torch.sum(x ** 3), x)', '(call torch.autograd.functional.hessian (call torch.sum (** x 3)) x)'],
    ['x.sum(dim=0)', '(method x sum (kw dim 0))'],
    ['x.sum()', '(method x sum)'],
    ['x.view(2, 3)', '(method x view 2 3)'],
    ['x.view((2, 3))', '(method x view (tuple 2 3))'],
    ['x.view([2, -1])', '(method x view (list 2 (- 1)))'],
    ['x.sum(dim=(0, 1))', '(method x sum (kw dim (tuple 0 1)))'],
    ['x.view((6,))', '(method x view (tuple 6))'],
    ['x.view(())', '(method x view (tuple))'],
    ['x.pow(3)', '(method x pow 3)'],
    ['(x * 2).sum()', '(method (* x 2) sum)'],
    ['torch.exp(x).sum()', '(method (call torch.exp x) sum)'],
    ['torch.sum(m, dim=1, keepdim=True)', '(call torch.sum m (kw dim 1) (kw keepdim True))'],
    ['f(x, a=None, b=False)', '(call f x (kw a None) (kw b False))'],
    ['torch.clamp(x, min=-1.0, max=1.0)', '(call torch.clamp x (kw min (- 1)) (kw max 1))'],
    ['f(x,)', '(call f x)'],
    ['x.sum().exp().t()', '(method (method (method x sum) exp) t)'],
    ['(M).t() @ p', '(@ (method M t) p)'],
    ['a.b.c(x)', '(method (. a b) c x)'],
    ['x.T', '(. x T)'],
    ['(torch.sum)(x)', '(call torch.sum x)'],
    ['f(\n  x,\n  dim=0\n)', '(call f x (kw dim 0))'],
  ])('%s  =>  %s', (source, expected) => {
    expect(sexpr(source)).toBe(expected);
  });
});

describe('parse: statements', () => {
  it.each([
    ['y = x ** 2', '(= y (** x 2))'],
    ['Y = x ** 2\ny = torch.sum(x ** 2)', '(= Y (** x 2))\n(= y (call torch.sum (** x 2)))'],
    ['a = 1; b = a * 2;', '(= a 1)\n(= b (* a 2))'],
    ['\n\n  a = 1  # one\n\n# only a comment\nb = a;;\n\n', '(= a 1)\n(= b a)'],
    ['a = x\na', '(= a x)\na'],
    ['a = (x +\n     1)\nb = a', '(= a (+ x 1))\n(= b a)'],
    ['a = x + \\\n  1', '(= a (+ x 1))'],
    ['torch = x; relu = torch', '(= torch x)\n(= relu torch)'],
    ['__proto__ = x; constructor = __proto__', '(= __proto__ x)\n(= constructor __proto__)'],
  ])('%j  =>  %j', (source, expected) => {
    expect(sexpr(source)).toBe(expected);
  });

  it('keeps statement targets and positions', () => {
    const program = parse('a = 1\n  b = a');
    expect(program.statements.map((s) => [s.target, s.at])).toEqual([
      ['a', { line: 1, column: 1, offset: 0 }],
      ['b', { line: 2, column: 3, offset: 8 }],
    ]);
  });
});

describe('parse: errors', () => {
  it.each([
    ['y = (x + ', "unexpected end of input, expected an expression ('(' at line 1, column 5 is not closed)", 1, 10],
    ['y = torch.sum(x', "unexpected end of input, expected ',' or ')' ('(' at line 1, column 14 is not closed)", 1, 16],
    ['y = ((x)', "unexpected end of input, expected ')' ('(' at line 1, column 5 is not closed)", 1, 9],
    ['y = [1, 2', "unexpected end of input, expected ']' ('[' at line 1, column 5 is not closed)", 1, 10],
    ['y = x +\nz = 1', 'unexpected end of line, expected an expression', 1, 8],
    ['y = ', 'unexpected end of input, expected an expression', 1, 5],
    ['y = * 2', "unexpected token '*', expected an expression", 1, 5],
    ['y = x)', "unexpected token ')', expected a new line or ';' after the statement", 1, 6],
    ['x y', "unexpected token 'y', expected a new line or ';' after the statement", 1, 3],
    ['f(x y)', "unexpected token 'y', expected ',' or ')'", 1, 5],
    ['f(,)', "unexpected token ',', expected an expression", 1, 3],
    ['x.2', "unexpected token '.2', expected a new line or ';' after the statement", 1, 2],
    ['x.(y)', "unexpected token '(', expected an attribute name after '.'", 1, 3],
    ['x.None', "unexpected token 'None', expected an attribute name after '.'", 1, 3],
    ['y = x // 2', "operator '//' is not supported (the operators are + - * / ** @)", 1, 7],
    ['y = x == 2', "operator '==' is not supported (the operators are + - * / ** @)", 1, 7],
    ['y += 1', "operator '+=' is not supported (the operators are + - * / ** @)", 1, 3],
    ['y = ~x', "operator '~' is not supported (the operators are + - * / ** @)", 1, 5],
    ['y = {1}', "unexpected token '{', expected an expression", 1, 5],
    ['y = not x', "unexpected token 'not', expected an expression", 1, 5],
    ['y = x if x else 2', "unexpected token 'if', expected a new line or ';' after the statement", 1, 7],
    ['f(x) = 2', 'cannot assign to function call; only a name can be assigned (name = expression)', 1, 1],
    ['x.a = 2', 'cannot assign to attribute; only a name can be assigned (name = expression)', 1, 1],
    ['2 = x', 'cannot assign to literal; only a name can be assigned (name = expression)', 1, 1],
    ['True = x', 'cannot assign to True; only a name can be assigned (name = expression)', 1, 1],
    ['a + b = 1', 'cannot assign to expression; only a name can be assigned (name = expression)', 1, 1],
    ['a = b = 1', 'chained assignment (a = b = ...) is not supported', 1, 7],
    ['f(dim=0, x)', 'positional argument follows keyword argument', 1, 10],
    ['f(x, dim=0, dim=1)', 'keyword argument repeated: dim', 1, 13],
    ['f(x + 1 = 2)', 'expression cannot contain assignment, perhaps you meant "=="?', 1, 3],
    ['(x + 1)(2)', 'only functions and methods can be called', 1, 8],
    ['x.sum()(2)', 'only functions and methods can be called', 1, 8],
    ['import torch\ny = x', 'import statements are not needed: torch, torch.nn.functional (F) and torch.autograd are always available', 1, 1],
    ['x * 2\ny = 1', 'only the last statement may be a bare expression; give this one a name (name = ...)', 1, 1],
    ['', 'the program is empty: expected at least one statement', 1, 1],
    ['  # nothing\n\n;', 'the program is empty: expected at least one statement', 3, 2],
  ])('%j: %s', (source, message, line, column) => {
    const problem = problemOf(source);
    expect(problem.code).toBe('parse-error');
    expect(problem.message).toBe(message);
    expect(problem.extras.position).toMatchObject({ line, column });
  });
});

describe('parse: limits', () => {
  it("takes the service's limits and their defaults (schemas/limits.ts, one place)", () => {
    expect([DEFAULT_LIMITS.maxExprLength, DEFAULT_LIMITS.maxDepth, DEFAULT_LIMITS.maxStatements]).toEqual([20_000, 64, 1000]);
  });

  it('refuses source longer than maxExprLength before reading it', () => {
    const problem = problemOf(`y = ${'x + '.repeat(5000)}x`);
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.message).toBe('expression longer than 20000 characters');
    expect(problem.extras.limit).toEqual({ name: 'maxExprLength', value: 20_000 });
    expect(() => parse('y = x + x', { maxExprLength: 9 })).not.toThrow();
    expect(problemOf('y = x + x', { maxExprLength: 8 }).extras.limit).toEqual({ name: 'maxExprLength', value: 8 });
  });

  it('accepts nesting up to maxDepth and refuses one more', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}x${')'.repeat(depth)}`;
    // The statement's expression is one level; each parenthesis adds one.
    expect(sexpr(nested(63))).toBe('x');
    const problem = problemOf(nested(64));
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.message).toBe('expression nesting deeper than 64');
    expect(problem.extras.limit).toEqual({ name: 'maxDepth', value: 64 });
    expect(problem.extras.position).toMatchObject({ line: 1, column: 65 });
  });

  it.each([
    ['parentheses', (n: number) => `${'('.repeat(n)}x${')'.repeat(n)}`],
    ['unclosed parentheses', (n: number) => `${'('.repeat(n)}x`],
    ['unary minus', (n: number) => `${'-'.repeat(n)}x`],
    ['powers', (n: number) => `${'x ** '.repeat(n)}x`],
    ['calls', (n: number) => `${'f('.repeat(n)}x${')'.repeat(n)}`],
    ['lists', (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`],
  ])('stops 100k-deep %s at maxDepth without exhausting the stack', (_, build) => {
    const source = build(100_000);
    const problem = problemOf(source, { maxExprLength: source.length });
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.extras.limit).toEqual({ name: 'maxDepth', value: 64 });
    expect(problemOf(source).extras.limit).toEqual({ name: 'maxExprLength', value: 20_000 });
  });

  it('honours a configured maxDepth', () => {
    expect(sexpr('-(-x)')).toBe('(- (- x))');
    expect(problemOf('-(-x)', { maxDepth: 3 }).message).toBe('expression nesting deeper than 3');
  });

  it('parses a long flat chain without deep recursion, and prints it', () => {
    const source = `${'x + '.repeat(2000)}x`;
    const printed = toSExpr(parse(source));
    expect(printed.startsWith('(+ '.repeat(2000) + 'x x)')).toBe(true);
    expect(printed.length).toBe(2000 * 3 + 1 + 2000 * 3);
  });

  it('refuses more than maxStatements statements', () => {
    const statements = (n: number) => Array.from({ length: n }, (_, i) => `a${i} = x`).join('\n');
    expect(parse(statements(1000)).statements).toHaveLength(1000);
    const problem = problemOf(statements(1001), { maxExprLength: 100_000 });
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.message).toBe('program has more than 1000 statements');
    expect(problem.extras.limit).toEqual({ name: 'maxStatements', value: 1000 });
    expect(problem.extras.position).toMatchObject({ line: 1001, column: 1 });
    expect(problemOf('a = 1; b = 2; c = 3', { maxStatements: 2 }).message).toBe('program has more than 2 statements');
  });
});
