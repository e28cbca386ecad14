import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

const post = (payload: string, url = '/v1/evaluate') => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

describe('keys that would reach a prototype', () => {
  it.each([
    ['{"inputs": {"__proto__": 1}, "expr": "y = 1"}', '/inputs/__proto__', /__proto__ is not allowed/],
    ['{"inputs": {"x": 1}, "expr": "y = x", "__proto__": {"polluted": true}}', '/__proto__', /__proto__ is not allowed/],
    ['{"inputs": {"x": {"data": [1], "\\u005f_proto__": 1}}, "expr": "y = x"}', '/inputs/x/__proto__', /__proto__ is not allowed/],
    ['{"inputs": {"constructor": {"prototype": 1}}, "expr": "y = 1"}', '/inputs/constructor/prototype', /constructor key holding a prototype/],
    ['{"items": [{"inputs": {"x": 1}, "expr": "y = x"}, {"constructor": {"prototype": {}}}]}', '/items/1/constructor/prototype', /constructor key holding a prototype/],
  ])('%s is a 400 with a pointer to the key', async (body, pointer, detail) => {
    const r = await post(body, body.startsWith('{"items"') ? '/v1/evaluate/batch' : '/v1/evaluate');
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const problem = r.json();
    expect(problem.type).toMatch(/invalid-request$/);
    expect(problem.errors).toEqual([{ pointer, detail: expect.stringMatching(detail) }]);
    expect(problem.detail).toBe(`${pointer}: ${problem.errors[0].detail}`);
  });

  it('never changes the prototype of anything', async () => {
    await post('{"__proto__": {"polluted": true}, "inputs": {}, "expr": "y = 1"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a "constructor" key without a prototype inside is just a (refused) name, not a poisoning', async () => {
    const r = await post('{"inputs": {"constructor": 1}, "expr": "y = constructor"}');
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ pointer: '/inputs/constructor' });
    expect(r.json().errors[0].detail).not.toMatch(/prototype/);
  });

  it('broken and empty bodies are still invalid-json', async () => {
    for (const body of ['{"inputs":', '']) {
      const r = await post(body);
      expect(r.statusCode).toBe(400);
      expect(r.json().type).toMatch(/invalid-json$/);
    }
  });
});
