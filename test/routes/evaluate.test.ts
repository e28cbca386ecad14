import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

async function post(payload: unknown, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/evaluate',
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
}

function expectProblem(r: { status: number; type: string; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.type).toContain('application/problem+json');
  expect(r.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
}

describe('POST /v1/evaluate answers', () => {
  it('the curl-sized request', async () => {
    const r = await post({ inputs: { x: 2 }, expr: 'x**2' });
    expect(r.status).toBe(200);
    expect(r.body.result).toBe('result');
    expect(r.body.tensors.x.grad).toBe(4);
    expect(r.body.tensors.result.repr).toBe('tensor(4., grad_fn=<PowBackward0>)');
    expect(r.body.trace.nodes[r.body.trace.root].name).toBe('PowBackward0');
  });

  it('the custom function SQ exactly as written (grad_output ignored)', async () => {
    const r = await post({
      inputs: { x: 2 },
      functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } },
      expr: 'y = SQ(x) * 3',
    });
    expect(r.status).toBe(200);
    expect(r.body.tensors.x.grad).toBe(4);
  });

  it('retain_grad keeps a non-leaf gradient', async () => {
    const r = await post({
      inputs: { x: { linspace: { start: -10, end: 10, steps: 10 } } },
      expr: 'Y = x ** 2\ny = torch.sum(Y)',
      backward: { of: 'y', retain_grad: ['Y'] },
    });
    expect(r.status).toBe(200);
    expect(r.body.tensors.Y.grad).toEqual(new Array(10).fill(1));
  });
});

