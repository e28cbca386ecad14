import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { editDistance, nearestName } from '../../src/nearest.js';

/** Messages that teach: each says what was wrong and what to send instead. */

const QUIET = { overload: { maxEventLoopDelayMs: 0, retryAfterSeconds: 1 }, evaluation: { queueTimeoutMs: 60_000 } };

describe('messages that teach', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ operations: QUIET });
  });
  afterAll(() => app.close());

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

  it.each([
    ['text/plain', 'as text/plain'],
    ['application/x-www-form-urlencoded', 'as application/x-www-form-urlencoded (what curl -d sends unless told otherwise)'],
    [undefined, 'without a content-type'],
  ])('a body sent as %s is a 415 that says to add the JSON content type', async (contentType, sent) => {
    const response = await app.inject({ method: 'POST', url: '/v1/evaluate', headers: contentType ? { 'content-type': contentType } : {}, body: '{"inputs": {"x": 2}, "expr": "x"}' });
    expect(response.statusCode).toBe(415);
    expect(response.json().detail).toBe(`the body was sent ${sent}; gradserve takes JSON: add -H 'content-type: application/json'`);
  });

  it('a JSON syntax error gives its line and column', async () => {
    const body = '{"inputs": {"x": 2},\n "expr": "y = x ** 2"\n "backward": true}';
    const response = await app.inject({ method: 'POST', url: '/v1/evaluate', headers: { 'content-type': 'application/json' }, body });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      type: 'https://gradserve.dev/problems/invalid-json',
      detail: "the body is not valid JSON: a ',' is missing: expected ',' or '}' after a property value, found '\"' (line 3, column 2)",
      position: { line: 3, column: 2, offset: 44 },
    });
  });

  it('an unknown key suggests the nearest, at any depth; with none near, it lists the keys', async () => {
    const top = await post('/v1/evaluate', { input: { x: 2 }, expr: 'y = x' });
    expect(top.statusCode).toBe(400);
    expect(top.json().detail).toBe('(body): unknown key "input": did you mean "inputs"?');
    const nested = await post('/v1/evaluate', { inputs: { x: { dat: [1, 2] } }, expr: 'y = x' });
    expect(nested.json().errors).toContainEqual({ pointer: '/inputs/x', detail: 'unknown key "dat": did you mean "data"?' });
    const check = await post('/v1/check', { submission: { inputs: { x: 1 }, expr: 'y = x' }, expcted: { tensors: { y: { data: 1 } } } });
    expect(check.json().detail).toContain('unknown key "expcted": did you mean "expected"?');
    const far = await post('/v1/evaluate', { inputs: { x: 2 }, expr: 'y = x', colour: 'blue' });
    expect(far.json().detail).toBe('(body): unknown key "colour" (this object takes inputs, expr, graph, functions, backward, outputs, fields, encoding, diagnostics)');
  });

  it('a bad dtype says which dtypes exist', async () => {
    const response = await post('/v1/evaluate', { inputs: { x: { data: [1, 2], dtype: 'float16' } }, expr: 'y = x.sum()' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toContainEqual({ pointer: '/inputs/x/dtype', detail: 'dtype must be one of float32, float64 (got "float16")' });
  });

  it('an unknown function or method suggests the nearest op, with the caret at the attribute', async () => {
    const torchFunction = await post('/v1/evaluate', { inputs: { x: [1, -1] }, expr: 'h = x * 2\ny = torch.rleu(h).sum()' });
    expect(torchFunction.statusCode).toBe(422);
    expect(torchFunction.json()).toMatchObject({
      type: 'https://gradserve.dev/problems/unknown-function',
      detail: "module 'torch' has no attribute 'rleu'. Did you mean: 'relu'?",
      node: 'y = torch.rleu(h).sum()',
      position: { line: 2, column: 11, offset: 20 },
    });
    const method = await post('/v1/evaluate', { inputs: { x: [1, 2] }, expr: 'y = x.smu()' });
    expect(method.json()).toMatchObject({ detail: "'Tensor' object has no attribute 'smu'. Did you mean: 'sum'?", position: { line: 1, column: 7 } });
    const functional = await post('/v1/evaluate', { inputs: { x: [1, 2] }, expr: 'y = F.softmx(x, dim=0).sum()' });
    expect(functional.json().detail).toBe("module 'torch.nn.functional' has no attribute 'softmx'. Did you mean: 'softmax'?");
    const bare = await post('/v1/evaluate', { inputs: { x: 2 }, expr: 'y = sigmiod(x)' });
    expect(bare.json()).toMatchObject({ type: 'https://gradserve.dev/problems/unknown-name', detail: "name 'sigmiod' is not defined. Did you mean: 'sigmoid'?" });
    const nothingNear = await post('/v1/evaluate', { inputs: { x: 2 }, expr: 'y = torch.frobnicate(x)' });
    expect(nothingNear.json().detail).toBe("module 'torch' has no attribute 'frobnicate'");
  });

  it("a notebook cell's error stays str(exception), as Python prints it", async () => {
    const response = await post('/v1/run', { source: 'import torch\ntorch.rleu(torch.ones(2))' });
    expect(response.json().cells[0].error).toEqual({ type: 'AttributeError', message: "module 'torch' has no attribute 'rleu'", line: 2 });
  });

  it('a non-scalar backward names .sum(), "backward": false and backward.gradient', async () => {
    const response = await post('/v1/evaluate', { inputs: { x: [1, 2] }, expr: 'y = x * 2' });
    expect(response.statusCode).toBe(422);
    const { detail } = response.json();
    expect(detail).toMatch(/^grad can be implicitly created only for scalar outputs \(y has shape \[2\]/);
    for (const way of ['`y.sum()`', '"backward": false', '"backward": {"gradient": [...]}']) expect(detail).toContain(way);
  });

  it('a shape error names the statement and its position', async () => {
    const response = await post('/v1/evaluate', { inputs: { x: [1, 2], w: [1, 2, 3] }, expr: 'a = x + 1\ny = (a * w).sum()' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      type: 'https://gradserve.dev/problems/shape-error',
      detail: 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0',
      node: 'y = (a * w).sum()',
      position: { line: 2, column: 1, offset: 10 },
    });
  });

  it('GET on a POST route is a 405 with Allow; OPTIONS too while CORS is off', async () => {
    for (const method of ['GET', 'OPTIONS'] as const) {
      const response = await app.inject({ method, url: '/v1/evaluate', headers: { origin: 'https://course.example.org', 'access-control-request-method': 'POST' } });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.json().detail).toBe(`${method} is not allowed on /v1/evaluate; it answers POST`);
    }
  });
});

