import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * Every route that runs programs goes through the evaluation runner: a program
 * over the time budget is stopped and answered 503 `timeout` (a batch item's
 * own 503), while /healthz keeps answering. The work limit is raised out of
 * the way here; test/operations/heavy_requests.test.ts runs with the defaults.
 */

const BUDGET_MS = 500;
/** About a billion multiply-adds per matmul: seconds of CPU, whatever the machine. */
const CHAIN = '(w @ w @ w @ w @ w @ w).sum()';
const W = { zeros: [1000, 1000] };
const HEAVY_EVALUATE = { inputs: { w: W }, expr: `y = ${CHAIN}` };
const SMALL_EVALUATE = { inputs: { x: 2 }, expr: 'y = x ** 2' };
const HEAVY_CHECK = { submission: HEAVY_EVALUATE, expected: { tensors: { y: { data: 0 } } } };
const SMALL_CHECK = { submission: SMALL_EVALUATE, expected: { tensors: { y: { data: 4 }, x: { grad: 4 } } } };

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await buildApp({ operations: { evaluation: { workers: 1, budgetMs: BUDGET_MS, poolMaxWork: 1e12, batchMaxWork: 1e13, batchBudgetMs: 120_000, maxQueue: 4, queueTimeoutMs: 30_000 } } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  await app.evaluation.warm();
}, 60_000);
afterAll(() => app.close());

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Waits until a task is in the pool, then asks /healthz: it answers at once although the worker is busy. */
async function expectHealthyWhileBusy(): Promise<void> {
  while (app.evaluation.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200);
}

function expectTimeoutProblem(problem: { type: string; status: number; limit: unknown; detail: string }): void {
  expect(problem).toMatchObject({ type: expect.stringMatching(/\/timeout$/), status: 503, limit: { name: 'evaluationBudgetMs', value: BUDGET_MS } });
  expect(problem.detail).toContain(`${BUDGET_MS} ms`);
}

async function expectTimedOut(pending: Promise<Response>): Promise<void> {
  await expectHealthyWhileBusy();
  const answer = await pending;
  expect(answer.status).toBe(503);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.headers.get('retry-after')).toBeTruthy();
  expectTimeoutProblem(await answer.json());
}

describe('the time budget on every route that runs programs (real server)', () => {
  it('POST /v1/check: a submission over the budget is a 503 timeout', async () => {
    await expectTimedOut(post('/v1/check', HEAVY_CHECK));
  });

  it('POST /v1/gradcheck: a program over the budget is a 503 timeout', async () => {
    // Only x requires grad, so the check itself is small: three runs of a heavy program.
    await expectTimedOut(post('/v1/gradcheck', { program: { inputs: { w: W, x: { data: 1, requires_grad: true } }, expr: `y = ${CHAIN} * x` } }));
  });

  it('POST /v1/plot: a program over the budget is a 503 timeout', async () => {
    const inputs = { x: { linspace: { start: -1, end: 1, steps: 10 } }, w: W };
    await expectTimedOut(post('/v1/plot', { inputs, axis: 'x', expr: `y = x * ${CHAIN}` }));
  });

  it('GET /v1/plot: a program over the budget is a 503 timeout', async () => {
    const expr = 'w = x.expand(1000, 1000); y = x * (w @ w @ w @ w @ w @ w).sum()';
    const query = new URLSearchParams({ expr, from: '-1', to: '1', steps: '1000' });
    await expectTimedOut(fetch(`${base}/v1/plot?${query}`));
  });

  it.each([
    ['/v1/evaluate/batch', SMALL_EVALUATE, HEAVY_EVALUATE],
    ['/v1/check/batch', SMALL_CHECK, HEAVY_CHECK],
  ])('POST %s: the item over the budget is that item’s 503; the others and the batch succeed', async (path, small, heavy) => {
    const pending = post(path, { items: [small, heavy, small] });
    await expectHealthyWhileBusy();
    const answer = await pending;
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body.items.map((item: { status: number }) => item.status)).toEqual([200, 503, 200]);
    expectTimeoutProblem(body.items[1].body);
    expect(body).toMatchObject({ succeeded: 2, failed: 1 });
  });

  it('runs again after the stopped workers were replaced', async () => {
    const r = await post('/v1/check', { submission: { inputs: { w: { zeros: [200, 200] } }, expr: 'y = (w @ w).sum()' }, expected: { tensors: { y: { data: 0 } } } });
    expect(r.status).toBe(200);
    expect((await r.json()).pass).toBe(true);
  });
});
