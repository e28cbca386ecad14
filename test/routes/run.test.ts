import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { RUN_LIMITS } from '../../schemas/run.js';

let app: FastifyInstance;
beforeAll(async () => {
  // a loaded test machine starts pool workers slowly: wait for one rather than shed the request
  app = await buildApp({ operations: { evaluation: { queueTimeoutMs: 60_000, budgetMs: 30_000 } } });
});
afterAll(() => app.close());

async function post(payload: unknown) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/run',
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
}

describe('POST /v1/run answers', () => {
  it("the lab's first cells: stdout, display and variables", async () => {
    const r = await post({
      cells: ['import torch\nimport matplotlib.pylab as plt', 'x = torch.tensor(2.0, requires_grad = True)\ny = x ** 2 + 2 * x + 1\nprint("y:", y)\ny.backward()\nx.grad'],
    });
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/json');
    expect(r.body.cells).toEqual([
      { stdout: '', display: null, error: null, figures: [] },
      { stdout: 'y: tensor(9., grad_fn=<AddBackward0>)\n', display: 'tensor(6.)', error: null, figures: [] },
    ]);
    expect(r.body.variables.x).toEqual({ data: 2, shape: [], dtype: 'float32', requires_grad: true, is_leaf: true, grad_fn: null, grad: 6, repr: 'tensor(2., requires_grad=True)' });
    expect(r.body.variables.y.grad_fn).toBe('AddBackward0');
    expect(r.body.variables).not.toHaveProperty('torch');
  });

  it('one cell given as source', async () => {
    const r = await post({ source: 'n = 3\nn * 2.5' });
    expect(r.status).toBe(200);
    expect(r.body.cells).toEqual([{ stdout: '', display: '7.5', error: null, figures: [] }]);
    expect(r.body.variables).toEqual({ n: { type: 'int', repr: '3' } });
  });

  it("a student's error as a result (200), the later cells still run", async () => {
    const r = await post({ cells: ['x = 1\nprint(x)\nz.backward()', 'x = torch.tensor(', 'print(x + 1)'] });
    expect(r.status).toBe(200);
    expect(r.body.cells[0]).toEqual({ stdout: '1\n', display: null, error: { type: 'NameError', message: "name 'z' is not defined", line: 3 }, figures: [] });
    expect(r.body.cells[1].error).toMatchObject({ type: 'SyntaxError', line: 1 });
    expect(r.body.cells[2].stdout).toBe('2\n');
  });

  it('figures as data, non-finite numbers as strings', async () => {
    const r = await post({ source: "import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [1.0, float('inf'), float('nan')], label='f')\nplt.title('t')\nplt.legend()\nplt.show()" });
    expect(r.status).toBe(200);
    expect(r.body.cells[0].figures).toEqual([{ lines: [{ x: [0, 1, 2], y: [1, 'Infinity', 'NaN'], label: 'f' }], xlabel: null, ylabel: null, title: 't', legend: true, svg: expect.stringContaining('<svg') }]);
  });

  it('an endless loop stops in its cell (step budget) and the next cell runs', async () => {
    const r = await post({ cells: ['while True:\n    pass', 'print("still alive")'] });
    expect(r.status).toBe(200);
    expect(r.body.cells[0].error.type).toBe('TimeoutError');
    expect(r.body.cells[1].stdout).toBe('still alive\n');
  });
});

describe('POST /v1/run answers larger than maxAnswerBytes', () => {
  it.each([
    ['inline', 50_000_000],
    ['in the pool', 0],
  ])('are refused with 422 limit-exceeded, run %s, and the service answers the next request', async (_where, inlineMaxWork) => {
    const small = await buildApp({ limits: { ...DEFAULT_LIMITS, maxAnswerBytes: 20_000 }, operations: { evaluation: { queueTimeoutMs: 60_000, budgetMs: 30_000, inlineMaxWork } } });
    try {
      const big = await small.inject({ method: 'POST', url: '/v1/run', payload: { source: 'import torch\nx = torch.arange(5000.)' } });
      expect(big.statusCode).toBe(422);
      expect(big.json()).toMatchObject({ type: expect.stringContaining('limit-exceeded'), limit: { name: 'maxAnswerBytes', value: 20_000 } });
      const next = await small.inject({ method: 'POST', url: '/v1/run', payload: { source: 'import torch\nx = torch.arange(500.)\nprint(x.sum().item())' } });
      expect(next.statusCode).toBe(200);
      expect(next.json().cells[0].stdout).toBe('124750.0\n');
    } finally {
      await small.close();
    }
  });
});

describe('POST /v1/run refuses unreadable requests', () => {
  const expectProblem = (r: { status: number; type: string; body: any }, status: number) => {
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
  };

  it.each([
    ['no cells', {}],
    ['cells not strings', { cells: [1, 2] }],
    ['no cell at all', { cells: [] }],
    ['cells and source together', { cells: ['1'], source: '1' }],
    ['an unknown key', { cells: ['1'], extra: true }],
    ['too many cells', { cells: new Array(RUN_LIMITS.maxCells + 1).fill('pass') }],
    ['too much source in all', { cells: new Array(3).fill('#'.repeat(Math.ceil(RUN_LIMITS.maxSourceChars / 2))) }],
  ])('%s (400)', async (_name, body) => expectProblem(await post(body), 400));

  it('bad JSON (400)', async () => expectProblem(await post('{"cells": ['), 400));
});

describe('OpenAPI', () => {
  it('documents /v1/run with its examples', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = document.paths['/v1/run'].post;
    expect(Object.keys(operation.responses).sort()).toEqual(Object.keys(document.paths['/v1/evaluate'].post.responses).sort());
    expect(JSON.stringify(document.components.schemas.RunRequest)).toContain('requires_grad');
    expect(document.components.schemas.RunAnswer.examples).toHaveLength(1);
  });
});