describe('CORS (CORS_ORIGINS)', () => {
  it('is off by default and refuses what is not an origin', () => {
    expect(loadConfig({}).cors).toBeNull();
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors).toEqual({ origins: '*' });
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173/' }).cors).toEqual({ origins: ['https://a.example', 'http://localhost:5173'] });
    expect(() => loadConfig({ CORS_ORIGINS: 'a.example/path' })).toThrow(/CORS_ORIGINS=.*is not an origin like https:\/\/course.example.org/);
  });

  it('answers preflights and requests from the listed origins only', async () => {
    const app = await buildApp({ operations: { ...QUIET, cors: loadConfig({ CORS_ORIGINS: 'https://course.example.org' }).cors } });
    try {
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/v1/evaluate',
        headers: { origin: 'https://course.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://course.example.org');
      expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
      expect(String(preflight.headers['access-control-allow-headers'])).toContain('content-type');
      const allowed = await app.inject({ method: 'POST', url: '/v1/evaluate', headers: { origin: 'https://course.example.org' }, payload: { inputs: { x: 2 }, expr: 'y = x ** 2' } });
      expect(allowed.statusCode).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://course.example.org');
      expect(String(allowed.headers['access-control-expose-headers'])).toContain('x-request-id');
      const other = await app.inject({ method: 'POST', url: '/v1/evaluate', headers: { origin: 'https://elsewhere.example' }, payload: { inputs: { x: 2 }, expr: 'y = x' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('nearestName', () => {
  it('finds one-edit mistakes, swaps included, and nothing far away', () => {
    expect(editDistance('rleu', 'relu')).toBe(1);
    expect(nearestName('rleu', ['sigmoid', 'relu', 'tanh'])).toBe('relu');
    expect(nearestName('input', ['inputs', 'expr'])).toBe('inputs');
    expect(nearestName('Relu', ['relu'])).toBe('relu');
    expect(nearestName('colour', ['inputs', 'expr', 'graph'])).toBeUndefined();
    expect(nearestName('x', ['y'])).toBe('y');
    expect(nearestName('softmx', ['softmax', 'softmin', 'log_softmax'])).toBe('softmax');
  });
});
