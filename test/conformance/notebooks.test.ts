import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { compareNotebookAnswer, type NotebookCase } from '../support/notebook_compare.js';

const { cases } = JSON.parse(readFileSync(new URL('./notebooks.json', import.meta.url), 'utf8')) as { cases: NotebookCase[] };

describe('golden notebook cases (Python 3.11 + torch 1.13 + IPython) through POST /v1/run', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    // a loaded test machine starts pool workers slowly: wait for one rather than shed the request
    app = await buildApp({ operations: { evaluation: { queueTimeoutMs: 60_000, budgetMs: 30_000 } } });
  });
  afterAll(() => app.close());

  it('has all 81 cases', () => {
    expect(cases).toHaveLength(81);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await app.inject({ method: 'POST', url: '/v1/run', payload: c.request });
    const body = response.headers['content-type']?.toString().includes('json') ? response.json() : response.body;
    expect(compareNotebookAnswer(c, response.statusCode, String(response.headers['content-type']), body)).toEqual([]);
  });
});
