import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../schemas/limits.js';
import { buildApp } from '../../src/app.js';

/** Small limits so every breach is cheap to provoke; each answer must name the limit and its value. */
const limits: Limits = {
  ...DEFAULT_LIMITS,
  maxBodyBytes: 4096,
  maxElementsPerInput: 100,
  maxTotalElements: 150,
  maxInputs: 3,
  maxStatements: 5,
  maxExprLength: 200,
  maxDepth: 8,
  maxFunctions: 1,
  maxBatchItems: 2,
};

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ limits });
});
afterAll(() => app.close());

async function post(payload: unknown, url = '/v1/evaluate') {
  const response = await app.inject({
    method: 'POST',
    url,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });
  expect(response.headers['content-type']).toContain('application/problem+json');
  return { status: response.statusCode, body: response.json() };
}

function names(body: { detail: string; limit?: { name: string; value: number } }, name: string, value: number) {
  if (body.limit) expect(body.limit).toEqual({ name, value });
  expect(body.detail).toContain(String(value));
  expect(body.limit?.name ?? body.detail).toContain(name);
}

describe('each limit answers with a problem naming it', () => {
  it('body size: 413', async () => {
    const r = await post({ inputs: { x: 1 }, expr: `x${' + x'.repeat(2000)}` });
    expect(r.status).toBe(413);
    expect(r.body.type).toMatch(/body-too-large$/);
  });

  it.each([
    ['data', { data: Array(101).fill(1) }],
    ['a bare array', Array(101).fill(1)],
    ['zeros', { zeros: [11, 10] }],
    ['ones', { ones: [101] }],
    ['full', { full: { shape: [5, 5, 5], value: 1 } }],
    ['linspace', { linspace: { start: 0, end: 1, steps: 101 } }],
    ['arange', { arange: { end: 101 } }],
  ])('elements per input, given as %s', async (_, input) => {
    const r = await post({ inputs: { x: input }, expr: 'x.sum()' });
    expect(r.status).toBe(400);
    names(r.body, 'maxElementsPerInput', 100);
  });

  it('total elements over all inputs', async () => {
    const r = await post({ inputs: { x: { zeros: [100] }, y: { zeros: [100] } }, expr: 'x.sum() + y.sum()' });
    expect(r.status).toBe(422);
    names(r.body, 'maxTotalElements', 150);
  });

  it('a huge zeros shape is refused before anything is allocated', async () => {
    const big = await buildApp();
    const started = performance.now();
    const response = await big.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: { zeros: [100000, 100000] } }, expr: 'x.sum()' } });
    const elapsed = performance.now() - started;
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/more than 1000000 elements \(limit maxElementsPerInput\)/);
    expect(elapsed).toBeLessThan(1000); // generous: proves nothing of 40 GB was allocated
    await big.close();
  });

  it('number of inputs', async () => {
    const r = await post({ inputs: { a: 1, b: 1, c: 1, d: 1 }, expr: 'a + b' });
    expect(r.status).toBe(400);
    names(r.body, 'maxInputs', 3);
  });

  it('statements in an expression', async () => {
    const r = await post({ inputs: { x: 1 }, expr: Array.from({ length: 6 }, (_, i) => `y${i} = x * ${i}`).join('\n') });
    expect(r.status).toBe(422);
    names(r.body, 'maxStatements', 5);
  });

  it('nodes in a graph', async () => {
    const graph = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, op: 'mul', args: ['x', i] }));
    const r = await post({ inputs: { x: 1 }, graph });
    expect(r.status).toBe(400);
    names(r.body, 'maxStatements', 5);
  });

  it('expression length', async () => {
    const r = await post({ inputs: { x: 1 }, expr: `x${' + 1'.repeat(60)}` });
    expect(r.status).toBe(400);
    names(r.body, 'maxExprLength', 200);
  });

  it('nesting depth', async () => {
    const r = await post({ inputs: { x: 1 }, expr: `${'('.repeat(10)}x${')'.repeat(10)}` });
    expect(r.status).toBe(422);
    names(r.body, 'maxDepth', 8);
  });

  it('custom functions', async () => {
    const fn = { params: ['i'], forward: 'i * 2', backward: ['2 * grad_output'] };
    const r = await post({ inputs: { x: 1 }, functions: { A: fn, B: fn }, expr: 'A(x)' });
    expect(r.status).toBe(400);
    names(r.body, 'maxFunctions', 1);
  });

  it('batch size', async () => {
    const item = { inputs: { x: 1 }, expr: 'x * 2' };
    const r = await post({ items: [item, item, item] }, '/v1/evaluate/batch');
    expect(r.status).toBe(400);
    names(r.body, 'maxBatchItems', 2);
  });
});
