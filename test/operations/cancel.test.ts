import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * Abandoned work does not hold the pool: a request whose client disconnects
 * has its pooled task taken out of the queue or stopped, and waiting for a
 * worker has a deadline (503 overloaded with Retry-After).
 */

/** Seconds of CPU in a worker, under the raised work limit. */
const HEAVY = JSON.stringify({ inputs: { x: { zeros: [600, 600], requires_grad: false } }, expr: 'y = (x @ x @ x @ x @ x @ x @ x @ x).sum()', backward: false });

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await buildApp({ operations: { evaluation: { workers: 1, budgetMs: 60_000, poolMaxWork: 1e12, maxQueue: 16, queueTimeoutMs: 800 } } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  await app.evaluation.warm();
}, 60_000);
// The aborted fetches leave the client's pool with connections the server does not count as idle
// (they would hold close until REQUEST_TIMEOUT_MS): the test closes every connection itself.
afterAll(async () => {
  app.server.closeAllConnections();
  await app.close();
}, 30_000);

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A heavy request the client gives up on: fetch aborted, so the connection closes before the answer. */
function abandoned(): { abort: () => void; settled: Promise<unknown> } {
  const controller = new AbortController();
  const settled = fetch(`${base}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: HEAVY, signal: controller.signal }).catch((e: unknown) => e);
  return { abort: () => controller.abort(), settled };
}

describe('cancellation and the queue deadline (real server)', () => {
  it('a running task whose client disconnects is stopped, and the worker takes the next request at once', async () => {
    const request = abandoned();
    await until(() => app.evaluation.inFlight === 1);
    request.abort();
    await request.settled;
    await until(() => app.evaluation.inFlight === 0, 2000);
    const r = await fetch(`${base}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { x: 3 }, expr: 'y = x * x' }) });
    expect(r.status).toBe(200);
  });

  it('queued tasks whose clients disconnect leave the queue', async () => {
    const requests = [abandoned(), abandoned(), abandoned(), abandoned()];
    await until(() => app.evaluation.inFlight === 4);
    expect(app.evaluation.queueDepth).toBe(3);
    for (const r of requests.slice(1)) r.abort();
    await until(() => app.evaluation.inFlight === 1, 2000);
    requests[0].abort();
    await Promise.all(requests.map((r) => r.settled));
    await until(() => app.evaluation.inFlight === 0, 2000);
  });

  it('a request that waits for a busy worker past POOL_QUEUE_TIMEOUT_MS is a 503 overloaded problem with Retry-After', async () => {
    const busy = abandoned();
    await until(() => app.evaluation.inFlight === 1);
    const r = await fetch(`${base}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { x: { zeros: [300, 300] } }, expr: 'y = (x @ x).sum()' }) });
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.headers.get('retry-after')).toBeTruthy();
    expect(await r.json()).toMatchObject({ type: expect.stringMatching(/overloaded$/), limit: { name: 'poolQueueTimeoutMs', value: 800 } });
    busy.abort();
    await busy.settled;
  });

  it('a batch whose client disconnects stops its items', async () => {
    const controller = new AbortController();
    const items = Array.from({ length: 5 }, () => JSON.parse(HEAVY));
    const settled = fetch(`${base}/v1/evaluate/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }), signal: controller.signal }).catch((e: unknown) => e);
    await until(() => app.evaluation.inFlight === 1);
    controller.abort();
    await settled;
    await until(() => app.evaluation.inFlight === 0, 2000);
    // no further item starts
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.evaluation.inFlight).toBe(0);
  });
});
