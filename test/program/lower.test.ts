import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/engine/ops/index.js';
import { ProblemError } from '../../src/errors.js';
import { type GraphArg, type LoweredProgram } from '../../src/program/graph.js';
import { compileExpression, lowerGraph, type CompileOptions, type GraphNodeInput } from '../../src/program/lower.js';

const options = (inputs: string[], customFunctions: string[] = []): CompileOptions => ({
  inputs: new Set(inputs),
  customFunctions: new Set(customFunctions),
});

const show = (arg: GraphArg): string => (Array.isArray(arg) ? `[${arg.join(', ')}]` : String(arg));

/** One line per node (`%1 = pow(x, 2)`), then the names and the result. */
function listing(program: LoweredProgram): string[] {
  return [
    ...program.nodes.map((n) => {
      const args = [...n.args.map(show), ...Object.entries(n.kwargs).map(([k, v]) => `${k}=${show(v)}`)];
      return `${n.id} = ${n.op}(${args.join(', ')})`;
    }),
    `named: ${program.named.map(([name, ref]) => `${name}=${show(ref)}`).join(' ')}`,
    `result: ${program.result}`,
  ];
}

const compile = (source: string, inputs = ['x', 'm', 'w'], customFunctions: string[] = []) =>
  listing(compileExpression(source, options(inputs, customFunctions)));

function problemOf(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a ProblemError');
}

describe('compileExpression: operators', () => {
  it.each([
    ['y = x ** 2 + 2 * x + 1', ['%1 = pow(x, 2)', '%2 = mul(2, x)', '%3 = add(%1, %2)', '%4 = add(%3, 1)', 'named: y=%4']],
    ['y = x - 1 / x', ['%1 = div(1, x)', '%2 = sub(x, %1)', 'named: y=%2']],
    ['y = (1 - x) @ m', ['%1 = sub(1, x)', '%2 = matmul(%1, m)', 'named: y=%2']],
    ['y = -x ** 2', ['%1 = pow(x, 2)', '%2 = neg(%1)', 'named: y=%2']],
    ['y = 2 ** -x', ['%1 = neg(x)', '%2 = pow(2, %1)', 'named: y=%2']],
    ['y = x ** 2 ** 3', ['%1 = pow(2, 3)', '%2 = pow(x, %1)', 'named: y=%2']],
    ['y = +x', ['named: y=x']],
    ['y = x * -1', ['%1 = mul(x, -1)', 'named: y=%1']],
    ['y = x * -(2.5)', ['%1 = mul(x, -2.5)', 'named: y=%1']],
    ['y = x * - -3', ['%1 = mul(x, 3)', 'named: y=%1']],
    ['y = x * -+3', ['%1 = mul(x, -3)', 'named: y=%1']],
    ['y = -2 ** 2', ['%1 = pow(2, 2)', '%2 = neg(%1)', 'named: y=%2']],
    ['y = -(x)', ['%1 = neg(x)', 'named: y=%1']],
  ])('%s', (source, expected) => {
    expect(compile(source)).toEqual([...expected, 'result: y']);
  });

  it('maps every operator through the op table', () => {
    const spelled = new Map(OPS.flatMap((op) => (op.operators ?? []).map((s) => [s, op.name])));
    const program = compileExpression('y = -(x + x - x * x / x ** x @ x)', options(['x']));
    expect(program.nodes.map((n) => n.op)).toEqual(
      ['+', '*', '**', '/', '@', '-', 'unary -'].map((s) => spelled.get(s)),
    );
  });

  it('folds a minus on a literal keeping Python zero signs: -0 is 0, -0.0 is -0.0', () => {
    const [intZero, floatZero] = compileExpression('a = x * -0\nb = x * -0.0', options(['x'])).nodes.map((n) => n.args[1]);
    expect(Object.is(intZero, 0)).toBe(true);
    expect(Object.is(floatZero, -0)).toBe(true);
  });
});

