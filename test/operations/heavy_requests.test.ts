import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * The reproductions of issue 11: requests of a few hundred bytes that froze
 * the service for seconds. With the default work limits each one now either
 * answers within its budget or is refused (422 naming a limit, or 503
 * timeout), and /healthz answers while it runs. Timing itself is measured
 * alone (test/operations/latency.alone.test.ts) and by `npm run soak`.
 */

const BUDGET_MS = 3000;

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await buildApp({ operations: { evaluation: { workers: 1, budgetMs: BUDGET_MS, queueTimeoutMs: 30_000 } } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  await app.evaluation.warm();
}, 60_000);
afterAll(() => app.close());

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The grad() tower of the issue: each level roughly triples the graph. */
function tower(levels: number) {
  const lines = ['g0 = sin(x)*cos(x)*exp(x)*tanh(x)', ...Array.from({ length: levels }, (_, i) => `g${i + 1} = grad(g${i}, x)`)];
  return { inputs: { x: 0.5 }, expr: lines.join('\n'), backward: false, outputs: [`g${levels}`], fields: ['data'] };
}

const linspace = (steps: number) => ({ linspace: { start: 0, end: 1, steps } });

/** Sends the request, asks /healthz while it is in flight, and answers with the heavy request's status and body. */
async function whileHealthy(pending: Promise<Response>): Promise<{ status: number; body: any }> {
  const settled = pending.then(async (r) => ({ status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() }));
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200);
  return settled;
}

/** Answered, or refused with a limit named or stopped at the time budget; never anything else. */
function expectAnsweredOrRefused({ status, body }: { status: number; body: any }): void {
  expect([200, 422, 503], JSON.stringify(body)).toContain(status);
  if (status === 422) expect(body).toMatchObject({ type: expect.stringMatching(/limit-exceeded$/), limit: { name: expect.any(String) } });
  if (status === 503) expect(body).toMatchObject({ type: expect.stringMatching(/timeout$/), limit: { name: 'evaluationBudgetMs' } });
}

describe('small requests that used to freeze the service', () => {
  it('the outer-product matmul (a 1e9-multiply-add @ of a broadcast product) is refused at the pool work limit', async () => {
    const answer = await whileHealthy(
      post('/v1/evaluate', { inputs: { x: linspace(1000) }, expr: 'a = x.view(1000,1)*x; b = (a@a).sum()', outputs: ['b'], fields: ['data'] }),
    );
    expect(answer.status).toBe(422);
    expect(answer.body.limit).toEqual({ name: 'poolMaxWork', value: 100_000_000 });
  });

  it('the 11-level grad() tower is refused (work limit or time budget), never run to exhaustion', async () => {
    const answer = await whileHealthy(post('/v1/evaluate', tower(11)));
    expect([422, 503]).toContain(answer.status);
    expectAnsweredOrRefused(answer);
  });

  it('a small grad() tower still answers', async () => {
    const answer = await whileHealthy(post('/v1/evaluate', tower(3)));
    expect(answer.status).toBe(200);
    expect(answer.body.tensors.g3.data).toEqual(expect.any(Number));
  });

  it('/v1/check with many random points is metered as one task', async () => {
    const answer = await whileHealthy(
      post('/v1/check', {
        submission: { inputs: { x: { zeros: [300, 300] } }, expr: 'y = (x @ x).sum()' },
        reference: { expr: 'y = (x @ x @ x).sum()' },
        points: 32,
      }),
    );
    expectAnsweredOrRefused(answer);
    expect(answer.status).not.toBe(200);
  });

  it('/v1/gradcheck on a big output (3375 elements from 15 inputs: 3405 runs) answers or is refused', async () => {
    const answer = await whileHealthy(
      post('/v1/gradcheck', { program: { inputs: { x: linspace(15) }, expr: 'y = x.view(15, 1, 1) * x.view(1, 15, 1) * x.view(1, 1, 15)' } }),
    );
    expectAnsweredOrRefused(answer);
  });

  it('a huge answer from tiny text (three 1e6-element linspace inputs echoed) is refused naming maxAnswerBytes, with what to ask for instead', async () => {
    const inputs = { x: linspace(1_000_000), w: linspace(1_000_000), v: linspace(1_000_000) };
    const answer = await whileHealthy(post('/v1/evaluate', { inputs, expr: 'y = (x*w*v).sum()' }));
    expect(answer.status).toBe(422);
    expect(answer.body.limit).toEqual({ name: 'maxAnswerBytes', value: 8 * 1024 * 1024 });
    expect(answer.body.detail).toMatch(/"outputs".*"fields".*"encoding": "base64"/);
    // asking only for the result is fine
    const small = await post('/v1/evaluate', { inputs, expr: 'y = (x*w*v).sum()', outputs: ['y'], fields: ['data'] });
    expect(small.status).toBe(200);
  });

  it('a batch of 1e6-element items: every item answers on its own within the batch budgets, and the batch answer stays under maxAnswerBytes', async () => {
    const item = { inputs: { x: linspace(1_000_000) }, expr: 'y = (x * 2).sum()' };
    const r = await post('/v1/evaluate/batch', { items: Array.from({ length: 6 }, () => item) });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text.length).toBeLessThanOrEqual(8 * 1024 * 1024);
    const body = JSON.parse(text);
    // each item: refused for its answer size, or (once the batch's 5 s are spent) not run at all
    for (const answered of body.items) {
      expect([422, 503]).toContain(answered.status);
      expect(answered.body.limit.name).toBe(answered.status === 422 ? 'maxAnswerBytes' : 'batchBudgetMs');
    }
    expect(body.items[0].status).toBe(422);
  });

  it('the service answers normally afterwards', async () => {
    const r = await post('/v1/evaluate', { inputs: { x: 2 }, expr: 'y = x ** 2' });
    expect((await r.json()).tensors.x.grad).toBe(4);
  });
});

describe('a batch as one request', () => {
  // The batch work budget raised out of the way: its time budget is what ends it. The budget is short
  // (400 ms) so that 40 items of tens of milliseconds each outlast it on any machine.
  let batchApp: FastifyInstance;
  beforeAll(async () => {
    batchApp = await buildApp({ operations: { evaluation: { workers: 1, batchMaxWork: 1e13, batchBudgetMs: 400, queueTimeoutMs: 30_000 } } });
    await batchApp.ready();
    await batchApp.evaluation.warm();
  }, 60_000);
  afterAll(() => batchApp.close());

  it('ends within its time budget: items that would start past it are 503 timeout naming batchBudgetMs', async () => {
    // under the pool's work limit (8.6e7 units): tens of milliseconds each on a fast machine, 40 of them
    const item = { inputs: { x: { zeros: [350, 350], requires_grad: false } }, expr: 'y = (x @ x @ x).sum()', backward: false, outputs: ['y'] };
    const r = await batchApp.inject({ method: 'POST', url: '/v1/evaluate/batch', payload: { items: Array.from({ length: 40 }, () => item) } });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    const statuses = body.items.map((i: { status: number }) => i.status);
    expect(statuses).toContain(503);
    const late = body.items.find((i: { status: number; body: { limit?: { name: string } } }) => i.status === 503 && i.body.limit?.name === 'batchBudgetMs');
    expect(late?.body).toMatchObject({ type: expect.stringMatching(/timeout$/), limit: { name: 'batchBudgetMs', value: 400 } });
  });
});
