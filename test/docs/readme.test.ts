import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type ReadmeRequest, readmeRequests } from '../support/readme.js';

/** What the README says the service answers, checked against the service (no drift). */

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the README', () => {
  let app: FastifyInstance;
  let requests: ReadmeRequest[];
  beforeAll(async () => {
    app = await buildApp({ operations: { overload: { maxEventLoopDelayMs: 0, retryAfterSeconds: 1 }, evaluation: { queueTimeoutMs: 60_000 } } });
    requests = readmeRequests(README);
  });
  afterAll(() => app.close());

  const send = (request: ReadmeRequest) =>
    request.method === 'POST'
      ? app.inject({ method: 'POST', url: request.path, payload: request.body as object })
      : app.inject({ method: 'GET', url: request.path, query: Object.fromEntries(Object.entries(request.query ?? {}).map(([k, v]) => [k, String(v)])) });

  it('shows requests the service answers with 200', async () => {
    expect(requests.length).toBeGreaterThanOrEqual(15);
    for (const request of requests) {
      const response = await send(request);
      expect(response.statusCode, `README.md:${request.line} ${response.body.slice(0, 300)}`).toBe(200);
    }
  }, 120_000);

  it("quotes the random-point check's messages as the service words them", async () => {
    const example = requests.find((r) => r.path === '/v1/check' && JSON.stringify(r.body).includes('"points"'))!;
    const answer = (await send(example)).json();
    const quoted = [...README.matchAll(/`"((?:u|v|f)(?:\.grad)?: expected [^"]*)"`/g)].map((m) => m[1].replace(/\s+/g, ' '));
    expect(quoted.length).toBeGreaterThanOrEqual(2);
    const messages = answer.checks.map((c: { message: string }) => c.message);
    for (const message of quoted) expect(messages).toContain(message);
    expect(answer.checks).toHaveLength(12);
    expect(answer.score).toBe(0);
  });

  it('says what grad_fn jacobian results have: ViewBackward0 bare, none spelled as torch', async () => {
    expect(README).toContain('`J` has `grad_fn`\n`ViewBackward0`');
    const post = (expr: string) => app.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: [1, 2] }, expr, backward: false } });
    const bare = (await post('J = jacobian(x ** 2, x)')).json().tensors.J;
    expect(bare).toMatchObject({ data: [[2, 0], [0, 4]], grad_fn: 'ViewBackward0', requires_grad: true });
    for (const expr of ['J = torch.autograd.functional.jacobian(x ** 2, x)', 'J = jacobian(x ** 2, x, create_graph=False)']) {
      expect((await post(expr)).json().tensors.J).toMatchObject({ data: [[2, 0], [0, 4]], grad_fn: null, requires_grad: false, is_leaf: true });
    }
    const hessian = (await post('H = torch.autograd.functional.hessian(torch.sum(x ** 3), x)')).json().tensors.H;
    expect(hessian).toMatchObject({ data: [[6, 0], [0, 12]], grad_fn: null });
  });
});
