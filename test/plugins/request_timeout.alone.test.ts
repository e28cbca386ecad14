import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * REQUEST_TIMEOUT_MS is honoured for a body trickled a byte at a time: the
 * 408 comes at about the timeout, not twice it (Node's default check interval
 * is 30 s, and a requestTimeout set after the server was made does not apply
 * to a body). A timing assertion: run alone (npm run test:alone).
 */

const TIMEOUT_MS = 2000;

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await buildApp({ operations: { requestTimeoutMs: TIMEOUT_MS } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => app.close());

describe('REQUEST_TIMEOUT_MS for a trickled body (alone)', () => {
  it('answers 408 problem+json within the timeout plus a check interval', async () => {
    const socket = connect(port, '127.0.0.1');
    const started = performance.now();
    let received = '';
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - started)));
    socket.on('data', (data) => (received += data));
    socket.on('error', () => undefined);
    socket.write('POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const trickle = setInterval(() => !socket.destroyed && socket.write(' '), 300);
    const elapsed = await closed;
    clearInterval(trickle);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toContain('application/problem+json');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 1.5);
  });
});
