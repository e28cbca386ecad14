import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { compareCase, type GoldenCase } from '../support/conformance.js';

// The op catalog's golden cases (torch 1.13) through POST /v1/evaluate, judged as check.py judges them.
const { cases } = JSON.parse(readFileSync(new URL('./ops.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
/** Cases the expression front end cannot run yet (issue 9: it becomes a front end of the interpreter); `it.fails` flags each one that starts passing, so the list only shrinks. */
const knownFailures = new Set(JSON.parse(readFileSync(new URL('./ops_http_known_failures.json', import.meta.url), 'utf8')) as string[]);

describe('ops.json golden cases through POST /v1/evaluate', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(() => app.close());

  it('has all 380 cases', () => {
    expect(cases).toHaveLength(380);
  });

  const passing = cases.filter((c) => !knownFailures.has(c.name));
  const failing = cases.filter((c) => knownFailures.has(c.name));

  it.each(passing.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: c.request });
    const body = response.json();
    expect(compareCase(c, response.statusCode, String(response.headers['content-type']), body)).toEqual([]);
  });

  it.fails.each(failing.map((c) => [c.name, c] as const))('%s (known failure)', async (_name, c) => {
    const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: c.request });
    expect(compareCase(c, response.statusCode, String(response.headers['content-type']), response.json())).toEqual([]);
  });
});
