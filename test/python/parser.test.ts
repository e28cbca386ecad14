import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as A from '../../src/python/ast.js';
import { endsWithSemicolon, MAX_EXPRESSION_DEPTH, parse, parseExpression, PythonSyntaxError } from '../../src/python/parser.js';
import { toSExpr } from '../../src/python/sexpr.js';

const sexpr = (source: string) => toSExpr(parse(source));

function syntaxError(source: string): PythonSyntaxError {
  try {
    parse(source);
  } catch (error) {
    if (error instanceof PythonSyntaxError) return error;
    throw error;
  }
  throw new Error(`parse(${JSON.stringify(source)}) did not fail`);
}

/** Every node's `Kind line:col-line:col`, sorted, as test/python/fixtures/cpython_oracle.py lists CPython's. */
function positions(module: A.Module): string[] {
  const out: string[] = [];
  const stack: { node: unknown; inFString: boolean }[] = [{ node: module, inFString: false }];
  while (stack.length > 0) {
    const { node, inFString } = stack.pop()!;
    if (node === null || typeof node !== 'object' || node instanceof Uint8Array) continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, inFString });
      continue;
    }
    const n = node as Record<string, unknown> & Partial<A.Located> & { kind?: string };
    if (typeof n.kind === 'string' && typeof n.lineno === 'number') {
      const part = n.kind === 'Constant' || n.kind === 'FormattedValue' || n.kind === 'JoinedStr';
      if (!(inFString && part)) out.push(`${n.kind} ${n.lineno}:${n.col_offset}-${n.end_lineno}:${n.end_col_offset}`);
    }
    const childInFString = inFString || n.kind === 'JoinedStr' || n.kind === 'FormattedValue';
    for (const value of Object.values(n)) if (typeof value === 'object') stack.push({ node: value, inFString: childInFString });
  }
  return out.sort();
}

