import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { buildApp } from '../../src/app.js';
import { mutate } from '../support/mutate.js';

/** A small answer limit, so mutations into huge answers are cheap to reach (the seeds answer well under it). */
const MAX_ANSWER_BYTES = 64 * 1024;

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ limits: { ...DEFAULT_LIMITS, maxAnswerBytes: MAX_ANSWER_BYTES } });
});
afterAll(() => app.close());

/**
 * Markers a mutation may put in a body, spliced into its JSON text afterwards:
 * nesting JSON.stringify itself cannot write (it recurses), and a __proto__
 * key (assigning one to a JavaScript object sets its prototype instead).
 */
const SPLICED: Record<string, (depth: number) => string> = {
  '"<deep-array>"': (depth) => '['.repeat(depth) + '1' + ']'.repeat(depth),
  '"<deep-object>"': (depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  '"<proto>"': () => '"__proto__"',
};

function splice(text: string, depth: number): string {
  let out = text;
  for (const [marker, make] of Object.entries(SPLICED)) out = out.replaceAll(marker, make(depth));
  return out;
}

/** Valid requests from the course, the starting points for mutation. */
const SEEDS: Record<string, unknown>[] = [
  { inputs: { x: 2 }, expr: 'x**2' },
  { inputs: { x: 2.0 }, expr: 'y = x ** 2 + 2 * x + 1' },
  { inputs: { u: 1.0, v: 2.0 }, expr: 'f = u * v + u ** 2' },
  { inputs: { x: { linspace: { start: -10, end: 10, steps: 10 } } }, expr: 'Y = x ** 2\ny = torch.sum(Y)' },
  { inputs: { x: 2.0 }, functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } }, expr: 'y = SQ(x)' },
  { inputs: { x: [[1, 2], [3, 4]] }, graph: [{ id: 'a', op: 'pow', args: ['x', 2] }, { id: 'y', op: 'sum', args: ['a'] }] },
  { inputs: { x: { zeros: [2, 3], dtype: 'float64' } }, expr: 'y = x.view(3, 2).sum(dim=0)', backward: { of: 'y', gradient: [1, 1] } },
];


/** Values that used to break the service: deep nesting, names every object answers, inputs and shapes that make huge answers. */
const hostile = fc.constantFrom(
  '<deep-array>',
  '<deep-object>',
  { '<proto>': { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  { toString: 1, valueOf: [1, 2] },
  [[[[[[[[[1]]]]]]]]],
  [1, 1, 1, 1, 1, 1, 1, 1, 1],
  { linspace: { start: 0, end: 1, steps: 100_000 } },
  { zeros: [300, 300] },
  { ones: [1, 1, 1, 1, 1, 1, 1, 1, 1] },
  { data: [1, 2], dtype: 'int64' },
);

const mutatedBody = fc
  .record({
    seed: fc.constantFrom(...SEEDS),
    path: fc.array(fc.nat(20), { minLength: 0, maxLength: 5 }),
    replacement: fc.oneof(
      { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 2, arbitrary: fc.constantFrom(-1, 0, 1e308, -1e-308, 2 ** 53, 'NaN', 'Infinity', '__proto__', [], {}, null) },
      { weight: 2, arbitrary: hostile },
    ),
    text: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('(', ')', '**', '@', '.', ',', '=', '\n', 'torch.', 'x.grad', ' ** 1000', '[', '\u0000'),
      // keys and names every plain object answers, and programs whose answers are huge
      fc.constantFrom('<proto>', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '.expand(300, 300)', '.view(-1, 1) * x.view(1, -1)'),
    ),
    mode: fc.nat(30),
    depth: fc.constantFrom(9, 33, 5000),
  })
  .map(({ seed, path, replacement, text, mode, depth }) => splice(JSON.stringify(mutate(seed, path, replacement, text, mode)), depth));

/** A JSON text cut short or with bytes changed: what a broken client sends. */
const brokenText = fc
  .record({ seed: fc.constantFrom(...SEEDS), cut: fc.nat(300), junk: fc.string({ maxLength: 4 }) })
  .map(({ seed, cut, junk }) => {
    const text = JSON.stringify(seed);
    const at = cut % (text.length + 1);
    return text.slice(0, at) + junk + text.slice(at + 1);
  });

const anyBody = fc.oneof(
  { weight: 5, arbitrary: mutatedBody },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: brokenText },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const contentType = fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');

async function send(payload: string, type: string, url = '/v1/evaluate') {
  const response = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': type } });
  return response;
}

function expectNoFault(response: Awaited<ReturnType<typeof send>>) {
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (response.statusCode >= 400) {
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ status: response.statusCode, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
    expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    // deep nesting is refused before anything recurses on it
    expect(response.body).not.toMatch(/call stack/i);
  }
  // no answer passes the answer limit
  expect(response.body.length).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
  // nothing a body says reaches a prototype
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('arbitrary and mutated bodies (fast-check)', () => {
  it('never answer 5xx, and every 4xx is problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, contentType, async (body, type) => {
        expectNoFault(await send(body, type));
      }),
      { numRuns: 3000 },
    );
  }, 180_000);

  it('the seeds themselves are answered 200 (so mutation starts from working programs)', async () => {
    for (const seed of SEEDS) expect((await send(JSON.stringify(seed), 'application/json')).statusCode).toBe(200);
  });

  it('the app still answers normally afterwards', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await send(JSON.stringify(SEEDS[0]), 'application/json')).json().tensors.x.grad).toBe(4);
  });
});
