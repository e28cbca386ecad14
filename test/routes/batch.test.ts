import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ limits: { ...DEFAULT_LIMITS, maxBatchItems: 4 } });
});
afterAll(() => app.close());

async function post(url: string, payload: unknown) {
  const response = await app.inject({ method: 'POST', url, payload: payload as object });
  return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
}

describe('POST /v1/evaluate/batch', () => {
  it('a batch with mixed good and bad items: each succeeds or fails on its own, in order', async () => {
    const r = await post('/v1/evaluate/batch', {
      items: [
        { inputs: { x: 2 }, expr: 'y = x ** 2' },
        { inputs: { x: 1 }, expr: 'y = x +' }, // parse error
        { inputs: { x: 1 } }, // malformed: neither expr nor graph
        { inputs: { x: 3 }, expr: 'y = x * 2' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { status: number }) => i.status)).toEqual([200, 422, 400, 200]);
    expect(r.body.items[0].body.tensors.x.grad).toBe(4);
    expect(r.body.items[1].body).toMatchObject({ status: 422, type: expect.stringMatching(/parse-error/), position: expect.any(Object) });
    expect(r.body.items[2].body).toMatchObject({ status: 400, type: expect.stringMatching(/invalid-request/) });
    expect(r.body.items[2].body.errors[0].detail).toBe('give exactly one of expr or graph');
    expect(r.body.items[3].body.tensors.x.grad).toBe(2);
    expect([r.body.succeeded, r.body.failed]).toEqual([2, 2]);
  });

  it('more items than maxBatchItems, or no items array, is a 400 for the whole batch', async () => {
    const tooMany = await post('/v1/evaluate/batch', { items: Array.from({ length: 5 }, () => ({ inputs: { x: 1 }, expr: 'x' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.type).toContain('application/problem+json');
    expect(tooMany.body.detail).toMatch(/maxBatchItems/);
    expect((await post('/v1/evaluate/batch', [{ inputs: {}, expr: 'x' }])).status).toBe(400);
  });
});

describe('POST /v1/check/batch', () => {
  it('grades every submission; one that cannot run is a graded failure, a malformed one a 400', async () => {
    const reference = { expr: 'y = 2 * x ** 3 + x' };
    const r = await post('/v1/check/batch', {
      items: [
        { submission: { inputs: { x: 1 }, expr: 'y = 2 * x * x * x + x' }, reference, points: 3 },
        { submission: { inputs: { x: 1 }, expr: 'y = 3 * x ** 2' }, reference, points: 3 },
        { submission: { inputs: { x: 1 }, expr: 'y = x.view(2)' }, reference },
        { submission: { inputs: { x: 1 }, expr: 'y = x' } },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { status: number }) => i.status)).toEqual([200, 200, 200, 400]);
    expect(r.body.items.slice(0, 3).map((i: { body: { pass: boolean } }) => i.body.pass)).toEqual([true, false, false]);
    expect(r.body.items[2].body.error.detail).toBe("shape '[2]' is invalid for input of size 1");
    expect(r.body.items[3].body.detail).toBe('(item): give exactly one of expected or reference');
  });
});

describe('the OpenAPI document', () => {
  it('documents the grading routes with request examples', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/v1/check', '/v1/gradcheck', '/v1/evaluate/batch', '/v1/check/batch']) {
      expect(document.paths[path]?.post, path).toBeDefined();
      expect(Object.keys(document.paths[path].post.responses)).toEqual(expect.arrayContaining(['200', '400']));
    }
    const schemas = document.components.schemas;
    expect(schemas.CheckRequest.examples.length).toBeGreaterThan(0);
    expect(schemas.GradcheckRequest.examples.length).toBeGreaterThan(0);
    expect(schemas.Diagnostics.examples.length).toBeGreaterThan(0);
  });
});
