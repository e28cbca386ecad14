import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * Every error at the HTTP layer is application/problem+json with the right
 * status: what Node's parser refuses, what the router cannot decode, a
 * missing Host, a wrong method on a known route (405 with Allow), the 408 for
 * a slow body and the 503 while shutting down. Raw sockets on loopback.
 */

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await buildApp({ operations: { requestTimeoutMs: 1000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => app.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `chunks` (strings, or waits in ms) on a fresh connection and reads until the server closes it or answers. */
function raw(chunks: (string | number)[]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const finish = () => {
      if (settled) return;
      const [head, ...rest] = received.split('\r\n\r\n');
      if (!head) return reject(new Error('no answer'));
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const body = rest.join('\r\n\r\n');
      const length = Number(headers['content-length'] ?? NaN);
      if (Number.isFinite(length) && Buffer.byteLength(body) < length) return;
      settled = true;
      socket.destroy();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    socket.setEncoding('utf8');
    socket.on('data', (data) => {
      received += data;
      if (received.includes('\r\n\r\n')) finish();
    });
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (settled || socket.destroyed) return;
        if (typeof chunk === 'number') await new Promise((r) => setTimeout(r, chunk));
        else socket.write(chunk);
      }
    });
  });
}

function expectProblem(answer: RawAnswer, status: number, type: string): Record<string, unknown> {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body);
  expect(problem).toMatchObject({ status, type: `https://gradserve.dev/problems/${type}`, title: expect.any(String), detail: expect.any(String) });
  return problem;
}

describe('problem+json below the routes (raw sockets)', () => {
  it('an unknown method is a 501', async () => {
    expectProblem(await raw(['FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n']), 501, 'not-implemented');
  });

  it('a garbage request line is a 400', async () => {
    expectProblem(await raw(['GET /healthz NOT-HTTP\r\n\r\n']), 400, 'invalid-request');
  });

  it('a bad chunk is a 400', async () => {
    const head = 'POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    expectProblem(await raw([head, 'zz\r\n{}\r\n0\r\n\r\n']), 400, 'invalid-request');
  });

  it('an undecodable URL (/%ff%fe) is a 400', async () => {
    const problem = expectProblem(await raw(['GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n']), 400, 'invalid-request');
    expect(problem.detail).toMatch(/URL cannot be decoded/);
  });

  it('headers over the limit are a 431', async () => {
    expectProblem(await raw([`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]), 431, 'headers-too-large');
  });

  it('a missing Host is a 400, not an empty answer', async () => {
    const problem = expectProblem(await raw(['GET /healthz HTTP/1.1\r\n\r\n']), 400, 'invalid-request');
    expect(problem.detail).toMatch(/Host/);
  });

  it('a body that does not arrive within REQUEST_TIMEOUT_MS is a 408', async () => {
    const head = 'POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    const trickle = Array.from({ length: 40 }, () => [200, ' ']).flat();
    expectProblem(await raw([head, '{', ...trickle]), 408, 'request-timeout');
  });
});

describe('methods', () => {
  it.each([
    ['DELETE', '/v1/evaluate', 'POST'],
    ['GET', '/v1/evaluate', 'POST'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['PUT', '/v1/plot', 'GET, HEAD, POST'],
  ])('%s %s is a 405 with Allow: %s', async (method, url, allow) => {
    const r = await app.inject({ method: method as 'GET', url });
    expect(r.statusCode).toBe(405);
    expect(r.headers.allow).toBe(allow);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ type: expect.stringMatching(/method-not-allowed$/), status: 405 });
  });

  it('an unknown path is still a 404', async () => {
    const r = await app.inject({ method: 'PUT', url: '/nowhere?x=1' });
    expect(r.statusCode).toBe(404);
    expect(r.headers.allow).toBeUndefined();
  });
});

describe('shutting down', () => {
  it('a request that arrives while the service shuts down is a 503 problem with Retry-After and Connection: close', async () => {
    const closing = await buildApp();
    try {
      closing.readiness.shutDown();
      const r = await closing.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: 2 }, expr: 'x' } });
      expect(r.statusCode).toBe(503);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.headers['retry-after']).toBe('5');
      expect(r.headers.connection).toBe('close');
      expect(r.json()).toMatchObject({ type: expect.stringMatching(/overloaded$/), detail: expect.stringMatching(/shutting down/) });
    } finally {
      await closing.close();
    }
  });
});