describe('compileExpression: functions and methods', () => {
  it.each([
    ['y = relu(x)', ['%1 = relu(x)', 'named: y=%1']],
    ['y = torch.relu(x)', ['%1 = relu(x)', 'named: y=%1']],
    ['y = torch.nn.functional.relu(x)', ['%1 = relu(x)', 'named: y=%1']],
    ['y = F.relu(x)', ['%1 = relu(x)', 'named: y=%1']],
    ['y = torch.nn.functional.mse_loss(x, w)', ['%1 = mse_loss(x, w)', 'named: y=%1']],
    ['y = torch.autograd.grad(x, w)', ['%1 = grad(x, w)', 'named: y=%1']],
    ['y = torch.autograd.grad(x, w, create_graph=False)', ['%1 = grad(x, w, create_graph=false)', 'named: y=%1']],
    ['y = torch.autograd.functional.jacobian(x, w)', ['%1 = jacobian(x, w)', 'named: y=%1']],
    ['y = torch.autograd.functional.hessian(x.sum(), w)', ['%1 = sum(x)', '%2 = hessian(%1, w)', 'named: y=%2']],
    ['y = x.sum(dim=0)', ['%1 = sum(x, dim=0)', 'named: y=%1']],
    ['y = (x * 2).sum()', ['%1 = mul(x, 2)', '%2 = sum(%1)', 'named: y=%2']],
    ['y = x.view(2, 3)', ['%1 = view(x, 2, 3)', 'named: y=%1']],
    ['y = x.view(-1)', ['%1 = view(x, -1)', 'named: y=%1']],
    ['y = x.view((2, -3))', ['%1 = view(x, [2, -3])', 'named: y=%1']],
    ['y = x.view([6])', ['%1 = view(x, [6])', 'named: y=%1']],
    ['y = x.sum(dim=(0, 1))', ['%1 = sum(x, dim=[0, 1])', 'named: y=%1']],
    ['y = x.pow(3)', ['%1 = pow(x, 3)', 'named: y=%1']],
    ['y = torch.sum(m, dim=1, keepdim=True)', ['%1 = sum(m, dim=1, keepdim=true)', 'named: y=%1']],
    ['y = m.max(dim=None, keepdim=False)', ['%1 = max(m, dim=null, keepdim=false)', 'named: y=%1']],
    ['y = torch.clamp(x, min=-1.0, max=1.0).sum()', ['%1 = clamp(x, min=-1, max=1)', '%2 = sum(%1)', 'named: y=%2']],
    ['y = torch.exp(x).sum().exp()', ['%1 = exp(x)', '%2 = sum(%1)', '%3 = exp(%2)', 'named: y=%3']],
    ['y = (m).t() @ x', ['%1 = t(m)', '%2 = matmul(%1, x)', 'named: y=%2']],
  ])('%s', (source, expected) => {
    expect(compile(source)).toEqual([...expected, 'result: y']);
  });

  it("evaluates in Python's order: left before right, receiver before arguments, positional before keyword", () => {
    expect(compile('y = torch.clamp(x * 2, min=x.min(), max=x.max()).pow(w - 1) + w.exp()')).toEqual([
      '%1 = mul(x, 2)',
      '%2 = min(x)',
      '%3 = max(x)',
      '%4 = clamp(%1, min=%2, max=%3)',
      '%5 = sub(w, 1)',
      '%6 = pow(%4, %5)',
      '%7 = exp(w)',
      '%8 = add(%6, %7)',
      'named: y=%8',
      'result: y',
    ]);
  });

  it('lowers custom functions called bare, by their own name', () => {
    expect(compile('y = Twice(SQ(x)) + x', ['x'], ['SQ', 'Twice'])).toEqual([
      '%1 = SQ(x)', '%2 = Twice(%1)', '%3 = add(%2, x)', 'named: y=%3', 'result: y',
    ]);
  });

  it('lowers SQ.apply(x), how PyTorch calls a custom function, to the function', () => {
    expect(compile('y = SQ.apply(x) * 3', ['x'], ['SQ'])).toEqual(['%1 = SQ(x)', '%2 = mul(%1, 3)', 'named: y=%2', 'result: y']);
    expect(() => compile('y = Nope.apply(x)', ['x'], ['SQ'])).toThrow("name 'Nope' is not defined");
    expect(() => compile('y = x.apply(x)', ['x'], ['SQ'])).toThrow("'Tensor' object has no attribute 'apply'");
  });

  it('reads F.name(...) as a method when a tensor is called F', () => {
    expect(compile('y = F.sum(dim=0)', ['F'])).toEqual(['%1 = sum(F, dim=0)', 'named: y=%1', 'result: y']);
    expect(compile('F = x * 2\ny = F.relu(F)', ['x'])).toEqual([
      '%1 = mul(x, 2)', '%2 = relu(%1, %1)', 'named: F=%1 y=%2', 'result: y',
    ]);
  });

  it('keeps torch a module even when a statement is named torch', () => {
    expect(compile('torch = x * 2\ny = torch.sum(torch)', ['x'])).toEqual([
      '%1 = mul(x, 2)', '%2 = sum(%1)', 'named: torch=%1 y=%2', 'result: y',
    ]);
  });
});