// The expected S-expressions of the next three tables are CPython 3.11's ast.parse, printed by the
// mirror of toSExpr in test/python/fixtures/cpython_oracle.py.
describe('parse: precedence and associativity (CPython 3.11)', () => {
  it.each([
    ["a or b and c", "(or a (and b c))"],
    ["a and b or c", "(or (and a b) c)"],
    ["not a and b", "(and (not a) b)"],
    ["not a == b", "(not (== a b))"],
    ["not not a", "(not (not a))"],
    ["a or b or c", "(or a b c)"],
    ["(a or b) or c", "(or (or a b) c)"],
    ["a < b < c", "(compare a < b < c)"],
    ["a == b != c", "(compare a == b != c)"],
    ["a in b", "(in a b)"],
    ["a not in b", "(not-in a b)"],
    ["a is b", "(is a b)"],
    ["a is not b", "(is-not a b)"],
    ["not a in b", "(not (in a b))"],
    ["a | b ^ c & d", "(| a (^ b (& c d)))"],
    ["a & b | c", "(| (& a b) c)"],
    ["a << b + c", "(<< a (+ b c))"],
    ["a + b << c", "(<< (+ a b) c)"],
    ["a - b - c", "(- (- a b) c)"],
    ["a + b * c", "(+ a (* b c))"],
    ["a * b + c", "(+ (* a b) c)"],
    ["a / b // c % d @ e", "(@ (% (// (/ a b) c) d) e)"],
    ["-a * b", "(* (- a) b)"],
    ["-a ** b", "(- (** a b))"],
    ["-2 ** 2", "(- (** 2 2))"],
    ["2 ** -1", "(** 2 (- 1))"],
    ["a ** b ** c", "(** a (** b c))"],
    ["(a ** b) ** c", "(** (** a b) c)"],
    ["~a + b", "(+ (~ a) b)"],
    ["- - a", "(- (- a))"],
    ["a ** -b ** c", "(** a (- (** b c)))"],
    ["2 ** -x * 3", "(* (** 2 (- x)) 3)"],
    ["a * -b", "(* a (- b))"],
    ["a if b else c", "(ifexp b a c)"],
    ["a if b else c if d else e", "(ifexp b a (ifexp d c e))"],
    ["(a if b else c) if d else e", "(ifexp d (ifexp b a c) e)"],
    ["lambda: a if b else c", "(lambda () (ifexp b a c))"],
    ["lambda x: lambda y: x + y", "(lambda (x) (lambda (y) (+ x y)))"],
    ["a or b if c and d else e", "(ifexp (and c d) (or a b) e)"],
    ["x.y.z(a)[b].c", "(. ([] (call (. (. x y) z) a) b) c)"],
    ["-x.y ** 2", "(- (** (. x y) 2))"],
    ["a + b(c) * d[e]", "(+ a (* (call b c) ([] d e)))"],
    ["f(a)(b)(c)", "(call (call (call f a) b) c)"],
    ["x[1:2]", "([] x (slice 1 2 nil))"],
    ["x[:]", "([] x (slice nil nil nil))"],
    ["x[::2]", "([] x (slice nil nil 2))"],
    ["x[1:2:3]", "([] x (slice 1 2 3))"],
    ["x[a, b]", "([] x (tuple a b))"],
    ["x[:, 0]", "([] x (tuple (slice nil nil nil) 0))"],
    ["x[..., None]", "([] x (tuple ... None))"],
    ["x[1:2, ::3]", "([] x (tuple (slice 1 2 nil) (slice nil nil 3)))"],
    ["x[()]", "([] x (tuple))"],
    ["x[(1, 2)]", "([] x (tuple 1 2))"],
    ["a < b == c > d", "(compare a < b == c > d)"],
    ["1 + 2 == 3 and x", "(and (== (+ 1 2) 3) x)"],
    ["x == (y := 3)", "(== x (:= y 3))"],
    ["(a, b)", "(tuple a b)"],
    ["(a,)", "(tuple a)"],
    ["()", "(tuple)"],
    ["[a, *b]", "(list a (* b))"],
    ["{a, b}", "(set a b)"],
    ["{}", "(dict)"],
    ["{a: b, **c}", "(dict (a b) (** c))"],
    ["[x for x in y]", "(listcomp x (for x y))"],
    ["[x for x in y if x if z for w in x]", "(listcomp x (for x y (if x) (if z)) (for w x))"],
    ["{k: v for k, v in d}", "(dictcomp k v (for (tuple k v) d))"],
    ["{x for x in y}", "(setcomp x (for x y))"],
    ["(x for x in y)", "(genexp x (for x y))"],
    ["f(x for x in y)", "(call f (genexp x (for x y)))"],
    ["a, b", "(tuple a b)"],
    ["a,", "(tuple a)"],
    ["*a, b", "(tuple (* a) b)"],
    ["f(*a, **k, x=1)", "(call f (* a) (** k) (= x 1))"],
    ["f(a, b=1, *c, d=2, **e)", "(call f a (* c) (= b 1) (= d 2) (** e))"],
    ["a @ b @ c", "(@ (@ a b) c)"],
    ["x if y else lambda: z", "(ifexp y x (lambda () z))"],
    ["'a' 'b'", "\"ab\""],
    ["b'a' b'c'", "b\"ac\""],
    ["f'{x}' 'y'", "(f (fmt x) \"y\")"],
    ["...", "..."],
    ["None", "None"],
    ["True", "True"],
    ["False", "False"],
    ["0x1F + 0o17 + 0b101 + 1_000", "(+ (+ (+ 31 15) 5) 1000)"],
    ["1.5e-3 + .5 + 5.", "(+ (+ 0.0015 0.5) 5.0)"],
    ["10 ** 20", "(** 10 20)"],
  ])('%s  =>  %s', (source, expected) => {
    expect(sexpr(source)).toBe(expected);
  });
});

