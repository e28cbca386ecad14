import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../schemas/limits.js';
import type { CompleteAnswer } from '../../schemas/program.js';
import { ProblemError } from '../../src/errors.js';
import { evaluateComplete } from '../../src/program/run.js';

// The graph form of /v1/evaluate: checked, built as the interpreter's AST (never as Python source) and run.
type Node = { id: string; op: string; args: unknown[]; kwargs?: Record<string, unknown> };
const evaluate = (request: Record<string, unknown>, limits: Limits = DEFAULT_LIMITS) =>
  evaluateComplete({ backward: true, ...request } as never, limits);

function problemOf(request: Record<string, unknown>, limits: Limits = DEFAULT_LIMITS): ProblemError {
  try {
    evaluate(request, limits);
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('no problem raised');
}

const quadratic: Node[] = [
  { id: 'a', op: 'pow', args: ['x', 2] },
  { id: 'b', op: 'mul', args: [2, 'x'] },
  { id: 'c', op: 'add', args: ['a', 'b'] },
  { id: 'y', op: 'sum', args: ['c'], kwargs: { dim: [0], keepdim: false } },
];

describe('the graph form', () => {
  it('names inputs first, then every node after itself; the last node is the result', () => {
    const answer = evaluate({ inputs: { x: [1, 2] }, graph: quadratic });
    expect(Object.keys(answer.tensors)).toEqual(['x', 'a', 'b', 'c', 'y']);
    expect(answer.result).toBe('y');
    expect(answer.tensors.y.data).toBe(11);
    expect(answer.tensors.x.grad).toEqual([4, 6]);
    expect(answer.tensors.a.grad_fn).toBe('PowBackward0');
  });

  it('takes node ids that are Python keywords, builtins or op names, bound as they are', () => {
    const graph: Node[] = [
      { id: 'lambda', op: 'mul', args: ['x', 3] },
      { id: 'class', op: 'add', args: ['lambda', 'x'] },
      { id: 'None', op: 'neg', args: ['class'] },
      { id: 'print', op: 'exp', args: ['None'] },
      { id: 'add', op: 'add', args: ['print', 'class'] },
      { id: 'sum', op: 'sum', args: ['add'] },
    ];
    const answer = evaluate({ inputs: { x: [0, 1] }, graph });
    expect(Object.keys(answer.tensors)).toEqual(['x', 'lambda', 'class', 'None', 'print', 'add', 'sum']);
    expect(answer.tensors.class.data).toEqual([0, 4]);
    expect(answer.result).toBe('sum');
  });

  it('calls method-only ops, reads a named tuple as its values, passes number lists, booleans and None', () => {
    const graph: Node[] = [
      { id: 'v', op: 'view', args: ['x', [2, 2]] },
      { id: 'm', op: 'max', args: ['v'], kwargs: { dim: 1, keepdim: true } },
      { id: 'c', op: 'clamp', args: ['m'], kwargs: { min: null, max: 3.5 } },
      { id: 'y', op: 'sum', args: ['c'] },
    ];
    const answer = evaluate({ inputs: { x: [1, 4, 3, 2] }, graph });
    expect(answer.tensors.m.data).toEqual([[4], [3]]);
    expect(answer.tensors.c.data).toEqual([[3.5], [3]]);
    expect(answer.tensors.x.grad).toEqual([0, 0, 1, 0]);
  });

  it('runs custom functions as ops', () => {
    const functions = { SQ: { params: ['i'], forward: 'i ** 2', backward: ['grad_output * 2 * i'] } };
    const answer = evaluate({ inputs: { x: 3 }, functions, graph: [{ id: 'y', op: 'SQ', args: ['x'] }] });
    expect(answer.tensors.y).toMatchObject({ data: 9, grad_fn: 'SQBackward' });
    expect(answer.tensors.x.grad).toBe(6);
  });

  it('copies no kwarg from a prototype: __proto__ is a plain keyword (and not one sum takes)', () => {
    const kwargs = JSON.parse('{"__proto__": 1}') as Record<string, unknown>;
    const problem = problemOf({ inputs: { x: [1] }, graph: [{ id: 'y', op: 'sum', args: ['x'], kwargs }] });
    expect(problem.message).toMatch(/__proto__/);
    expect(problem.extras.node).toBe('y');
  });
});

describe('diagnostics of the graph form', () => {
  it('names the first node holding a non-finite value, its op, and the node whose backward returned one', () => {
    const graph: Node[] = [
      { id: 'a', op: 'mul', args: ['x', 2] },
      { id: 'b', op: 'log', args: ['a'] },
      { id: 'y', op: 'sum', args: ['b'] },
    ];
    const answer = evaluate({ inputs: { x: [0, 1] }, graph, diagnostics: true });
    expect(answer.diagnostics?.nonfinite_value).toEqual({
      tensor: 'b', statement: 'b', op: 'log', kind: 'inf', count: 1, message: "log produced inf values: 'b' has 1 inf element",
    });
    expect(answer.diagnostics?.nonfinite_gradient).toMatchObject({ function: 'LogBackward0', tensor: 'b', kind: 'inf' });
  });
});

describe('graph errors name their node', () => {
  it.each<[string, Node[], string, string, string]>([
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
  ])('refuses %s before running anything', (_, graph, code, message, node) => {
    const problem = problemOf({ inputs: { x: [1, 2] }, graph });
    expect(problem.code).toBe(code);
    expect(problem.message).toBe(message);
    expect(problem.extras.node).toBe(node);
  });

  it('refuses an empty graph and one of more nodes than maxStatements', () => {
    expect(problemOf({ inputs: { x: 1 }, graph: [] }).code).toBe('invalid-argument');
    const problem = problemOf({ inputs: { x: [1, 2] }, graph: quadratic }, { ...DEFAULT_LIMITS, maxStatements: 3 });
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.message).toBe('graph has more than 3 nodes');
    expect(problem.extras.limit).toEqual({ name: 'maxStatements', value: 3 });
  });

  it('an engine error while running keeps its code and message and names the node (its id, not a position)', () => {
    const graph: Node[] = [
      { id: 'a', op: 'exp', args: ['x'] },
      { id: 'bad', op: 'add', args: ['a', 'z'] },
      { id: 'y', op: 'sum', args: ['bad'] },
    ];
    const problem = problemOf({ inputs: { x: [1, 2], z: [1, 2, 3] }, graph });
    expect(problem.code).toBe('shape-error');
    expect(problem.message).toBe('The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0');
    expect(problem.extras.node).toBe('bad');
    expect(problem.extras.position).toBeUndefined();
  });

  it('an argument an op cannot bind is a problem of that node', () => {
    const problem = problemOf({ inputs: { x: [1, 2] }, graph: [{ id: 'a', op: 'neg', args: ['x'] }, { id: 'y', op: 'sum', args: ['a'], kwargs: { frob: 1 } }] });
    expect(problem.extras.node).toBe('y');
    expect(problem.message).toMatch(/frob/);
  });
});

