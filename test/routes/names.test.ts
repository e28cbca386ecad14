import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * Names a request gives are looked up as own entries only: every plain
 * JavaScript object also answers `toString`, `valueOf`, `hasOwnProperty`,
 * `constructor` ... from its prototype, which used to turn such names into 500s
 * or into checks graded against a function.
 */

const PROTOTYPE_NAMES = ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];

let app: FastifyInstance;
beforeAll(async () => {
  // everything inline: the names are what is tested, not the pool
  app = await buildApp({ operations: { evaluation: { inlineMaxWork: 1e9 } } });
});
afterAll(() => app.close());

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

describe('names every plain object answers', () => {
  it.each(PROTOTYPE_NAMES)('GET /v1/plot with the axis named %s plots it', async (name) => {
    const r = await app.inject({ method: 'GET', url: `/v1/plot?expr=${name}**2&axis=${name}&steps=10` });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('image/svg+xml');
  });

  it.each(PROTOTYPE_NAMES)('POST /v1/plot with "of": %s that the program does not define is a 422 naming it', async (name) => {
    const r = await post('/v1/plot', { inputs: { x: [1, 2] }, expr: 'y = x ** 2', of: name });
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json()).toMatchObject({ type: expect.stringMatching(/unknown-name$/), detail: `of names '${name}', which is not an input or a statement` });
  });

  it('POST /v1/plot: an axis given at the top level named toString is not taken for an input under inputs', async () => {
    const r = await post('/v1/plot', { inputs: { w: [2] }, toString: { linspace: { start: 0, end: 1, steps: 5 } }, expr: 'y = w * toString' });
    expect(r.statusCode, r.body).toBe(200);
  });

  it.each(PROTOTYPE_NAMES)('POST /v1/check with "compare": ["%s"] that the reference does not define is a 422', async (name) => {
    const r = await post('/v1/check', { submission: { inputs: { x: 2 }, expr: 'y = x ** 2' }, reference: { expr: 'y = x ** 2' }, compare: [name] });
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json()).toMatchObject({ type: expect.stringMatching(/unknown-name$/), detail: expect.stringContaining(`compare names '${name}'`) });
  });

  it('POST /v1/check: an expected tensor named valueOf that the program does not define fails as missing', async () => {
    const r = await post('/v1/check', { submission: { inputs: { x: 2 }, expr: 'y = x ** 2' }, expected: { tensors: { valueOf: { data: 1 } }, grad_fn: { toString: null } } });
    expect(r.statusCode).toBe(200);
    const answer = r.json();
    expect(answer.pass).toBe(false);
    expect(answer.checks.map((c: { message: string }) => c.message)).toEqual([
      "valueOf: your program defines no tensor named 'valueOf'",
      "toString.grad_fn: your program defines no tensor named 'toString'",
    ]);
  });

  it('POST /v1/check: a tensor named valueOf is weighted by its own weight, and other checks by 1 (never by a function)', async () => {
    const r = await post('/v1/check', {
      submission: { inputs: { valueOf: 2 }, expr: 'y = valueOf ** 2' },
      expected: { tensors: { y: { data: 4 }, valueOf: { grad: 5 } } },
      weights: { 'valueOf.grad': 3 },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ pass: false, score: 0.25, checks: [{ check: 'y', weight: 1 }, { check: 'valueOf.grad', weight: 3 }] });
  });
});

describe('check weights and expectations', () => {
  it('a weight of 1e308 is refused (at most 1e6), so the score cannot overflow', async () => {
    const r = await post('/v1/check', { submission: { inputs: { x: 2 }, expr: 'y = x ** 2' }, expected: { tensors: { y: { data: 4 } } }, weights: { y: 1e308, 'x.grad': 1e308 } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toContainEqual({ pointer: '/weights/y', detail: 'at most 1000000' });
  });

  it('the largest weights give an exact score', async () => {
    const r = await post('/v1/check', {
      submission: { inputs: { x: 2 }, expr: 'y = x ** 2' },
      expected: { tensors: { y: { data: 4 }, x: { grad: 5 } } },
      weights: { y: 1e6, 'x.grad': 1e6 },
    });
    expect(r.json().score).toBe(0.5);
  });

  it.each([
    [{ tensors: {} }, ''],
    [{ tensors: {}, grad_fn: {} }, ''],
    [{ tensors: { y: {} } }, '/tensors/y'],
    [{ tensors: { y: { rtol: 0.1 } } }, '/tensors/y'],
  ])('an expectation that checks nothing (%j) is a 400 naming where', async (expected, pointer) => {
    const r = await post('/v1/check', { submission: { inputs: { x: 2 }, expr: 'y = x ** 2' }, expected });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toContainEqual({ pointer: `/expected${pointer}`, detail: expect.stringMatching(/^expects nothing/) });
  });
});