describe('compileExpression: statements and names', () => {
  it('records each statement name and lets later statements use its node', () => {
    expect(compile('Y = x ** 2\ny = torch.sum(Y)')).toEqual([
      '%1 = pow(x, 2)', '%2 = sum(%1)', 'named: Y=%1 y=%2', 'result: y',
    ]);
  });

  it('binds a name to an input or a literal without a node', () => {
    expect(compile('a = x\nb = 2.5\nc = True\nd = None\ne = (2, 3)\ny = a * b')).toEqual([
      '%1 = mul(x, 2.5)', 'named: a=x b=2.5 c=true d=null e=[2, 3] y=%1', 'result: y',
    ]);
  });

  it('names a bare final expression result', () => {
    expect(compile('a = x * 2\na.sum()')).toEqual(['%1 = mul(x, 2)', '%2 = sum(%1)', 'named: a=%1 result=%2', 'result: result']);
    expect(compile('x')).toEqual(['named: result=x', 'result: result']);
  });

  it('keeps the last binding of a reassigned name, in order of last assignment', () => {
    expect(compile('a = x * 2\nb = a + 1\na = b * 3\nc = a')).toEqual([
      '%1 = mul(x, 2)', '%2 = add(%1, 1)', '%3 = mul(%2, 3)', 'named: b=%2 a=%3 c=%3', 'result: c',
    ]);
  });

  it('lets a statement rebind an input name; earlier uses keep the input', () => {
    expect(compile('a = x + 1\nx = x * 2\ny = x + a', ['x'])).toEqual([
      '%1 = add(x, 1)', '%2 = mul(x, 2)', '%3 = add(%2, %1)', 'named: a=%1 x=%2 y=%3', 'result: y',
    ]);
  });

  it('treats __proto__, constructor and prototype as plain names', () => {
    const program = compileExpression(
      'constructor = __proto__ * 2\nprototype = constructor.sum(__proto__=1)\ntoString = prototype',
      options(['__proto__']),
    );
    expect(listing(program)).toEqual([
      '%1 = mul(__proto__, 2)', '%2 = sum(%1, __proto__=1)',
      'named: constructor=%1 prototype=%2 toString=%2', 'result: toString',
    ]);
    expect(Object.getPrototypeOf(program.nodes[1].kwargs)).toBeNull();
    expect(Object.keys(program.nodes[1].kwargs)).toEqual(['__proto__']);
  });

  it.each([
    ['constructor', "name 'constructor' is not defined"],
    ['__proto__', "name '__proto__' is not defined"],
    ['toString', "name 'toString' is not defined"],
    ['hasOwnProperty(x)', "name 'hasOwnProperty' is not defined"],
    ['x.constructor()', "'Tensor' object has no attribute 'constructor'"],
    ['x.__proto__()', "'Tensor' object has no attribute '__proto__'"],
    ['torch.constructor(x)', "module 'torch' has no attribute 'constructor'"],
  ])('does not find %s on any prototype', (source, message) => {
    expect(problemOf(() => compileExpression(`y = ${source}`, options(['x']))).message).toBe(message);
  });
});