describe('POST /v1/evaluate refuses', () => {
  it('bad JSON with 400', async () => expectProblem(await post('{"inputs": '), 400));
  it('an empty body with 400', async () => expectProblem(await post(''), 400));
  it('a __proto__ key with 400', async () => expectProblem(await post('{"inputs": {"__proto__": 1}, "expr": "y = 1"}'), 400));
  it('a constructor.prototype key with 400', async () =>
    expectProblem(await post('{"inputs": {"constructor": {"prototype": 1}}, "expr": "y = 1"}'), 400));
  it('neither expr nor graph with 400', async () => expectProblem(await post({ inputs: { x: 1 } }), 400));
  it('unknown top-level fields with 400', async () => expectProblem(await post({ inputs: { x: 1 }, expr: 'x', exprr: 'x' }), 400));
  it('a ragged tensor with 400 pointing at it', async () => {
    const r = await post({ inputs: { x: [[1, 2], [3]] }, expr: 'x.sum()' });
    expectProblem(r, 400);
    expect(r.body.errors[0].pointer).toMatch(/^\/inputs\/x/);
  });
  it('a string tensor with 400 pointing at it', async () => {
    const r = await post({ inputs: { x: { data: 'two' } }, expr: 'x * 2' });
    expectProblem(r, 400);
    expect(r.body.errors.some((e: any) => e.pointer.startsWith('/inputs/x'))).toBe(true);
  });
  it('a non-JSON media type with 415', async () => expectProblem(await post('x', { 'content-type': 'text/plain' }), 415));
  it('a body over the limit with 413', async () => {
    const big = JSON.stringify({ inputs: { x: new Array(3_000_000).fill(1.5) }, expr: 'x.sum()' });
    expectProblem(await post(big), 413);
  });
  it('a zeros input over the element limit with 400, without allocating', async () => {
    const started = performance.now();
    const r = await post({ inputs: { x: { zeros: [100000, 100000] } }, expr: 'x.sum()' });
    expectProblem(r, 400);
    expect(r.body.detail).toContain('maxElementsPerInput');
    expect(performance.now() - started).toBeLessThan(5000); // generous: it must not allocate 1e10 floats
  });
  it('a parse error with 422 and its position', async () => {
    const r = await post({ inputs: { x: 1 }, expr: 'y = (x + ' });
    expectProblem(r, 422);
    expect(r.body.position).toMatchObject({ line: 1, column: expect.any(Number) });
  });
  it('an unknown name with 422', async () => expectProblem(await post({ inputs: { x: 1 }, expr: 'y = x * q' }), 422));
  it('an unknown function with 422', async () => expectProblem(await post({ inputs: { x: 1 }, expr: 'y = frobnicate(x)' }), 422));
  it('a forward reference in a graph with 422', async () =>
    expectProblem(await post({ inputs: { x: 1 }, graph: [{ id: 'y', op: 'add', args: ['z', 1] }, { id: 'z', op: 'neg', args: ['x'] }] }), 422));
  it('a graph node that fails while running with 422 naming the node, in PyTorch words', async () => {
    const graph = [{ id: 'a', op: 'exp', args: ['x'] }, { id: 'class', op: 'add', args: ['a', 'z'] }, { id: 'y', op: 'sum', args: ['class'] }];
    const r = await post({ inputs: { x: [1, 2], z: [1, 2, 3] }, graph });
    expectProblem(r, 422);
    expect(r.body).toMatchObject({ node: 'class', detail: 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0' });
    expect(r.body.position).toBeUndefined();
  });
  it('a graph whose node ids are Python keywords and builtins with 200', async () => {
    const graph = [{ id: 'lambda', op: 'pow', args: ['x', 2] }, { id: 'print', op: 'mul', args: ['lambda', 3] }, { id: 'None', op: 'sum', args: ['print'] }];
    const r = await post({ inputs: { x: [1, 2] }, graph });
    expect(r.status).toBe(200);
    expect(r.body.result).toBe('None');
    expect(Object.keys(r.body.tensors)).toEqual(['x', 'lambda', 'print', 'None']);
    expect(r.body.tensors.x.grad).toEqual([6, 12]);
  });
  it('a gradient of the wrong shape with 422 in PyTorch words', async () => {
    const r = await post({ inputs: { x: [1, 2, 3] }, expr: 'y = x * 2', backward: { gradient: [1, 2] } });
    expectProblem(r, 422);
    expect(r.body.detail).toBe(
      'Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3]).',
    );
  });
  it('nesting deeper than the limit with 422', async () => {
    const r = await post({ inputs: { x: 1 }, expr: '('.repeat(5000) + 'x' + ')'.repeat(5000) });
    expectProblem(r, 422);
  });
  it('an unknown route with 404 problem', async () => {
    const r = await app.inject({ method: 'GET', url: '/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
  });
});

describe('custom functions', () => {
  it('may not take the name of a built-in op', async () => {
    const r = await post({ inputs: { x: 1 }, functions: { relu: { params: ['i'], forward: 'i', backward: ['grad_output'] } }, expr: 'relu(x)' });
    expectProblem(r, 400);
    expect(r.body.errors[0].pointer).toBe('/functions/relu');
  });

  it('whose forward does not parse are a 422 naming the position', async () => {
    const r = await post({ inputs: { x: 1 }, functions: { F1: { params: ['i'], forward: 'i ** ', backward: ['grad_output'] } }, expr: 'F1(x)' });
    expectProblem(r, 422);
  });
});

describe('memory the program asks for while running', () => {
  it('an expand far beyond the inputs is a 422 naming the limit, before allocating', async () => {
    const r = await post({ inputs: { x: [1, 2] }, expr: 'y = x.view(2, 1).expand(2, 100000000)\ny.sum()' });
    expectProblem(r, 422);
    // expand is a view: reading it for the sum passes the work limit before anything is allocated
    expect([{ name: 'maxElementsPerTensor', value: 16_000_000 }, { name: 'poolMaxWork', value: 100_000_000 }]).toContainEqual(r.body.limit);
  });

  it('an outer product of two large vectors is a 422', async () => {
    const r = await post({ inputs: { x: { zeros: [100000] } }, expr: 'y = x.view(-1, 1) @ x.view(1, -1)\ny.sum()' });
    expectProblem(r, 422);
    expect(r.body.limit.name).toBe('maxElementsPerTensor');
  });
});

describe('grad() frees the graph as PyTorch does', () => {
  it('after grad(..., create_graph=False) a backward through the same graph is an autograd error', async () => {
    const r = await post({ inputs: { x: 2 }, expr: 'y = x ** 3\ng = grad(y, x, create_graph=False)', backward: { of: 'y' } });
    expectProblem(r, 422);
    expect(r.body.type).toMatch(/autograd-error$/);
    expect(r.body.detail).toMatch(/^Trying to backward through the graph a second time/);
  });

  it('with create_graph (the expression language’s default for grad) the graph is kept', async () => {
    const r = await post({ inputs: { x: 2 }, expr: 'y = x ** 3\ng = grad(y, x)', backward: { of: 'y' } });
    expect(r.status).toBe(200);
    expect(r.body.tensors.x.grad).toBe(12);
  });
});