describe('parse: statements (CPython 3.11)', () => {
  it.each([
    ["x = 1", "(= x 1)"],
    ["x = y = z", "(= x y z)"],
    ["a, b = b, a", "(= (tuple a b) (tuple b a))"],
    ["i, = t", "(= (tuple i) t)"],
    ["[a, b] = c", "(= (list a b) c)"],
    ["a, *b = c", "(= (tuple a (* b)) c)"],
    ["x.y = 1", "(= (. x y) 1)"],
    ["x[0] = 1", "(= ([] x 0) 1)"],
    ["x[1:2] = y", "(= ([] x (slice 1 2 nil)) y)"],
    ["x += 1", "(+= x 1)"],
    ["x -= y * 2", "(-= x (* y 2))"],
    ["x **= 2", "(**= x 2)"],
    ["x //= 2", "(//= x 2)"],
    ["x @= y", "(@= x y)"],
    ["x.data -= lr * x.grad", "(-= (. x data) (* lr (. x grad)))"],
    ["x: int", "(ann x int)"],
    ["x: int = 3", "(ann x int 3)"],
    ["x.y: float = 1.0", "(ann (. x y) float 1.0)"],
    ["del x", "(del x)"],
    ["del x, y[0], z.a", "(del x ([] y 0) (. z a))"],
    ["pass", "pass"],
    ["import torch", "(import torch)"],
    ["import torch.nn.functional as F", "(import (as torch.nn.functional F))"],
    ["import a, b as c", "(import a (as b c))"],
    ["from math import pi", "(from math pi)"],
    ["from matplotlib import pyplot as plt", "(from matplotlib (as pyplot plt))"],
    ["from . import x", "(from . x)"],
    ["from ..a.b import (c, d as e,)", "(from ..a.b c (as d e))"],
    ["from a import *", "(from a *)"],
    ["global x, y", "(global x y)"],
    ["assert x", "(assert x)"],
    ["assert x > 0, 'positive'", "(assert (> x 0) \"positive\")"],
    ["raise", "(raise)"],
    ["raise ValueError(\"bad\")", "(raise (call ValueError \"bad\"))"],
    ["raise E from None", "(raise E (from None))"],
    ["return_value = 1", "(= return_value 1)"],
    ["def f(): return", "(def f () ((return)))"],
    ["def f(): return 1, 2", "(def f () ((return (tuple 1 2))))"],
    ["def f(x): return x", "(def f (x) ((return x)))"],
    ["def f(a, b=1, *args, c, d=2, **kw): pass", "(def f (a b=1 *args c d=2 **kw) (pass))"],
    ["def f(a, /, b): pass", "(def f (a / b) (pass))"],
    ["def f(*, a): pass", "(def f (* a) (pass))"],
    ["def f(a: int = 1) -> str: pass", "(def f ((: a int)=1) (-> str) (pass))"],
    ["@staticmethod\ndef f(): pass", "(def f () (pass) (@ staticmethod))"],
    ["@a.b(c)\n@d\ndef f(): pass", "(def f () (pass) (@ (call (. a b) c) d))"],
    ["class A: pass", "(class A () (pass))"],
    ["class A(B, metaclass=M): pass", "(class A (B (= metaclass M)) (pass))"],
    ["class A():\n    \"\"\"doc\"\"\"\n    x = 1", "(class A () (\"doc\" (= x 1)))"],
    ["if a: b", "(if a (b))"],
    ["if a:\n    b\nelif c:\n    d\nelif e:\n    f\nelse:\n    g", "(if a (b) ((if c (d) ((if e (f) (g))))))"],
    ["while x: pass", "(while x (pass))"],
    ["while x:\n    break\nelse:\n    continue_ = 1", "(while x (break) ((= continue_ 1)))"],
    ["for i in range(3): print(i)", "(for i (call range 3) ((call print i)))"],
    ["for i, s in enumerate(x):\n    continue\nelse:\n    pass", "(for (tuple i s) (call enumerate x) (continue) (pass))"],
    ["for (a, b) in c: pass", "(for (tuple a b) c (pass))"],
    ["for x.y in z: pass", "(for (. x y) z (pass))"],
    ["with a: pass", "(with (a) (pass))"],
    ["with a as b, c as d: pass", "(with ((as a b) (as c d)) (pass))"],
    ["with a() as (b, c): pass", "(with ((as (call a) (tuple b c))) (pass))"],
    ["with (a as b, c): pass", "(with ((as a b) c) (pass))"],
    ["with (a, b): pass", "(with (a b) (pass))"],
    ["with (a): pass", "(with (a) (pass))"],
    ["try:\n    a\nexcept:\n    b", "(try (a) (except (b)))"],
    ["try:\n    a\nexcept E as e:\n    b\nexcept (F, G):\n    c\nelse:\n    d\nfinally:\n    e", "(try (a) (except E (as e) (b)) (except (tuple F G) (c)) (else d) (finally e))"],
    ["try:\n    a\nfinally:\n    b", "(try (a) (finally b))"],
    ["x = 1; y = 2", "(= x 1)\n(= y 2)"],
    ["x = 1;", "(= x 1)"],
    ["if x: a; b", "(if x (a b))"],
    ["def f():\n    yield\n    yield x\n    yield from y\n    z = yield w", "(def f () ((yield) (yield x) (yield-from y) (= z (yield w))))"],
    ["f(a)(b)", "(call (call f a) b)"],
    ["x = lambda: 0", "(= x (lambda () 0))"],
    ["x = [i ** 2 for i in range(6)]", "(= x (listcomp (** i 2) (for i (call range 6))))"],
    ["print(f\"{x!r:>10} and {y:.2f}\")", "(call print (f (fmt x !r (f \">10\")) \" and \" (fmt y (f \".2f\"))))"],
    ["x = (yield_ := 1)", "(= x (:= yield_ 1))"],
    ["print(*a, sep=\"\", end=\"\\n\")", "(call print (* a) (= sep \"\") (= end \"\\n\"))"],
  ])('%j', (source, expected) => {
    expect(sexpr(source)).toBe(expected);
  });
});

