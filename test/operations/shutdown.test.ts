import { describe, expect, it } from 'vitest';
import { startServer } from '../support/server_process.js';

/**
 * About a second of CPU in a worker (1.7e9 multiply-adds): long enough to be in flight when SIGTERM comes
 * 300 ms after it was sent, on a fast machine too (400x400 took ~150 ms on one; the work limit is raised for it).
 */
const MEDIUM = { inputs: { x: { ones: [700, 700], requires_grad: false } }, expr: 'y = (x @ x @ x @ x @ x).sum()', backward: false };

describe('graceful shutdown (real process)', () => {
  it('on SIGTERM finishes the requests in flight, then exits 0', async () => {
    const server = await startServer({ WORKERS: '2', EVALUATION_BUDGET_MS: '60000', POOL_MAX_WORK: '1000000000000', SHUTDOWN_GRACE_MS: '30000', LOG_LEVEL: 'info' });
    const post = () =>
      fetch(`${server.url}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(MEDIUM) });
    const inFlight = [post(), post()];
    // both requests are received and running before the signal
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');

    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(Math.abs(bodies[0].tensors.y.data / 700 ** 6 - 1)).toBeLessThan(1e-5);
    expect(await server.exited).toBe(0);

    const messages = server.logs.map((l) => l.msg);
    expect(messages).toContain('shutting down: finishing in-flight requests');
    expect(messages.indexOf('shutting down: finishing in-flight requests')).toBeLessThan(messages.lastIndexOf('request completed'));
    expect(messages.at(-1)).toBe('closed');
  }, 60_000);

  it('exits 1 when in-flight work outlasts the grace period', async () => {
    const server = await startServer({ WORKERS: '1', EVALUATION_BUDGET_MS: '60000', POOL_MAX_WORK: '1000000000000', SHUTDOWN_GRACE_MS: '100', LOG_LEVEL: 'info' });
    const heavy = fetch(`${server.url}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { x: { zeros: [1000, 1000] } }, expr: 'y = (x @ x @ x @ x @ x @ x @ x @ x).sum()' }),
    }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    await heavy;
  }, 60_000);
});
