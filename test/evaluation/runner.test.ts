import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../schemas/limits.js';
import { programSchemas } from '../../schemas/program.js';
import { plotSchemas } from '../../schemas/plot.js';
import type { EvaluationConfig } from '../../src/config.js';
import { ProblemError } from '../../src/errors.js';
import { EvaluationCancelled, EvaluationRunner, type Measurement } from '../../src/evaluation/runner.js';

const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);
const { PlotRequest } = plotSchemas(DEFAULT_LIMITS);

function configOf(overrides: Partial<EvaluationConfig> = {}): EvaluationConfig {
  return { workers: 1, budgetMs: 20_000, inlineMaxWork: 50_000, poolMaxWork: 100_000_000, batchMaxWork: 1e9, batchBudgetMs: 60_000, maxQueue: 4, queueTimeoutMs: 30_000, ...overrides };
}

const evaluate = (body: Record<string, unknown>, limits: Limits = DEFAULT_LIMITS) => ({ request: EvaluateRequest.parse(body), limits });

/** Hundreds of millions of multiply-adds: about a second per matmul, whatever the text says. */
const SLOW = { inputs: { w: { zeros: [600, 600], requires_grad: false } }, expr: 'y = (w @ w @ w @ w @ w @ w @ w @ w).sum()', backward: false };

const runner = new EvaluationRunner(configOf());
const measured: Measurement[] = [];
runner.onMeasured((m) => measured.push(m));
const unlimited = new EvaluationRunner(configOf({ inlineMaxWork: Number.MAX_SAFE_INTEGER }));
beforeAll(() => runner.warm(), 60_000);
afterAll(async () => {
  await runner.close();
  await unlimited.close();
});

