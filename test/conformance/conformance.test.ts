import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { compareCase, type GoldenCase } from '../support/conformance.js';

const { cases } = JSON.parse(readFileSync(new URL('./cases.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

describe('golden conformance cases (computed by PyTorch)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(() => app.close());

  it('has all 175 cases', () => {
    expect(cases).toHaveLength(175);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: c.request });
    const body = response.json();
    expect(compareCase(c, response.statusCode, String(response.headers['content-type']), body)).toEqual([]);
  });
});