describe('parse: f-strings (CPython 3.11)', () => {
  it.each([
    ["f\"{x}\"", "(f (fmt x))"],
    ["f\"a{x}b\"", "(f \"a\" (fmt x) \"b\")"],
    ["f\"{x!r}\"", "(f (fmt x !r))"],
    ["f\"{x!s}\"", "(f (fmt x !s))"],
    ["f\"{x!a}\"", "(f (fmt x !a))"],
    ["f\"{x:>10}\"", "(f (fmt x (f \">10\")))"],
    ["f\"{x:{w}.{p}f}\"", "(f (fmt x (f (fmt w) \".\" (fmt p) \"f\")))"],
    ["f\"{x=}\"", "(f \"x=\" (fmt x !r))"],
    ["f\"{x = }\"", "(f \"x = \" (fmt x !r))"],
    ["f\"{x=!s}\"", "(f \"x=\" (fmt x !s))"],
    ["f\"{x=:.2f}\"", "(f \"x=\" (fmt x (f \".2f\")))"],
    ["f\"{{x}}\"", "(f \"{x}\")"],
    ["f\"{{{x}}}\"", "(f \"{\" (fmt x) \"}\")"],
    ["f\"}}{{\"", "(f \"}{\")"],
    ["f\"{x}{y}\"", "(f (fmt x) (fmt y))"],
    ["f\"{x, y}\"", "(f (fmt (tuple x y)))"],
    ["f\"{d['k']}\"", "(f (fmt ([] d \"k\")))"],
    ["f'{d[\"k\"]}'", "(f (fmt ([] d \"k\")))"],
    ["f\"{a if b else c}\"", "(f (fmt (ifexp b a c)))"],
    ["f\"{(lambda: 1)()}\"", "(f (fmt (call (lambda () 1))))"],
    ["f\"{x:%Y-%m-%d}\"", "(f (fmt x (f \"%Y-%m-%d\")))"],
    ["f\"\\n{x}\\t\"", "(f \"\\n\" (fmt x) \"\\t\")"],
    ["rf\"\\n{x}\"", "(f \"\\\\n\" (fmt x))"],
    ["f\"{3.14:.1f}\" f\"{x}\"", "(f (fmt 3.14 (f \".1f\")) (fmt x))"],
    ["\"a\" f\"{x}\" \"b\"", "(f \"a\" (fmt x) \"b\")"],
    ["f\"\"\"\n{x}\n\"\"\"", "(f \"\\n\" (fmt x) \"\\n\")"],
    ["f\"{x:{{}}>10}\"", "(f (fmt x (f (fmt (dict)) \">10\")))"],
    ["f\"{f'{x}'}\"", "(f (fmt (f (fmt x))))"],
    ["f\"{x!r:^{w}}\"", "(f (fmt x !r (f \"^\" (fmt w))))"],
    ["F\"{x}\"", "(f (fmt x))"],
    ["fR\"{x}\\d\"", "(f (fmt x) \"\\\\d\")"],
  ])('%s  =>  %s', (source, expected) => {
    expect(sexpr(source)).toBe(expected);
  });
});

