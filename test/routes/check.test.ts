import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

async function check(payload: unknown) {
  const response = await app.inject({ method: 'POST', url: '/v1/check', payload: payload as object });
  return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
}

describe('POST /v1/check with explicit expectations', () => {
  it('the course question: 2*x**3 + x at 1 gives 3, dy/dx = 7, grad_fn AddBackward0', async () => {
    const r = await check({
      submission: { inputs: { x: 1 }, expr: 'y = 2 * x ** 3 + x' },
      expected: { tensors: { y: { data: 3 }, x: { grad: 7 } }, grad_fn: { y: 'AddBackward0' } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pass: true, score: 1 });
    expect(r.body.checks.map((c: { check: string }) => c.check)).toEqual(['y', 'x.grad', 'y.grad_fn']);
    expect(r.body.feedback).toBe('All 3 checks passed.');
  });

  it('a wrong answer gets a sentence a student can read: "x.grad: expected 7, got 6"', async () => {
    const r = await check({
      submission: { inputs: { x: 1 }, expr: 'y = 2 * x ** 3' }, // forgot + x: y = 2, dy/dx = 6
      expected: { tensors: { y: { data: 3 }, x: { grad: 7 } }, grad_fn: { y: 'AddBackward0' } },
    });
    expect(r.body.pass).toBe(false);
    expect(r.body.score).toBe(0);
    const grad = r.body.checks.find((c: { check: string }) => c.check === 'x.grad');
    expect(grad).toMatchObject({ pass: false, expected: 7, actual: 6, difference: 1, message: 'x.grad: expected 7, got 6' });
    expect(r.body.checks[2].message).toBe('y.grad_fn: expected AddBackward0, got MulBackward0');
    expect(r.body.feedback).toBe(
      '0 of 3 checks passed. y: expected 3, got 2; x.grad: expected 7, got 6; y.grad_fn: expected AddBackward0, got MulBackward0.',
    );
  });

  it('the partials of u*v + (u*v)**2 at u = 2, v = 1, with weights', async () => {
    const expected = { tensors: { f: { data: 6 }, u: { grad: 5 }, v: { grad: 10 } } };
    const right = await check({ submission: { inputs: { u: 2, v: 1 }, expr: 'f = u * v + (u * v) ** 2' }, expected });
    expect(right.body.pass).toBe(true);
    const wrong = await check({
      submission: { inputs: { u: 2, v: 1 }, expr: 'f = u * v + u * v ** 2' }, // f = 4, df/du = 2, df/dv = 6
      expected,
      weights: { f: 2, 'u.grad': 1, 'v.grad': 1 },
    });
    expect(wrong.body.pass).toBe(false);
    expect(wrong.body.score).toBe(0);
    const partlyRight = await check({
      submission: { inputs: { u: 2, v: 1 }, expr: 'f = u * v + (u * v) ** 2' },
      expected: { tensors: { f: { data: 6 }, u: { grad: 5 }, v: { grad: 11 } } },
      weights: { f: 2 },
    });
    expect(partlyRight.body.score).toBe(0.75);
  });

  it('tolerance: allclose defaults and per-tensor overrides', async () => {
    const submission = { inputs: { x: { data: 1, dtype: 'float64' } }, expr: 'y = x / 3' };
    expect((await check({ submission, expected: { tensors: { y: { data: 0.3333333 } } } })).body.pass).toBe(true); // within rtol 1e-5
    expect((await check({ submission, expected: { tensors: { y: { data: 0.3333 } } } })).body.pass).toBe(false);
    expect((await check({ submission, expected: { tensors: { y: { data: 0.3333, rtol: 1e-3 } } } })).body.pass).toBe(true);
    expect((await check({ submission, expected: { tensors: { y: { data: 0.33 } } }, tolerance: { atol: 0.01 } })).body.pass).toBe(true);
  });

  it('shapes, a missing tensor, no gradient', async () => {
    const r = await check({
      submission: { inputs: { x: [1, 2] }, expr: 'y = (x * 2).sum()' },
      expected: { tensors: { x: { grad: [2, 2, 2], shape: [2] }, z: { data: 1 }, y: { grad: null, requires_grad: true } } },
    });
    const byName = Object.fromEntries(r.body.checks.map((c: { check: string; message: string; pass: boolean }) => [c.check, c]));
    expect(byName['x.grad'].message).toBe('x.grad: expected shape [3], got shape [2]');
    expect(byName['x.shape'].pass).toBe(true);
    expect(byName.z.message).toBe("z: your program defines no tensor named 'z'");
    expect(byName['y.grad'].pass).toBe(true);
    expect(byName['y.requires_grad'].message).toBe('y.requires_grad: True, as expected');
  });

  it("a submission that cannot run is a graded failure with PyTorch's message (HTTP 200)", async () => {
    const r = await check({
      submission: { inputs: { x: [1, 2, 3] }, expr: 'y = x.view(2, 2)' },
      expected: { tensors: { y: { data: [[1, 2], [3, 4]] } } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pass: false, score: 0, checks: [] });
    expect(r.body.error.detail).toBe("shape '[2, 2]' is invalid for input of size 3");
    expect(r.body.feedback).toBe("Your program could not run: shape '[2, 2]' is invalid for input of size 3");
    const parse = await check({ submission: { inputs: { x: 1 }, expr: 'y = x +' }, expected: { tensors: { y: { data: 1 } } } });
    expect(parse.status).toBe(200);
    expect(parse.body.error.type).toMatch(/parse-error/);
  });
});

describe('POST /v1/check against a reference program', () => {
  it('x*x*x passes where x**3 was expected, at the given input and at 5 random points', async () => {
    const r = await check({
      submission: { inputs: { x: 1 }, expr: 'y = 2 * x * x * x + x' },
      reference: { expr: 'y = 2 * x ** 3 + x' },
      points: 5,
    });
    expect(r.body.pass).toBe(true);
    expect(r.body.checks).toHaveLength(12); // y and x.grad at 6 points
    expect(new Set(r.body.checks.map((c: { point: number }) => c.point))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(r.body.checks[2].inputs.x).toEqual(expect.any(Number));
  });

  it('an answer that only matches at x = 1 fails at the extra points', async () => {
    const atOne = await check({ submission: { inputs: { x: 1 }, expr: 'y = 3 * x ** 2' }, reference: { expr: 'y = 2 * x ** 3 + x' } });
    expect(atOne.body.pass).toBe(false); // the value matches (3) but the gradient does not (6 vs 7)
    const valueOnly = await check({
      submission: { inputs: { x: 1 }, expr: 'y = 3 * x' },
      reference: { expr: 'y = 2 * x ** 3 + x' },
      compare: ['y'],
      points: { count: 4, seed: 7 },
    });
    expect(valueOnly.body.checks[0].pass).toBe(true); // y = 3 at x = 1
    expect(valueOnly.body.pass).toBe(false);
    const failing = valueOnly.body.checks.filter((c: { pass: boolean }) => !c.pass);
    expect(failing[0].message).toMatch(/^y: expected .*, got .* \(at random point \d\)$/);
  });

  it('points are reproducible from the seed', async () => {
    const body = { submission: { inputs: { x: [1, 2] }, expr: 'y = x.sum()' }, reference: { expr: 'y = x.sum()' }, points: { count: 2, seed: 3 } };
    const a = await check(body);
    const b = await check(body);
    expect(a.body.checks.map((c: { inputs?: unknown }) => c.inputs)).toEqual(b.body.checks.map((c: { inputs?: unknown }) => c.inputs));
    // every random point is new: none repeats the given input or another point
    const points = a.body.checks.filter((c: { check: string }) => c.check === 'y').map((c: { inputs?: unknown }) => JSON.stringify(c.inputs ?? [1, 2]));
    expect(new Set(points).size).toBe(3);
  });

  it('malformed requests are 400s; a reference that cannot run is a 422', async () => {
    const neither = await check({ submission: { inputs: { x: 1 }, expr: 'x' } });
    expect(neither.status).toBe(400);
    expect(neither.type).toContain('application/problem+json');
    const pointsWithoutReference = await check({ submission: { inputs: { x: 1 }, expr: 'x' }, expected: { tensors: {} }, points: 3 });
    expect(pointsWithoutReference.status).toBe(400);
    const referenceInputs = await check({ submission: { inputs: { x: 1 }, expr: 'x' }, reference: { inputs: { x: 2 }, expr: 'x' } });
    expect(referenceInputs.status).toBe(400);
    const badReference = await check({ submission: { inputs: { x: 1 }, expr: 'y = x * 2' }, reference: { expr: 'y = x @ x' } });
    expect(badReference.status).toBe(422);
    expect(badReference.body.detail).toMatch(/^the reference program cannot run: /);
  });
});