async function problemOf(pending: Promise<unknown>): Promise<ProblemError> {
  const error = await pending.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe('where a request runs is decided by the work it does, measured as it runs', () => {
  it('a small program answers inline, with its measured work', async () => {
    const result = await runner.run('evaluate', evaluate({ inputs: { x: 2 }, expr: 'y = x ** 2' }));
    expect(result.mode).toBe('inline');
    expect(result.work).toBeGreaterThan(0);
    expect(result.work).toBeLessThan(50_000);
    expect(JSON.parse(result.text).tensors.x.grad).toBe(4);
  });

  it('answer() gives an inline answer at once (no promise) and its errors as throws; a pooled task as a promise', async () => {
    const inline = runner.answer('evaluate', evaluate({ inputs: { x: 2 }, expr: 'y = x ** 2' }));
    expect(inline).not.toBeInstanceOf(Promise);
    expect((inline as { mode: string }).mode).toBe('inline');
    expect(() => runner.answer('evaluate', evaluate({ inputs: { x: 2 }, expr: 'y = nope(x)' }))).toThrow(ProblemError);
    let made = 0;
    const signal = () => {
      made += 1;
      return new AbortController().signal;
    };
    runner.answer('evaluate', evaluate({ inputs: { x: 2 }, expr: 'y = x ** 2' }), { signal });
    expect(made).toBe(0);
    const pooled = runner.answer('evaluate', evaluate({ inputs: { x: { linspace: { start: -1, end: 1, steps: 20_000 } } }, expr: 'y = (x ** 2).sum()', outputs: ['y'] }), { signal });
    expect(pooled).toBeInstanceOf(Promise);
    expect((await pooled).mode).toBe('pool');
    // The client-gone signal is made only for the pooled task.
    expect(made).toBe(1);
  });

  it('a big pooled answer asked for as bytes comes back as its UTF-8 bytes in a reused slab, equal to the text', async () => {
    const input = evaluate({ inputs: { x: { linspace: { start: -1, end: 1, steps: 20_000 } } }, expr: 'y = (x ** 2).sum()', encoding: 'base64' });
    const asText = await runner.run('evaluate', input);
    const asBytes = await runner.run('evaluate', input, { answerAsBytes: true });
    expect(asText.mode).toBe('pool');
    expect(asText.bytes).toBeUndefined();
    expect(asBytes.text).toBe('');
    const bytes = asBytes.bytes as Uint8Array;
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(bytes).toString('utf8')).toBe(asText.text);
    // Until it is given back, the slab is not lent again: a second answer goes elsewhere.
    const other = await runner.run('evaluate', evaluate({ inputs: { x: { linspace: { start: -2, end: 2, steps: 20_000 } } }, expr: 'y = (x ** 2).sum()', encoding: 'base64' }), { answerAsBytes: true });
    expect(other.bytes?.buffer).not.toBe(bytes.buffer);
    expect(Buffer.from(bytes).toString('utf8')).toBe(asText.text);
    other.release?.();
    asBytes.release?.();
    // Given back, it is written again.
    const again = await runner.run('evaluate', input, { answerAsBytes: true });
    expect([bytes.buffer, other.bytes?.buffer]).toContain(again.bytes?.buffer);
    expect(Buffer.from(again.bytes as Uint8Array).toString('utf8')).toBe(asText.text);
    again.release?.();
    // A small answer stays text.
    const small = await runner.run('evaluate', evaluate({ inputs: { x: { linspace: { start: -1, end: 1, steps: 20_000 } } }, expr: 'y = (x ** 2).sum()', outputs: ['y'] }), { answerAsBytes: true });
    expect(small.mode).toBe('pool');
    expect(small.bytes).toBeUndefined();
  });

  it('a big base64 input run in the pool gives the answer an inline run gives', async () => {
    const values = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i) * 3);
    const base64 = Buffer.from(values.buffer).toString('base64');
    const input = evaluate({ inputs: { x: { dtype: 'float32', shape: [100_000], base64 } }, expr: 'y = (x * x).sum()', outputs: ['y'] });
    const [pooled, inline] = await Promise.all([runner.run('evaluate', input), unlimited.run('evaluate', input)]);
    expect(pooled.mode).toBe('pool');
    expect(inline.mode).toBe('inline');
    expect(pooled.text).toBe(inline.text);
  });

  it('a program that passes the inline limit is re-run in the pool, with the answer an unlimited inline run gives', async () => {
    const input = evaluate({ inputs: { x: { linspace: { start: -1, end: 1, steps: 20_000 } } }, expr: 'y = (x ** 2 + 2 * x + 1).sum()', outputs: ['y'] });
    const [pooled, inline] = await Promise.all([runner.run('evaluate', input), unlimited.run('evaluate', input)]);
    expect(pooled.mode).toBe('pool');
    expect(inline.mode).toBe('inline');
    expect(pooled.text).toBe(inline.text);
    // the inline start and the pooled re-run both count
    expect(pooled.work).toBeGreaterThan(inline.work);
  });

  it('reads no program text: a small expand runs inline, a two-line outer product does not', async () => {
    expect((await runner.run('evaluate', evaluate({ inputs: { x: 2 }, expr: 'y = x.expand(3).sum()' }))).mode).toBe('inline');
    const outer = evaluate({ inputs: { x: { linspace: { start: 0, end: 1, steps: 300 } } }, expr: 'a = x.view(300, 1) * x\nb = (a @ a).sum()', outputs: ['b'] });
    expect((await runner.run('evaluate', outer)).mode).toBe('pool');
  });

  it('the outer-product matmul of the issue is stopped at the pool work limit: 422 naming poolMaxWork, long before the time budget', async () => {
    const started = performance.now();
    const problem = await problemOf(
      runner.run('evaluate', evaluate({ inputs: { x: { linspace: { start: 0, end: 1, steps: 1000 } } }, expr: 'a = x.view(1000,1)*x; b = (a@a).sum()', outputs: ['b'], fields: ['data'] })),
    );
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.extras.limit).toEqual({ name: 'poolMaxWork', value: 100_000_000 });
    expect(problem.message).toMatch(/more than 100000000 units/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a tower of grad() calls is bounded by the same meter (graph nodes count)', async () => {
    const small = new EvaluationRunner(configOf({ poolMaxWork: 2_000_000 }));
    try {
      const n = 11;
      const expr = ['g0 = sin(x)*cos(x)*exp(x)*tanh(x)', ...Array.from({ length: n }, (_, i) => `g${i + 1} = grad(g${i}, x)`)].join('\n');
      const problem = await problemOf(small.run('evaluate', evaluate({ inputs: { x: 0.5 }, expr, backward: false, outputs: [`g${n}`], fields: ['data'] })));
      expect(problem.extras.limit).toEqual({ name: 'poolMaxWork', value: 2_000_000 });
    } finally {
      await small.close();
    }
  });

  it('a caller’s smaller work limit (a batch’s last units) binds inline too, named as the caller says', async () => {
    const input = evaluate({ inputs: { x: { linspace: { start: 0, end: 1, steps: 5000 } } }, expr: 'y = (x * x).sum()' });
    const problem = await problemOf(runner.run('evaluate', input, { maxWork: 1000, maxWorkName: 'batchMaxWork' }));
    expect(problem.extras.limit).toEqual({ name: 'batchMaxWork', value: 1000 });
  });

  it('reports the work of failed runs too', async () => {
    let reported = -1;
    await problemOf(runner.run('evaluate', evaluate({ inputs: { x: [1, 2] }, expr: 'y = (x * x) @ x.view(1, 2)' }), { onWork: (w) => (reported = w) }));
    expect(reported).toBeGreaterThan(0);
  });

  it('sends everything to the pool when INLINE_MAX_WORK is 0, and plots always (rendering is not metered)', async () => {
    const pooled = new EvaluationRunner(configOf({ inlineMaxWork: 0 }));
    try {
      expect((await pooled.run('evaluate', evaluate({ inputs: { x: 2 }, expr: 'x' }))).mode).toBe('pool');
      const plot = await runner.run('plot', { request: PlotRequest.parse({ inputs: { x: [1, 2, 3] }, expr: 'y = x * x' }), limits: DEFAULT_LIMITS });
      expect(plot).toMatchObject({ mode: 'pool', contentType: 'svg', details: { axis: 'x', of: 'y', points: 3 } });
    } finally {
      await pooled.close();
    }
  });
});