describe('parse: values, contexts and positions', () => {
  it('keeps ints as bigint and floats as numbers, -1 as a unary minus', () => {
    const [a, b, c] = (parse('1\n1.0\n-1').body as A.ExprStmt[]).map((s) => s.value);
    expect(a).toMatchObject({ kind: 'Constant', value: 1n });
    expect(b).toMatchObject({ kind: 'Constant', value: 1 });
    expect(c).toMatchObject({ kind: 'UnaryOp', op: 'USub', operand: { kind: 'Constant', value: 1n } });
    expect(parseExpression('123456789012345678901234567890')).toMatchObject({ value: 123456789012345678901234567890n });
  });

  it('marks targets Store and Del, through tuples, lists and starred items', () => {
    const assign = parse('a, [b, *c], d.e, f[0] = x').body[0] as A.Assign;
    const [tuple] = assign.targets as [A.Tuple];
    expect(tuple.ctx).toBe('Store');
    const [a, list, attribute, subscript] = tuple.elts as [A.Name, A.List, A.Attribute, A.Subscript];
    expect([a.ctx, list.ctx, attribute.ctx, subscript.ctx]).toEqual(['Store', 'Store', 'Store', 'Store']);
    expect((list.elts[1] as A.Starred).ctx).toBe('Store');
    expect(((list.elts[1] as A.Starred).value as A.Name).ctx).toBe('Store');
    expect((attribute.value as A.Name).ctx).toBe('Load');
    expect((assign.value as A.Name).ctx).toBe('Load');
    const del = parse('del x, y[0]').body[0] as A.Delete;
    expect(del.targets.map((t) => (t as A.Name).ctx)).toEqual(['Del', 'Del']);
    const loop = parse('for i, v in x: pass').body[0] as A.For;
    expect((loop.target as A.Tuple).elts.map((t) => (t as A.Name).ctx)).toEqual(['Store', 'Store']);
    const augmented = parse('x.data -= 1').body[0] as A.AugAssign;
    expect(augmented.target.ctx).toBe('Store');
  });

  it('gives statements the lines the interpreter reports errors at', () => {
    const cell = '# comment\nx = torch.tensor(2.0,\n    requires_grad=True)\n\nif x:\n    y = x ** 2\nelse:\n    pass\ny.backward()';
    const body = parse(cell).body;
    expect(body.map((s) => [s.kind, s.lineno, s.end_lineno])).toEqual([
      ['Assign', 2, 3],
      ['If', 5, 8],
      ['Expr', 9, 9],
    ]);
    const branch = body[1] as A.If;
    expect(branch.body[0]).toMatchObject({ kind: 'Assign', lineno: 6, col_offset: 4, end_col_offset: 14 });
  });

  it('counts columns from 0 and lines from 1, as CPython', () => {
    expect(positions(parse('y = (x ** 2).sum()'))).toEqual([
      'Assign 1:0-1:18',
      'Attribute 1:4-1:16',
      'BinOp 1:5-1:11',
      'Call 1:4-1:18',
      'Constant 1:10-1:11',
      'Name 1:0-1:1',
      'Name 1:5-1:6',
    ]);
  });

  it('reads the expressions of an f-string where they are in the source', () => {
    const fstring = (parse('s = f"""a\n{x +\n  1:>{w}}"""').body[0] as A.Assign).value as A.JoinedStr;
    const field = fstring.values[1] as A.FormattedValue;
    expect(field.value).toMatchObject({ kind: 'BinOp', lineno: 2, col_offset: 1, end_lineno: 3, end_col_offset: 3 });
    expect(field.format_spec?.values[1]).toMatchObject({ kind: 'FormattedValue', value: { kind: 'Name', id: 'w', lineno: 3, col_offset: 6 } });
    expect(field.conversion).toBe(-1);
  });
});

