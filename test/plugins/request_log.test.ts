import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loggerOptions } from '../../src/plugins/request_log.js';

const lines: Record<string, any>[] = [];
const stream = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ logger: { ...loggerOptions('info'), stream } });
});
afterAll(() => app.close());

const SECRET_PROGRAM = 'secret_name_1234 = x ** 2';

describe('request ids and request logs', () => {
  it('returns the client x-request-id and logs under it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      headers: { 'x-request-id': 'grader-42.7', authorization: 'Bearer hunter2' },
      payload: { inputs: { x: 3 }, expr: SECRET_PROGRAM },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe('grader-42.7');
    const line = lines.find((l) => l.reqId === 'grader-42.7' && l.msg === 'request completed');
    expect(line).toMatchObject({ level: 30, method: 'POST', route: '/v1/evaluate', status: 200, evaluation: { work: expect.any(Number), mode: 'inline' } });
    expect(line?.ms).toEqual(expect.any(Number));
  });

  it('writes one line per request and never the body or credentials', async () => {
    const own = lines.filter((l) => l.reqId === 'grader-42.7');
    expect(own).toHaveLength(1);
    const all = JSON.stringify(lines);
    expect(all).not.toContain('secret_name_1234');
    expect(all).not.toContain('hunter2');
  });

  it('makes a fresh id when the client sends none or an unsafe one', async () => {
    const none = await app.inject({ method: 'GET', url: '/healthz' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a\nb {"level":60}' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns the id on error answers too', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/evaluate', headers: { 'x-request-id': 'bad-one', 'content-type': 'application/json' }, payload: '{' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['x-request-id']).toBe('bad-one');
    expect(lines.find((l) => l.reqId === 'bad-one')).toMatchObject({ status: 400, route: '/v1/evaluate' });
  });
});

describe('what a request line says', () => {
  it('names the problem type of an error answer', async () => {
    await app.inject({ method: 'POST', url: '/v1/evaluate', headers: { 'x-request-id': 'parse-422' }, payload: { inputs: { x: 1 }, expr: 'y = (' } });
    expect(lines.find((l) => l.reqId === 'parse-422')).toMatchObject({ level: 30, status: 422, problem: 'parse-error' });
    await app.inject({ method: 'GET', url: '/v1/evaluate', headers: { 'x-request-id': 'get-405' } });
    expect(lines.find((l) => l.reqId === 'get-405')).toMatchObject({ status: 405, problem: 'method-not-allowed' });
    const ok = lines.find((l) => l.reqId === 'grader-42.7');
    expect(ok).not.toHaveProperty('problem');
  });

  it('logs the path of GET /v1/plot, never its query (the program)', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/plot?expr=${encodeURIComponent('y = x * 31337')}&steps=10`, headers: { 'x-request-id': 'plot-query' } });
    expect(response.statusCode).toBe(200);
    expect(lines.find((l) => l.reqId === 'plot-query' && l.msg === 'request completed')).toMatchObject({ route: '/v1/plot', url: '/v1/plot', status: 200 });
    expect(JSON.stringify(lines)).not.toContain('31337');
  });

  it('logs probes at debug: not at info, at debug when asked', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) await app.inject({ method: 'GET', url, headers: { 'x-request-id': `probe-${url.slice(1)}` } });
    expect(lines.filter((l) => String(l.reqId).startsWith('probe-'))).toEqual([]);
    const debugLines: Record<string, any>[] = [];
    const debugStream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) debugLines.push(JSON.parse(line));
        done();
      },
    });
    const debugApp = await buildApp({ logger: { ...loggerOptions('debug'), stream: debugStream } });
    try {
      await debugApp.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'probe-debug' } });
      expect(debugLines.find((l) => l.reqId === 'probe-debug' && l.msg === 'request completed')).toMatchObject({ level: 20, route: '/healthz', status: 200 });
    } finally {
      await debugApp.close();
    }
  });
});