describe('compileExpression: errors', () => {
  it.each([
    ['y = frobnicate(x)', 'unknown-function', "name 'frobnicate' is not defined", 5],
    ['y = view(x, 2)', 'unknown-function', "name 'view' is not defined", 5],
    ['y = SQ(x)', 'unknown-function', "name 'SQ' is not defined", 5],
    ['y = torch.frobnicate(x)', 'unknown-function', "module 'torch' has no attribute 'frobnicate'", 5],
    ['y = torch.view(x, 2)', 'unknown-function', "module 'torch' has no attribute 'view'", 5],
    ['y = F.frobnicate(x)', 'unknown-function', "module 'torch.nn.functional' has no attribute 'frobnicate'", 5],
    ['y = torch.nn.relu(x)', 'unknown-function', "module 'torch.nn' has no attribute 'relu'", 5],
    ['y = torch.autograd.relu(x)', 'unknown-function', "module 'torch.autograd' has no attribute 'relu'", 5],
    ['y = torch.autograd.jacobian(x, x)', 'unknown-function', "module 'torch.autograd' has no attribute 'jacobian'", 5],
    ['y = torch.autograd.functional.grad(x, x)', 'unknown-function', "module 'torch.autograd.functional' has no attribute 'grad'", 5],
    ['y = torch.autograd.functional.relu(x)', 'unknown-function', "module 'torch.autograd.functional' has no attribute 'relu'", 5],
    ['y = x.frobnicate()', 'unknown-function', "'Tensor' object has no attribute 'frobnicate'", 7],
    ['y = x.mse_loss(x)', 'unknown-function', "'Tensor' object has no attribute 'mse_loss'", 7],
    ['y = (2).exp()', 'unknown-function', "'int' object has no attribute 'exp'", 9],
    ['a = 2.5\ny = a.exp()', 'unknown-function', "'float' object has no attribute 'exp'", 7],
    ['y = (1, 2).sum()', 'unknown-function', "'tuple' object has no attribute 'sum'", 12],
    ['y = x.T', 'unknown-function', "attribute 'T' is not supported; only method calls such as x.sum() are", 7],
    ['y = x.sum', 'unknown-function', "method 'sum' must be called, as in x.sum()", 7],
    ['y = x * q', 'unknown-name', "name 'q' is not defined", 9],
    ['y = x\nz = y * r', 'unknown-name', "name 'r' is not defined", 9],
    ['y = y + 1', 'unknown-name', "name 'y' is not defined", 5],
    ['y = torch', 'unknown-name', "'torch' is a module, not a tensor; call its functions, as in torch.sum(x)", 5],
    ['y = torch.sum', 'unknown-name', "'torch' is a module, not a tensor; call its functions, as in torch.sum(x)", 5],
    ['y = x.view((2, x))', 'invalid-argument', 'a tuple here may hold only numbers', 16],
    ['y = x.view([2, None])', 'invalid-argument', 'a list here may hold only numbers', 16],
    ['y = x.view(((2, 3),))', 'invalid-argument', 'a tuple here may hold only numbers', 13],
    ['y = (x', 'parse-error', "unexpected end of input, expected ')' ('(' at line 1, column 5 is not closed)", 7],
  ])('%j: %s', (source, code, message, column) => {
    const problem = problemOf(() => compileExpression(source, options(['x'])));
    expect(problem.code).toBe(code);
    expect(problem.message).toBe(message);
    expect(problem.extras.position).toMatchObject({ column });
  });

  it('reports the line of an error in a later statement', () => {
    const problem = problemOf(() => compileExpression('a = x\n\nb = a * frobnicate(a)', options(['x'])));
    expect(problem.extras.position).toEqual({ line: 3, column: 9, offset: 15 });
  });

  it('passes parser limits through', () => {
    const problem = problemOf(() => compileExpression('y = ((x))', { ...options(['x']), limits: { maxDepth: 2 } }));
    expect(problem.extras.limit).toEqual({ name: 'maxDepth', value: 2 });
  });

  it('lowers a 50000-term chain (a tree that deep) without recursion', () => {
    const source = `y = ${'x+'.repeat(49_999)}x`;
    const program = compileExpression(source, { ...options(['x']), limits: { maxExprLength: source.length } });
    expect(program.nodes).toHaveLength(49_999);
    expect(program.nodes[49_998]).toEqual({ id: '%49999', op: 'add', args: ['%49998', 'x'], kwargs: {} });
  });
});

