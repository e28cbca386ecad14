import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProblemError } from '../../src/errors.js';
import { runBatch } from '../../src/grading/batch.js';

const log = pino({ level: 'silent' });
const Item = z.strictObject({ n: z.number() });

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
      return n * 10;
    };
    const items = [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }, { bad: true }, { n: 5 }];
    const answer = await runBatch(items, Item, run, { concurrency: 2, log });
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
      return n;
    };
    await runBatch([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }], Item, run, { concurrency: 1, log });
    expect(seen).toHaveLength(5);
    // every item started on a later turn of the loop than the one before it
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });
});
