import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

describe('GET /openapi.json', () => {
  let app: FastifyInstance;
  let document: any;
  beforeAll(async () => {
    app = await buildApp();
    document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(() => app.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every status of /v1/evaluate with problem answers', () => {
    const responses = document.paths['/v1/evaluate'].post.responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '413', '415', '422', '500', '503']);
    expect(document.paths['/v1/evaluate'].post.requestBody.content['application/json'].schema).toBeDefined();
  });

  it('lists the op table names in the graph schema', () => {
    const text = JSON.stringify(document);
    for (const op of ['add', 'matmul', 'log_softmax', 'mse_loss']) expect(text).toContain(op);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