describe('lowerGraph', () => {
  const quadratic: GraphNodeInput[] = [
    { id: 'a', op: 'pow', args: ['x', 2] },
    { id: 'b', op: 'mul', args: [2, 'x'] },
    { id: 'c', op: 'add', args: ['a', 'b'] },
    { id: 'y', op: 'sum', args: ['c'], kwargs: { dim: [0], keepdim: false } },
  ];

  it('keeps the nodes and names each node after itself; the last is the result', () => {
    const program = lowerGraph(quadratic, options(['x']));
    expect(listing(program)).toEqual([
      'a = pow(x, 2)', 'b = mul(2, x)', 'c = add(a, b)', 'y = sum(c, dim=[0], keepdim=false)',
      'named: a=a b=b c=c y=y', 'result: y',
    ]);
  });

  it('accepts custom functions as ops', () => {
    expect(lowerGraph([{ id: 'y', op: 'SQ', args: ['x'] }], options(['x'], ['SQ'])).result).toBe('y');
  });

  it.each<[string, GraphNodeInput[], string, string, string]>([
    ['a forward reference', [{ id: 'y', op: 'add', args: ['z', 1] }, { id: 'z', op: 'neg', args: ['x'] }],
      'unknown-name', "node 'y' refers to 'z', which is not an input or an earlier node", 'y'],
    ['a self reference', [{ id: 'y', op: 'neg', args: ['y'] }],
      'unknown-name', "node 'y' refers to 'y', which is not an input or an earlier node", 'y'],
    ['an unknown name in kwargs', [{ id: 'y', op: 'clamp', args: ['x'], kwargs: { min: 'lo' } }],
      'unknown-name', "node 'y' refers to 'lo', which is not an input or an earlier node", 'y'],
    ['an unknown op', [{ id: 'y', op: 'frobnicate', args: ['x'] }],
      'unknown-function', "node 'y' uses unknown op 'frobnicate'", 'y'],
    ['an op named like an Object property', [{ id: 'y', op: 'constructor', args: ['x'] }],
      'unknown-function', "node 'y' uses unknown op 'constructor'", 'y'],
    ['a duplicate id', [{ id: 'y', op: 'neg', args: ['x'] }, { id: 'y', op: 'neg', args: ['y'] }],
      'invalid-argument', "duplicate node id 'y'", 'y'],
    ['an id that is an input', [{ id: 'x', op: 'neg', args: ['x'] }],
      'invalid-argument', "node id 'x' is already the name of an input", 'x'],
  ])('refuses %s', (_, graph, code, message, node) => {
    const problem = problemOf(() => lowerGraph(graph, options(['x'])));
    expect(problem.code).toBe(code);
    expect(problem.message).toBe(message);
    expect(problem.extras.node).toBe(node);
  });

  it('refuses an empty graph and one of more nodes than maxStatements', () => {
    expect(problemOf(() => lowerGraph([], options(['x']))).code).toBe('invalid-argument');
    const problem = problemOf(() => lowerGraph(quadratic, { ...options(['x']), limits: { maxStatements: 1 } }));
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.extras.limit).toEqual({ name: 'maxStatements', value: 1 });
  });

  it('copies kwargs into a prototype-free record', () => {
    const kwargs = JSON.parse('{"__proto__": 1}') as Record<string, GraphArg>;
    const [node] = lowerGraph([{ id: 'y', op: 'sum', args: ['x'], kwargs }], options(['x'])).nodes;
    expect(Object.getPrototypeOf(node.kwargs)).toBeNull();
    expect(Object.keys(node.kwargs)).toEqual(['__proto__']);
  });
});

describe('the conformance programs', () => {
  interface Fixture {
    expressions: { name: string; inputs: string[]; functions: Record<string, { params: string[]; forward: string; backward: string[] }>; expr: string }[];
    pairs: { name: string; inputs: string[]; expr: string; graph: GraphNodeInput[] }[];
  }
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/conformance-programs.json', import.meta.url), 'utf8')) as Fixture;
  const failsToCompile: Record<string, string> = {
    'error/unknown-function': 'unknown-function',
    'error/undefined-name': 'unknown-name',
    'malformed/parse-error': 'parse-error',
  };

  it.each(fixture.expressions.map((c) => [c.name, c] as const))('%s compiles as expected', (name, c) => {
    const compileCase = () => compileExpression(c.expr, options(c.inputs, Object.keys(c.functions)));
    if (name in failsToCompile) {
      expect(problemOf(compileCase).code).toBe(failsToCompile[name]);
      return;
    }
    const program = compileCase();
    expect(program.result).toBe(program.named.at(-1)![0]);
    for (const spec of Object.values(c.functions)) {
      expect(compileExpression(spec.forward, options(spec.params)).result).toBe('result');
      for (const backward of spec.backward) {
        expect(compileExpression(backward, options([...spec.params, 'grad_output'])).result).toBe('result');
      }
    }
  });

  /** Node ids renamed to their index, so both forms compare. */
  function canonical(program: LoweredProgram) {
    const index = new Map(program.nodes.map((n, i) => [n.id, `#${i}`]));
    const rename = (arg: GraphArg) => (typeof arg === 'string' ? (index.get(arg) ?? arg) : arg);
    return {
      nodes: program.nodes.map((n) => ({
        op: n.op,
        args: n.args.map(rename),
        kwargs: Object.fromEntries(Object.entries(n.kwargs).map(([k, v]) => [k, rename(v)])),
      })),
      result: rename(program.named.find(([name]) => name === program.result)![1]),
    };
  }

  it.each(fixture.pairs.map((p) => [p.name, p] as const))('%s lowers to the nodes of its PyTorch-traced graph form', (_, pair) => {
    const fromExpression = canonical(compileExpression(pair.expr, options(pair.inputs)));
    const fromGraph = canonical(lowerGraph(pair.graph, options(pair.inputs)));
    expect(fromExpression).toEqual(fromGraph);
  });
});