describe('the conformance programs in both forms', () => {
  interface Pair { name: string; inputs: string[]; expr: string; graph: Node[] }
  interface Case { name: string; request: { inputs: Record<string, unknown>; graph?: Node[] } }
  const pairs = (JSON.parse(readFileSync(new URL('./fixtures/conformance-programs.json', import.meta.url), 'utf8')) as { pairs: Pair[] }).pairs;
  const cases = (JSON.parse(readFileSync(new URL('../conformance/cases.json', import.meta.url), 'utf8')) as { cases: Case[] }).cases;
  const graphCases = cases.filter((c) => c.request.graph !== undefined);

  /** The answer's result, the inputs' gradients and the backward graph: what both forms must agree on. */
  const essence = (answer: CompleteAnswer, inputs: string[]) => ({
    result: answer.tensors[answer.result].data,
    grads: inputs.map((name) => answer.tensors[name].grad),
    trace: answer.trace,
  });

  it.each(pairs.map((p) => [p.name, p] as const))('%s: the expression and its traced graph give the same answer', (_, pair) => {
    const source = graphCases.find((c) => JSON.stringify(c.request.graph) === JSON.stringify(pair.graph));
    expect(source, 'a golden case with this graph').toBeDefined();
    const inputs = source!.request.inputs;
    const fromExpression = evaluate({ inputs, expr: pair.expr });
    const fromGraph = evaluate({ inputs, graph: pair.graph });
    expect(essence(fromGraph, pair.inputs)).toEqual(essence(fromExpression, pair.inputs));
  });
});
