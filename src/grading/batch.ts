import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import pMap from 'p-map';
import type { z } from 'zod';
import { type Problem, ProblemError, toProblem } from '../errors.js';
import { EvaluationCancelled } from '../evaluation/runner.js';
import { flattenIssues, validationDetail } from '../plugins/problems.js';
import { deepNestingProblem, MAX_RANK } from '../../schemas/depth.js';

export interface BatchItem<T> {
  status: number;
  body: T | Problem;
}

export interface BatchAnswer<T> {
  items: BatchItem<T>[];
  succeeded: number;
  failed: number;
}

/** What one item may still use of the batch's budgets when it starts. */
export interface ItemBudget {
  maxWork: number;
  maxAnswerBytes: number;
  /** Time left of the batch's budget. */
  timeLeftMs: number;
}

/** An item's answer as the task rendered it (JSON text), and the work it took. */
export interface ItemAnswer {
  text: string;
}

export interface BatchOptions {
  /** Items running at once (pooled items each hold a worker; more would only wait in the pool's queue). */
  concurrency: number;
  log: FastifyBaseLogger;
  /** Work all items may do together (batchMaxWork). */
  maxWork: number;
  /** Work one item may do (poolMaxWork). */
  itemMaxWork: number;
  /** Bytes the whole batch answer may take (maxAnswerBytes). */
  maxAnswerBytes: number;
  /** Time the whole batch may take (batchBudgetMs; default: no limit of its own). */
  budgetMs?: number;
  /** Aborted when the client has gone: no further item starts. */
  signal?: AbortSignal;
  /** The deepest nesting a valid item can have (checked without recursion before the schema walks it). */
  maxNesting: number;
}

/** Everything of the answer but the items' bodies: `{"status":200,"body":` and `},`. */
const ITEM_ENVELOPE_BYTES = 24;

/**
 * Validates and runs every item on its own: a malformed item is a 400, a
 * program that cannot run a 422, one over the time budget a 503, and none of
 * them stops the others. Order is kept. The batch has one work budget and one
 * answer size budget over all its items: an item that starts when either is
 * spent is refused with 422 limit-exceeded without running. Each item starts
 * on a turn of the event loop of its own, so a batch of inline items never
 * holds the loop for longer than one of them. Answers the batch as JSON text
 * (the items' texts are sent as their tasks made them).
 */
export async function runBatch<S extends z.ZodType>(
  items: readonly unknown[],
  schema: S,
  run: (item: z.infer<S>, budget: ItemBudget, onWork: (work: number) => void) => Promise<ItemAnswer>,
  { concurrency, log, maxWork, itemMaxWork, maxAnswerBytes, budgetMs = Infinity, signal, maxNesting }: BatchOptions,
): Promise<string> {
  const deadline = performance.now() + budgetMs;
  let workLeft = maxWork;
  let bytesLeft = maxAnswerBytes - 64;
  const problem = (status: number, body: Problem) => ({ status, text: JSON.stringify(body) });
  const answerFull = () =>
    problem(
      422,
      toProblem('limit-exceeded', `the batch answer has reached its size (maxAnswerBytes ${maxAnswerBytes}); send the remaining items in another batch`, {
        limit: { name: 'maxAnswerBytes', value: maxAnswerBytes },
      }),
    );
  const runItem = async (item: unknown, index: number): Promise<{ status: number; text: string }> => {
    await nextTurn();
    if (signal?.aborted) throw new EvaluationCancelled();
    const deep = deepNestingProblem(item, MAX_RANK, maxNesting);
    if (deep) return problem(400, toProblem('invalid-request', deep.detail, { errors: [deep] }));
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      // Unions are read as for a whole body: the branch the client meant.
      const errors = flattenIssues(parsed.error.issues as Parameters<typeof flattenIssues>[0]);
      return problem(400, toProblem('invalid-request', validationDetail(errors, '(item)'), { errors }));
    }
    if (workLeft <= 0) {
      return problem(422, toProblem('limit-exceeded', `the batch has done all the work it may (limit batchMaxWork ${maxWork}); send the remaining items in another batch`, {
        limit: { name: 'batchMaxWork', value: maxWork },
      }));
    }
    if (bytesLeft <= ITEM_ENVELOPE_BYTES) return answerFull();
    const timeLeftMs = deadline - performance.now();
    if (timeLeftMs <= 0) {
      return problem(503, toProblem('timeout', `the batch did not finish within its budget of ${budgetMs} ms; send the remaining items in another batch`, {
        limit: { name: 'batchBudgetMs', value: budgetMs },
      }));
    }
    const budget = { maxWork: Math.min(workLeft, itemMaxWork), maxAnswerBytes: bytesLeft - ITEM_ENVELOPE_BYTES, timeLeftMs };
    let charged = 0;
    try {
      const { text } = await run(parsed.data, budget, (work) => {
        charged = work;
      });
      return { status: 200, text };
    } catch (error) {
      if (error instanceof EvaluationCancelled) throw error;
      if (error instanceof ProblemError) {
        // A task stopped at its time budget reports no work: it used what it was given.
        if (error.code === 'timeout') charged = budget.maxWork;
        return problem(error.status, toProblem(error.code, error.message, error.extras));
      }
      if (error instanceof RangeError) {
        return problem(422, toProblem('limit-exceeded', `the program needs more memory than this service allows (${error.message})`));
      }
      log.error({ err: error, item: index }, 'unhandled error in a batch item');
      return problem(500, toProblem('internal', 'An internal error occurred; it has been logged.'));
    } finally {
      workLeft -= charged;
    }
  };
  // Items running at once were each allowed what was left when they started: the
  // first to finish takes its share, and an answer that no longer fits is refused.
  const counted = async (item: unknown, index: number) => {
    let answer = await runItem(item, index);
    if (answer.status === 200 && answer.text.length + ITEM_ENVELOPE_BYTES > bytesLeft) answer = answerFull();
    bytesLeft -= answer.text.length + ITEM_ENVELOPE_BYTES;
    return answer;
  };
  const answers = await pMap(items, counted, { concurrency: Math.max(1, concurrency) });
  const succeeded = answers.filter((a) => a.status === 200).length;
  const body = answers.map((a) => `{"status":${a.status},"body":${a.text}}`).join(',');
  return `{"items":[${body}],"succeeded":${succeeded},"failed":${answers.length - succeeded}}`;
}
