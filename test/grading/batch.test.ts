import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProblemError } from '../../src/errors.js';
import { EvaluationCancelled } from '../../src/evaluation/runner.js';
import { type ItemBudget, runBatch } from '../../src/grading/batch.js';

const log = pino({ level: 'silent' });
const Item = z.strictObject({ n: z.number() });
const options = { concurrency: 1, log, maxWork: 1e9, itemMaxWork: 1e8, maxAnswerBytes: 1e6, budgetMs: 60_000, maxNesting: 32 };

/** The batch answer, parsed. */
async function batch(...args: Parameters<typeof runBatch<typeof Item>>) {
  return JSON.parse(await runBatch(...args)) as { items: { status: number; body: any }[]; succeeded: number; failed: number };
}

describe('runBatch', () => {
  it('keeps the order, runs at most `concurrency` items at once, and answers each item on its own', async () => {
    let running = 0;
    let most = 0;
    const run = async ({ n }: { n: number }) => {
      running += 1;
      most = Math.max(most, running);
      // later items finish first: the answer must still be in request order
      await new Promise((resolve) => setTimeout(resolve, 30 - 4 * n));
      running -= 1;
      if (n === 3) throw new ProblemError('timeout', 'over budget');
      return { text: JSON.stringify(n * 10) };
    };
    const items = [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }, { bad: true }, { n: 5 }];
    const answer = await batch(items, Item, run, { ...options, concurrency: 2 });
    expect(most).toBe(2);
    expect(answer.items.map((i) => i.status)).toEqual([200, 200, 200, 503, 400, 200]);
    expect(answer.items.map((i) => (i.status === 200 ? i.body : null))).toEqual([0, 10, 20, null, null, 50]);
    expect(answer.items[3].body).toMatchObject({ type: expect.stringMatching(/timeout$/), status: 503 });
    expect(answer).toMatchObject({ succeeded: 4, failed: 2 });
  });

  it('gives the event loop a turn before each item, so items that run inline never hold it for a whole batch', async () => {
    let turns = 0;
    const seen: number[] = [];
    const tick = () => {
      turns += 1;
      if (seen.length < 5) setImmediate(tick);
    };
    setImmediate(tick);
    // a synchronous item: without a turn between items the batch would run them all in one go
    const run = async ({ n }: { n: number }) => {
      seen.push(turns);
      return { text: String(n) };
    };
    await runBatch([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }], Item, run, options);
    expect(seen).toHaveLength(5);
    // every item started on a later turn of the loop than the one before it
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });

  it('has one work budget for all its items: each may use what is left, and items after it is spent are refused without running', async () => {
    const budgets: ItemBudget[] = [];
    const run = async ({ n }: { n: number }, budget: ItemBudget, onWork: (work: number) => void) => {
      budgets.push(budget);
      onWork(400);
      return { text: String(n) };
    };
    const answer = await batch([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }], Item, run, { ...options, maxWork: 1000, itemMaxWork: 1000 });
    expect(budgets.map((b) => b.maxWork)).toEqual([1000, 600, 200]);
    expect(answer.items.map((i) => i.status)).toEqual([200, 200, 200, 422]);
    expect(answer.items[3].body).toMatchObject({ limit: { name: 'batchMaxWork', value: 1000 } });
  });

  it('an item stopped at its time budget counts as having used all the work it was allowed', async () => {
    const run = async ({ n }: { n: number }) => {
      if (n === 1) throw new ProblemError('timeout', 'over budget');
      return { text: String(n) };
    };
    const answer = await batch([{ n: 1 }, { n: 2 }], Item, run, { ...options, maxWork: 1000, itemMaxWork: 1000 });
    expect(answer.items.map((i) => i.status)).toEqual([503, 422]);
  });

  it('has one answer size over all its items: an item that no longer fits is refused, and later items are not run', async () => {
    let ran = 0;
    const run = async (_item: { n: number }, budget: ItemBudget) => {
      ran += 1;
      expect(budget.maxAnswerBytes).toBeLessThan(1000);
      return { text: JSON.stringify('x'.repeat(300)) };
    };
    const answer = await batch([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }], Item, run, { ...options, maxAnswerBytes: 1000 });
    expect(answer.items.map((i) => i.status)).toEqual([200, 200, 422, 422, 422]);
    expect(answer.items[2].body).toMatchObject({ limit: { name: 'maxAnswerBytes', value: 1000 } });
    expect(ran).toBeLessThanOrEqual(3);
  });

  it('an item nested deeper than the rank limit fails alone with a 400 and a pointer, without recursion', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const run = async ({ n }: { n: number }) => ({ text: String(n) });
    const answer = await batch([{ n: 1 }, { n: deep }, { n: 3 }], Item, run, options);
    expect(answer.items.map((i) => i.status)).toEqual([200, 400, 200]);
    expect(answer.items[1].body.errors[0], JSON.stringify(answer.items[1].body)).toEqual({ pointer: '/n/0/0/0/0/0/0/0/0', detail: expect.stringMatching(/more than 8 dimensions \(the rank limit\)/) });
  });

  it('stops starting items once the client has gone', async () => {
    const controller = new AbortController();
    let ran = 0;
    const run = async ({ n }: { n: number }) => {
      ran += 1;
      if (n === 2) controller.abort();
      return { text: String(n) };
    };
    await expect(runBatch([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }], Item, run, { ...options, signal: controller.signal })).rejects.toBeInstanceOf(EvaluationCancelled);
    expect(ran).toBe(2);
  });
});

describe('runBatch: the batch time budget', () => {
  it('gives each item the time left, and answers items that would start past the budget with 503 timeout, without running them', async () => {
    const given: number[] = [];
    const run = async ({ n }: { n: number }, budget: ItemBudget) => {
      given.push(budget.timeLeftMs);
      await new Promise((resolve) => setTimeout(resolve, 120));
      return { text: String(n) };
    };
    const answer = await batch([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }], Item, run, { ...options, budgetMs: 200 });
    expect(answer.items.map((i) => i.status)).toEqual([200, 200, 503, 503]);
    expect(answer.items[2].body).toMatchObject({ type: expect.stringMatching(/timeout$/), limit: { name: 'batchBudgetMs', value: 200 } });
    expect(given).toHaveLength(2);
    expect(given[0]).toBeLessThanOrEqual(200);
    expect(given[1]).toBeLessThan(given[0]);
  });
});