describe('parse: what Jupyter needs', () => {
  it.each([
    ['x', false],
    ['x;', true],
    ['x; ', true],
    ['x;  # quiet\n\n', true],
    ['plt.show();\n# done\n', true],
    ['x; y', false],
    ['if a:\n    b;\n', true],
    ['s = ";"', false],
    ['# ;', false],
    ['', false],
  ])('%j ends with a semicolon: %s', (source, expected) => {
    expect(endsWithSemicolon(source)).toBe(expected);
    expect(parse(source).trailing_semicolon).toBe(expected);
  });

  it('accepts %matplotlib lines and ignores them; other magics and shell escapes are syntax errors', () => {
    expect(sexpr('%matplotlib inline\nimport torch')).toBe('(import torch)');
    expect(sexpr('import torch\n%matplotlib notebook\nx = 1')).toBe('(import torch)\n(= x 1)');
    expect(parse('%matplotlib inline').body).toEqual([]);
    for (const [source, line] of [['%time x', 1], ['x = 1\n!ls', 2], ['%matplotlibx', 1], ['x = 1\n%%timeit\n', 2]] as const) {
      const error = syntaxError(source);
      expect([error.type, error.lineno, error.message]).toEqual(['SyntaxError', line, 'invalid syntax']);
    }
  });

  it('parses an expression alone', () => {
    expect(toSExpr(parseExpression('x ** 2 + 1'))).toBe('(+ (** x 2) 1)');
    expect(toSExpr(parseExpression('a, b\n'))).toBe('(tuple a b)');
    expect(() => parseExpression('x = 1')).toThrow(PythonSyntaxError);
  });
});