describe('the answer size limit (maxAnswerBytes)', () => {
  const limits = { ...DEFAULT_LIMITS, maxAnswerBytes: 10_000 };

  it('refuses before anything runs when the inputs it echoes cannot fit', async () => {
    measured.length = 0;
    const problem = await problemOf(runner.run('evaluate', evaluate({ inputs: { x: { zeros: [6000] } }, expr: 'y = x.sum()' }, limits)));
    expect(problem.code).toBe('limit-exceeded');
    expect(problem.extras.limit).toEqual({ name: 'maxAnswerBytes', value: 10_000 });
    expect(problem.message).toMatch(/"outputs".*"fields".*"encoding": "base64"/);
    expect(measured[0]).toMatchObject({ mode: 'inline', work: 0 });
  });

  it('refuses after the program ran, before any value is written, when the tensors answered cannot fit', async () => {
    const problem = await problemOf(runner.run('evaluate', evaluate({ inputs: { x: 1 }, expr: 'y = x.expand(6000)', backward: false }, limits)));
    expect(problem.message).toMatch(/at least 12002 bytes \(6001 values\)/);
  });

  it('refuses while writing an answer whose values are longer than their count says', async () => {
    const problem = await problemOf(runner.run('evaluate', evaluate({ inputs: { x: 1.1 }, expr: 'y = x.expand(1000) * 1.1', backward: false, outputs: ['y'], fields: ['data'] }, limits)));
    expect(problem.message).toMatch(/the answer would be \d+ bytes/);
  });

  it('outputs, fields and base64 make the same program fit', async () => {
    const result = await runner.run('evaluate', evaluate({ inputs: { x: { zeros: [6000] } }, expr: 'y = x.sum()', outputs: ['y'] }, limits));
    expect(JSON.parse(result.text).tensors.y.data).toBe(0);
    const binary = await runner.run('evaluate', evaluate({ inputs: { x: { zeros: [1000] } }, expr: 'y = x.sum()', outputs: ['x'], fields: ['data'], encoding: 'base64' }, limits));
    expect(JSON.parse(binary.text).tensors.x.data.base64).toHaveLength(5336);
  });
});

describe('the pool queue: deadline and cancellation', () => {
  const slowRunner = new EvaluationRunner(configOf({ queueTimeoutMs: 300, poolMaxWork: 1e12, inlineMaxWork: 0 }));
  beforeAll(() => slowRunner.warm(), 60_000);
  afterAll(() => slowRunner.close());

  it('a task that waits for a worker longer than POOL_QUEUE_TIMEOUT_MS is shed with 503 overloaded', async () => {
    const controller = new AbortController();
    const busy = slowRunner.run('evaluate', evaluate(SLOW), { signal: controller.signal }).catch((e: unknown) => e);
    while (slowRunner.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    const problem = await problemOf(slowRunner.run('evaluate', evaluate({ inputs: { x: 2 }, expr: 'x' })));
    expect(problem.code).toBe('overloaded');
    expect(problem.extras.limit).toEqual({ name: 'poolQueueTimeoutMs', value: 300 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    controller.abort();
    expect(await busy).toBeInstanceOf(EvaluationCancelled);
  });

  it('a running task whose client has gone is stopped at once, and the pool runs the next one', async () => {
    const controller = new AbortController();
    const running = slowRunner.run('evaluate', evaluate(SLOW), { signal: controller.signal }).catch((e: unknown) => e);
    while (slowRunner.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    controller.abort();
    expect(await running).toBeInstanceOf(EvaluationCancelled);
    expect(performance.now() - started).toBeLessThan(5000); // generous: the slow program runs far longer
    expect(slowRunner.inFlight).toBe(0);
    await slowRunner.warm();
    expect(JSON.parse((await slowRunner.run('evaluate', evaluate({ inputs: { x: 3 }, expr: 'y = x * x' }))).text).tensors.x.grad).toBe(6);
  });

  it('a queued task whose client has gone leaves the queue without running', async () => {
    const first = new AbortController();
    const second = new AbortController();
    const running = slowRunner.run('evaluate', evaluate(SLOW), { signal: first.signal }).catch((e: unknown) => e);
    const queued = slowRunner.run('evaluate', evaluate(SLOW), { signal: second.signal }).catch((e: unknown) => e);
    while (slowRunner.inFlight < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slowRunner.queueDepth).toBe(1);
    second.abort();
    expect(await queued).toBeInstanceOf(EvaluationCancelled);
    expect(slowRunner.inFlight).toBe(1);
    first.abort();
    expect(await running).toBeInstanceOf(EvaluationCancelled);
  });

  it('a task whose client has already gone never starts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(slowRunner.run('evaluate', evaluate({ inputs: { x: 2 }, expr: 'x' }), { signal: controller.signal })).rejects.toBeInstanceOf(EvaluationCancelled);
  });
});
