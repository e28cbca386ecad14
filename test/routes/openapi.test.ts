import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { PROBLEMS, problemType } from '../../src/errors.js';
import { LOGO_SVG, logoWithName } from '../../src/plugins/brand.js';
import { REQUEST_EXAMPLES } from '../../src/plugins/openapi_examples.js';

type Operation = {
  operationId?: string;
  tags?: string[];
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { description: string; content?: Record<string, { examples?: Record<string, { value: unknown }> }> }>;
};

/** Health, readiness and metrics: never shed, never rate limited. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

describe('GET /openapi.json', () => {
  let app: FastifyInstance;
  let document: any;
  let operations: { path: string; method: string; operation: Operation }[];
  beforeAll(async () => {
    // No shedding: a busy test machine (a lagging event loop, a worker thread slow to start) is not an overloaded service.
    app = await buildApp({ operations: { overload: { maxEventLoopDelayMs: 0, retryAfterSeconds: 1 }, evaluation: { queueTimeoutMs: 60_000 } } });
    document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );
  });
  afterAll(() => app.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every status of /v1/evaluate, errors as problem+json', () => {
    const responses = document.paths['/v1/evaluate'].post.responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '413', '415', '422', '429', '500', '503']);
    expect(document.paths['/v1/evaluate'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/EvaluateRequest' });
  });

  it('declares every error as application/problem+json with an example of each problem code of its status', () => {
    for (const { path, method, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || (path === '/readyz' && status === '503')) continue;
        expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        const examples = Object.values(response.content!['application/problem+json'].examples ?? {}).map((e) => e.value as { type: string; status: number });
        const codes = Object.entries(PROBLEMS).filter(([, p]) => p.status === Number(status));
        expect(examples.map((e) => e.type).sort(), `${method} ${path} ${status}`).toEqual(codes.map(([code]) => problemType(code as keyof typeof PROBLEMS)).sort());
        for (const example of examples) expect(example.status).toBe(Number(status));
      }
    }
  });

  it('declares 413 and 415 on every route with a body, 429 and 503 on every route but the probes', () => {
    for (const { path, method, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      if (operation.requestBody) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['400', '413', '415']));
      if (!PROBES.has(path)) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['429', '500', '503']));
      expect(operation.responses['200'].description, `${method} ${path}`).not.toBe('Default Response');
    }
  });

  it('has one unique operationId per operation, servers, and declares every tag it uses', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Set((document.tags as { name: string }[]).map((t) => t.name));
    for (const { operation } of operations) for (const tag of operation.tags ?? []) expect(declared).toContain(tag);
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(document.paths['/v1/run'].post.operationId).toBe('run');
    expect(document.paths['/v1/grade'].post.operationId).toBe('grade');
    expect(document.paths['/v1/grade/batch'].post.operationId).toBe('gradeBatch');
    expect(document.paths['/metrics'].get.operationId).toBe('metrics');
  });

  it('names each schema once, only those the routes use', () => {
    const names = Object.keys(document.components.schemas);
    const text = JSON.stringify(document);
    for (const name of names) {
      expect(names, name).not.toContain(`${name}Input`);
      expect(text, name).toContain(`"#/components/schemas/${name}"`);
    }
    for (const name of ['EvaluateRequest', 'EvaluateAnswer', 'TensorInput', 'Problem', 'RunRequest', 'GradeRequest', 'PlotRequest']) expect(names).toContain(name);
  });

  it('types what generated clients need: bounded nesting, typed batch items, problem types, no 2^53 noise, defaults optional in requests', () => {
    const { schemas } = document.components;
    const text = JSON.stringify(document);
    expect(JSON.stringify(schemas.NestedNumbers)).not.toContain('NestedNumbers');
    expect(schemas.NestedNumbers.anyOf).toHaveLength(9);
    expect(schemas.EvaluateRequestBatch.properties.items.items).toEqual({ $ref: '#/components/schemas/EvaluateRequest' });
    expect(schemas.CheckRequestBatch.properties.items.items).toEqual({ $ref: '#/components/schemas/CheckRequest' });
    expect(schemas.Problem.properties.type.enum.sort()).toEqual(Object.keys(PROBLEMS).map((code) => problemType(code as keyof typeof PROBLEMS)).sort());
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(schemas.EvaluateRequest.required ?? []).not.toContain('inputs');
    expect(schemas.EvaluateRequest.required ?? []).not.toContain('backward');
    expect(schemas.PlotRequest.type).toBe('object');
    expect(Object.keys(schemas.PlotRequest.properties)).toEqual(['inputs', 'expr', 'graph', 'functions', 'axis', 'of']);
  });

  it('lists the op table names in the graph schema', () => {
    const text = JSON.stringify(document);
    for (const op of ['add', 'matmul', 'log_softmax', 'mse_loss']) expect(text).toContain(op);
  });

  it('offers a dropdown of examples on every route with a body', () => {
    for (const { path, method, operation } of operations) {
      if (operation.requestBody) expect(Object.keys(operation.requestBody.content['application/json'].examples ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
    }
  });

  it("offers the course's programs as named request examples, each answered with 200", async () => {
    for (const [operationId, examples] of Object.entries(REQUEST_EXAMPLES)) {
      const found = operations.find(({ operation }) => operation.operationId === operationId);
      expect(found, operationId).toBeDefined();
      const { path, method, operation } = found!;
      expect(operation.requestBody!.content['application/json'].examples).toEqual(examples);
      for (const [name, { value }] of Object.entries(examples)) {
        const response = await app.inject({ method: method.toUpperCase() as 'POST', url: path, payload: value as object });
        expect(response.statusCode, `${operationId} ${name}: ${response.body.slice(0, 300)}`).toBe(200);
      }
    }
  }, 60_000);

  it('serves Swagger UI at /docs with gradserve as its name and mark', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<title>gradserve API</title>');
    expect(page.body).toContain('favicon.svg');
    const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain(`data:image/svg+xml;base64,${Buffer.from(logoWithName()).toString('base64')}`);
    expect(readFileSync(new URL('../../web/public/favicon.svg', import.meta.url), 'utf8')).toBe(LOGO_SVG);
  });
});
