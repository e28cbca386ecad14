import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('/healthz and /readyz', () => {
  it('is ready once started, and not ready while shutting down', async () => {
    app = await buildApp();
    expect(app.readiness.ready()).toEqual({ ready: false, reason: 'starting' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', reason: null });

    app.readiness.shutDown();
    const closing = await app.inject({ method: 'GET', url: '/readyz' });
    expect(closing.statusCode).toBe(503);
    expect(closing.json()).toEqual({ status: 'not ready', reason: 'shutting down' });
    expect(closing.headers['retry-after']).toBe('5');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('overload shedding (under-pressure)', () => {
  it('answers 503 problem with Retry-After when the event loop lags; health and metrics still answer', async () => {
    app = await buildApp({ operations: { overload: { maxEventLoopDelayMs: 20, retryAfterSeconds: 7 } } });
    await app.ready();
    // A loop busy most of the time for longer than under-pressure's one-second sample.
    const until = performance.now() + 2200;
    while (performance.now() < until) {
      blockEventLoop(80);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const shed = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: 1 }, expr: 'x * 2' } });
    expect(app.isUnderPressure()).toBe(true);
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('7');
    expect(shed.headers['content-type']).toContain('application/problem+json');
    expect(shed.json().type).toMatch(/overloaded$/);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const readiness = await app.inject({ method: 'GET', url: '/readyz' });
    expect(readiness.json()).toEqual({ status: 'not ready', reason: 'event loop overloaded' });
  });
});

describe('rate limiting', () => {
  it('is off by default', async () => {
    app = await buildApp();
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/v1/ops' })).statusCode).toBe(200);
  });

  it('answers 429 problem past the per-client maximum when configured; health is exempt', async () => {
    app = await buildApp({ operations: { rateLimit: { max: 2, windowMs: 60_000 } } });
    expect((await app.inject({ method: 'GET', url: '/v1/ops' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/ops' })).statusCode).toBe(200);
    const limited = await app.inject({ method: 'GET', url: '/v1/ops' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, limit: { name: 'rateLimitMax', value: 2 } });
    expect(limited.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
