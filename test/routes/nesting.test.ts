import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * Arrays nested deeper than a tensor can have dimensions are refused as a 400
 * naming the rank limit at a JSON pointer, before any schema walks them by
 * recursion (5000 levels used to overflow the stack: a 422 "needs more
 * memory (Maximum call stack size exceeded)", and a whole batch failed).
 */

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Stands for 6000 nested arrays in a body; JSON.stringify itself would overflow the stack on them, so the text is spliced in. */
const DEEP = '<deep>';
const DEEP_TEXT = '['.repeat(6000) + '1' + ']'.repeat(6000);
const RANK_9 = nested(9);
const RANK_POINTER = '/0/0/0/0/0/0/0/0';

const post = (url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, payload: JSON.stringify(payload).replaceAll(JSON.stringify(DEEP), DEEP_TEXT), headers: { 'content-type': 'application/json' } });

function expectRankProblem(r: Awaited<ReturnType<typeof post>>, pointer: string): void {
  expect(r.statusCode, r.body).toBe(400);
  expect(r.headers['content-type']).toContain('application/problem+json');
  const problem = r.json();
  expect(problem.type).toMatch(/invalid-request$/);
  expect(problem.errors).toContainEqual({ pointer, detail: expect.stringMatching(/more than 8 dimensions \(the rank limit\)/) });
  expect(r.body).not.toMatch(/call stack/);
}

describe('arrays nested past the rank limit', () => {
  it.each([
    ['an input given as nested numbers', '/v1/evaluate', { inputs: { x: DEEP }, expr: 'y = x.sum()' }, '/inputs/x'],
    ['an input\'s data', '/v1/evaluate', { inputs: { x: { data: DEEP } }, expr: 'y = x.sum()' }, '/inputs/x/data'],
    ['backward.gradient', '/v1/evaluate', { inputs: { x: [1, 2] }, expr: 'y = x * 2', backward: { gradient: DEEP } }, '/backward/gradient'],
    ['expected data in a check', '/v1/check', { submission: { inputs: { x: 2 }, expr: 'y = x' }, expected: { tensors: { y: { data: DEEP } } } }, '/expected/tensors/y/data'],
    ['a plot input', '/v1/plot', { inputs: { x: DEEP }, expr: 'y = x' }, '/inputs/x'],
    ['a plot axis given at the top level', '/v1/plot', { x: DEEP, expr: 'y = x' }, '/x'],
    ['a gradcheck input', '/v1/gradcheck', { program: { inputs: { x: DEEP }, expr: 'y = x.sum()' } }, '/program/inputs/x'],
  ])('%s 6000 levels deep is a 400 naming the rank limit', async (_what, url, body, at) => {
    expectRankProblem(await post(url, body), at + RANK_POINTER);
  });

  it('data of rank 9 is refused like zeros of rank 9 (one rank limit)', async () => {
    expectRankProblem(await post('/v1/evaluate', { inputs: { x: RANK_9 }, expr: 'y = x.sum()' }), '/inputs/x' + RANK_POINTER);
    expectRankProblem(await post('/v1/evaluate', { inputs: { x: { data: RANK_9 } }, expr: 'y = x.sum()' }), '/inputs/x/data' + RANK_POINTER);
    const r = await post('/v1/evaluate', { inputs: { x: { ones: [1, 1, 1, 1, 1, 1, 1, 1, 1] } }, expr: 'y = x.sum()' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([{ pointer: '/inputs/x/ones', detail: 'more than 8 dimensions (the rank limit)' }]);
  });

  it('rank 8 is still fine', async () => {
    const r = await post('/v1/evaluate', { inputs: { x: nested(8, 2) }, expr: 'y = x.sum()' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().tensors.x.shape).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('objects nested past 32 levels are a 400 too', async () => {
    const deep = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
    const payload = `{"inputs":{"x":${deep}},"expr":"y = x"}`;
    const r = await app.inject({ method: 'POST', url: '/v1/evaluate', payload, headers: { 'content-type': 'application/json' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toMatch(/nested more than 32 levels deep/);
  });

  it.each(['/v1/evaluate/batch', '/v1/check/batch'])('%s: an item nested 6000 deep fails alone', async (url) => {
    const good = url.includes('check')
      ? { submission: { inputs: { x: 2 }, expr: 'y = x' }, expected: { tensors: { y: { data: 2 } } } }
      : { inputs: { x: 2 }, expr: 'y = x' };
    const bad = url.includes('check') ? { ...good, expected: { tensors: { y: { data: DEEP } } } } : { inputs: { x: DEEP }, expr: 'y = x' };
    const r = await post(url, { items: [good, bad, good] });
    expect(r.statusCode, r.body).toBe(200);
    const answer = r.json();
    expect(answer.items.map((i: { status: number }) => i.status)).toEqual([200, 400, 200]);
    expect(answer.items[1].body.errors[0].detail).toMatch(/the rank limit/);
  });
});

describe('the real problem is named', () => {
  it('"dtype": "int64" names the dtypes an input may have', async () => {
    const r = await post('/v1/evaluate', { inputs: { x: { data: [1, 2], dtype: 'int64' } }, expr: 'y = x.sum()' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([{ pointer: '/inputs/x/dtype', detail: 'dtype must be one of float32, float64 (got "int64")' }]);
  });

  it('a wrong field of a tensor object is named there, not "expected number, received object"', async () => {
    const r = await post('/v1/evaluate', { inputs: { x: { data: 1, requires_grad: 'yes' } }, expr: 'y = x' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].pointer).toBe('/inputs/x/requires_grad');
  });

  it('a batch item gets the same details as a body', async () => {
    const r = await post('/v1/evaluate/batch', { items: [{ inputs: { x: { ones: [1, 1, 1, 1, 1, 1, 1, 1, 1] } }, expr: 'y = x.sum()' }] });
    expect(r.json().items[0].body.errors).toEqual([{ pointer: '/inputs/x/ones', detail: 'more than 8 dimensions (the rank limit)' }]);
  });
});