describe('parse: syntax errors', () => {
  // type, lineno and message from CPython 3.11's compile(source, '<cell>', 'exec')
  it.each([
    ['x = torch.tensor(2.0, requires_grad=True\ny = x ** 2', 'SyntaxError', 1, "'(' was never closed"],
    ['import torch\nx = torch.tensor([1.0, 2.0]\nprint(x)', 'SyntaxError', 2, "'(' was never closed"],
    ['print(x\n      y)', 'SyntaxError', 1, 'invalid syntax. Perhaps you forgot a comma?'],
    ['x = [\n1,\n2\n3\n]', 'SyntaxError', 3, 'invalid syntax. Perhaps you forgot a comma?'],
    ['x = [1, 2,\n3, 4\n\ny = 5', 'SyntaxError', 1, "'[' was never closed"],
    ['if x = 1:\n  pass', 'SyntaxError', 1, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?"],
    ['if x\n  y', 'SyntaxError', 1, "expected ':'"],
    ['def f(x)\n  pass', 'SyntaxError', 1, "expected ':'"],
    ['for x in y:\nprint(x)', 'IndentationError', 2, "expected an indented block after 'for' statement on line 1"],
    ['x = 1\nif x == 1:\nprint(x)', 'IndentationError', 3, "expected an indented block after 'if' statement on line 2"],
    ['for x in y:\n\n\n', 'IndentationError', 3, "expected an indented block after 'for' statement on line 1"],
    ['x = 1\n  y = 2\n', 'IndentationError', 2, 'unexpected indent'],
    ['for i in range(3):\n    print(i)\n  print(2)', 'IndentationError', 3, 'unindent does not match any outer indentation level'],
    ['if True:\n\tx=1\n        y=2', 'TabError', 3, 'inconsistent use of tabs and spaces in indentation'],
    ["x = 'abc\ny = 2", 'SyntaxError', 1, 'unterminated string literal (detected at line 1)'],
    ["x = '''abc\ny = 2", 'SyntaxError', 1, 'unterminated triple-quoted string literal (detected at line 2)'],
    ['x = (1,\n2]\n', 'SyntaxError', 2, "closing parenthesis ']' does not match opening parenthesis '(' on line 1"],
    ['x = 1)\n', 'SyntaxError', 1, "unmatched ')'"],
    ["print 'hello'", 'SyntaxError', 1, "Missing parentheses in call to 'print'. Did you mean print(...)?"],
    ['print(\u2018hi\u2019)', 'SyntaxError', 1, "invalid character '\u2018' (U+2018)"],
    ['x = 0777', 'SyntaxError', 1, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers'],
    ['f() = 3', 'SyntaxError', 1, "cannot assign to function call here. Maybe you meant '==' instead of '='?"],
    ["f'{x!z}'", 'SyntaxError', 1, "f-string: invalid conversion character: expected 's', 'r', or 'a'"],
    ['try:\n  pass\nx = 1', 'SyntaxError', 3, "expected 'except' or 'finally' block"],
    ['x = 1 \\ y', 'SyntaxError', 1, 'unexpected character after line continuation character'],
    ['class A:\n  def f(self):\n    pass\n  def g(self)\n    pass\n', 'SyntaxError', 4, "expected ':'"],
    ['return 5', 'SyntaxError', 1, "'return' outside function"],
    ['x = 1\nbreak', 'SyntaxError', 2, "'break' outside loop"],
    ['x = (yield)', 'SyntaxError', 1, "'yield' outside function"],
    ['nonlocal x', 'SyntaxError', 1, 'nonlocal declaration not allowed at module level'],
    ['f(x=1, x=2)', 'SyntaxError', 1, 'keyword argument repeated: x'],
    ['def f(x, x): pass', 'SyntaxError', 1, "duplicate argument 'x' in function definition"],
    ['*a = b', 'SyntaxError', 1, 'starred assignment target must be in a list or tuple'],
    [
      'if 1:\n' + Array.from({ length: 100 }, (_, i) => ' '.repeat(i + 1) + 'if 1:\n').join('') + ' '.repeat(101) + 'pass',
      'IndentationError',
      101,
      'too many levels of indentation',
    ],
  ] as const)('%j', (source, type, line, message) => {
    const error = syntaxError(source);
    expect([error.type, error.lineno, error.message]).toEqual([type, line, message]);
  });

  it('refuses what gradserve does not run: imaginary literals, async, \\N{...} escapes', () => {
    expect(syntaxError('x = 5j').type).toBe('SyntaxError');
    expect(syntaxError('async def f(): pass').type).toBe('SyntaxError');
    expect(syntaxError("x = '\\N{BULLET}'").type).toBe('SyntaxError');
  });

  it('reports an error of the compiler only when the whole cell parses', () => {
    expect(syntaxError('return 1\nx = (').message).toBe("'(' was never closed");
    expect(syntaxError('return 1\nbreak').message).toBe("'return' outside function");
  });
});

describe('parse: deep nesting is a SyntaxError, never a stack overflow', () => {
  it.each([
    ['parentheses', '('.repeat(10_000) + ')'.repeat(10_000)],
    ['lists', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['calls', 'f('.repeat(10_000) + ')'.repeat(10_000)],
    ['unary minus', '-'.repeat(100_000) + '1'],
    ['not', 'not '.repeat(10_000) + 'x'],
    ['powers', 'x' + '**x'.repeat(10_000)],
    ['lambdas', 'lambda:'.repeat(10_000) + '1'],
    ['conditionals', '1 if 2 else '.repeat(10_000) + '1'],
    ['f-string fields', 'f"{' + '-'.repeat(10_000) + '1}"'],
    ['blocks', Array.from({ length: 1000 }, (_, i) => ' '.repeat(i) + 'if x:\n').join('') + ' '.repeat(1000) + 'pass'],
    ['elif chains', 'if x:\n pass\n' + 'elif x:\n pass\n'.repeat(10_000)],
    ['additions (a tree leaning left)', 'x' + ' + x'.repeat(100_000)],
    ['attributes', 'x' + '.y'.repeat(100_000)],
    ['calls in a row', 'f' + '()'.repeat(100_000)],
  ])('%s', (_, source) => {
    expect(() => parse(source)).toThrow(PythonSyntaxError);
  });

  it('still parses what CPython nests at most (200 brackets) and long flat expressions', () => {
    for (const [open, close] of [['(', ')'], ['f(', ')'], ['x[', ']'], ['{', '}'], ['[*', ']'], ['{1: ', '}']]) {
      expect(() => parse(open.repeat(200) + '1' + close.repeat(200))).not.toThrow();
    }
    expect(() => parse('[-('.repeat(66) + ')]'.repeat(66))).not.toThrow();
    expect(() => parse('-'.repeat(MAX_EXPRESSION_DEPTH - 10) + 'x')).not.toThrow();
    expect((parse('x' + ' + x'.repeat(MAX_EXPRESSION_DEPTH - 10)).body[0] as A.ExprStmt).value.kind).toBe('BinOp');
    expect(((parse('x' + ' and x'.repeat(100_000)).body[0] as A.ExprStmt).value as A.BoolOp).values).toHaveLength(100_001);
    expect(((parse('[' + '1, '.repeat(100_000) + ']').body[0] as A.ExprStmt).value as A.List).elts).toHaveLength(100_000);
    expect(parse('if x:\n pass\n' + 'elif x:\n pass\n'.repeat(400)).body).toHaveLength(1);
    expect(syntaxError('('.repeat(201) + ')'.repeat(201)).message).toBe('too many nested parentheses');
  });
});

interface OracleCase {
  source: string;
  sexpr?: string;
  positions?: string[];
  error?: { type: string; lineno: number; message: string };
}

describe('parse: against CPython 3.11 (test/python/fixtures/cpython311.json)', () => {
  const oracle = JSON.parse(readFileSync(new URL('./fixtures/cpython311.json', import.meta.url), 'utf8')) as { oracle: string; cases: OracleCase[] };

  it('was made by CPython 3.11', () => {
    expect(oracle.oracle).toMatch(/^CPython 3\.11\./);
    expect(oracle.cases.length).toBeGreaterThan(1000);
  });

  it('parses what CPython compiles to the same tree', () => {
    const valid = oracle.cases.filter((c) => c.sexpr !== undefined);
    const mismatches = valid.filter((c) => {
      try {
        return sexpr(c.source) !== c.sexpr;
      } catch {
        return true;
      }
    });
    expect(mismatches.map((c) => c.source)).toEqual([]);
    expect(valid.length).toBeGreaterThan(300);
  });

  it('puts every node where CPython does', () => {
    const located = oracle.cases.filter((c) => c.positions !== undefined);
    const mismatches = located.filter((c) => JSON.stringify(positions(parse(c.source))) !== JSON.stringify(c.positions));
    expect(mismatches.map((c) => c.source)).toEqual([]);
    expect(located.length).toBeGreaterThan(50);
  });

  it('fails where CPython fails: same exception class, same line', () => {
    const broken = oracle.cases.filter((c) => c.error !== undefined);
    const mismatches = broken.flatMap((c) => {
      let actual: string;
      try {
        parse(c.source);
        actual = 'parsed';
      } catch (error) {
        if (!(error instanceof PythonSyntaxError)) throw error;
        actual = `${error.type} line ${error.lineno}`;
      }
      const expected = `${c.error!.type} line ${c.error!.lineno}`;
      return actual === expected ? [] : [{ source: c.source, expected, actual }];
    });
    expect(mismatches).toEqual([]);
    expect(broken.length).toBeGreaterThan(500);
  });

  it("gives CPython's message for most of them (the notebook checker compares the line only)", () => {
    const broken = oracle.cases.filter((c) => c.error !== undefined);
    const same = broken.filter((c) => {
      try {
        parse(c.source);
        return false;
      } catch (error) {
        return error instanceof PythonSyntaxError && error.message === c.error!.message;
      }
    });
    expect(same.length / broken.length).toBeGreaterThan(0.9);
  });
});

describe('parse: the conformance notebooks (test/conformance/notebooks.json)', () => {
  interface Case {
    name: string;
    request: { cells?: string[]; source?: string };
    expect?: { cells?: ({ error: { type: string; line: number } | null } | undefined)[] };
  }
  const notebooks = JSON.parse(readFileSync(new URL('../conformance/notebooks.json', import.meta.url), 'utf8')) as { cases: Case[] };
  const cells = notebooks.cases.flatMap((c) =>
    (c.request.cells ?? [c.request.source!]).map((source, index) => ({
      name: `${c.name} cell ${index}`,
      source,
      error: c.expect?.cells?.[index]?.error ?? null,
    })),
  );
  const isSyntaxError = (type: string | undefined) => type === 'SyntaxError' || type === 'IndentationError' || type === 'TabError';

  it('parses every cell Python compiles', () => {
    const failures = cells
      .filter((c) => !isSyntaxError(c.error?.type))
      .flatMap((c) => {
        try {
          parse(c.source);
          return [];
        } catch (error) {
          return [`${c.name}: ${(error as Error).message}`];
        }
      });
    expect(failures).toEqual([]);
    expect(cells.length).toBeGreaterThan(200);
  });

  it('fails the cells that do not compile at the line Python reports', () => {
    const broken = cells.filter((c) => isSyntaxError(c.error?.type));
    expect(broken.length).toBeGreaterThan(0);
    for (const cell of broken) {
      const error = syntaxError(cell.source);
      expect([cell.name, error.type, error.lineno]).toEqual([cell.name, cell.error!.type, cell.error!.line]);
    }
  });
});
