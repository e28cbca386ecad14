import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * The time budget, with the work limit raised out of the way: a program that
 * runs longer than the budget is stopped (503 timeout) while /healthz and
 * small programs keep answering. (How fast /healthz answers meanwhile is
 * measured alone, in test/operations/latency.alone.test.ts.)
 */

/** About a billion multiply-adds per matmul: seconds of CPU, whatever the machine. */
const HEAVY = { inputs: { x: { zeros: [1000, 1000] } }, expr: 'y = (x @ x @ x @ x @ x @ x).sum()' };

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await buildApp({ operations: { evaluation: { workers: 1, budgetMs: 700, poolMaxWork: 1e12, maxQueue: 1, queueTimeoutMs: 30_000 } } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  await app.evaluation.warm();
}, 60_000);
afterAll(() => app.close());

function post(body: unknown) {
  return fetch(`${base}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function untilInPool(count = 1): Promise<void> {
  while (app.evaluation.inFlight < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the CPU time budget (real server)', () => {
  it('stops a heavy program at its budget with a 503 problem while /healthz and small programs keep answering', async () => {
    const heavy = post(HEAVY);
    await untilInPool();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const small = await post({ inputs: { x: 2 }, expr: 'x ** 2' });
    expect(small.status).toBe(200);

    const answer = await heavy;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.headers.get('retry-after')).toBeTruthy();
    const problem = await answer.json();
    expect(problem).toMatchObject({ type: expect.stringMatching(/timeout$/), limit: { name: 'evaluationBudgetMs', value: 700 } });
    expect(problem.detail).toContain('700 ms');
  });

  it('runs again after the stopped worker was replaced', async () => {
    const r = await post({ inputs: { x: { zeros: [200, 200] } }, expr: 'y = (x @ x).sum()' });
    expect(r.status).toBe(200);
    expect((await r.json()).tensors.y.data).toBe(0);
  });

  it('sheds with 503 overloaded and Retry-After when every worker is busy and the queue is full', async () => {
    const answers = await Promise.all([post(HEAVY), post(HEAVY), post(HEAVY), post(HEAVY)]);
    const problems = await Promise.all(answers.map(async (a) => ({ status: a.status, retryAfter: a.headers.get('retry-after'), type: (await a.json()).type })));
    for (const p of problems) {
      expect(p.status).toBe(503);
      expect(p.retryAfter).toBeTruthy();
    }
    const kinds = problems.map((p) => p.type.split('/').pop()).sort();
    // one runs and one waits (both stopped at the budget); the rest find the queue full
    expect(kinds).toEqual(['overloaded', 'overloaded', 'timeout', 'timeout']);
  });
});
