import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import pMap from 'p-map';
import type { z } from 'zod';
import { type Problem, ProblemError, toProblem } from '../errors.js';

export interface BatchItem<T> {
  status: number;
  body: T | Problem;
}

export interface BatchAnswer<T> {
  items: BatchItem<T>[];
  succeeded: number;
  failed: number;
}

/** RFC 6901 pointer of a zod issue path. */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export interface BatchOptions {
  /** Items running at once (pooled items each hold a worker; more would only wait in the pool's queue). */
  concurrency: number;
  log: FastifyBaseLogger;
}

/**
 * Validates and runs every item on its own: a malformed item is a 400, a
 * program that cannot run a 422, one over the time budget a 503, and none of
 * them stops the others. Order is kept. Each item starts on a turn of the
 * event loop of its own, so a batch of inline items never holds the loop for
 * longer than one of them.
 */
export async function runBatch<S extends z.ZodType, T>(
  items: readonly unknown[],
  schema: S,
  run: (item: z.infer<S>) => Promise<T>,
  { concurrency, log }: BatchOptions,
): Promise<BatchAnswer<T>> {
  const runItem = async (item: unknown, index: number): Promise<BatchItem<T>> => {
    await nextTurn();
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({ pointer: pointer(issue.path), detail: issue.message }));
      const first = errors[0];
      const detail = first ? `${first.pointer || '(item)'}: ${first.detail}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : 'invalid item';
      return { status: 400, body: toProblem('invalid-request', detail, { errors }) };
    }
    try {
      return { status: 200, body: await run(parsed.data) };
    } catch (error) {
      if (error instanceof ProblemError) return { status: error.status, body: toProblem(error.code, error.message, error.extras) };
      if (error instanceof RangeError) {
        return { status: 422, body: toProblem('limit-exceeded', `the program needs more memory than this service allows (${error.message})`) };
      }
      log.error({ err: error, item: index }, 'unhandled error in a batch item');
      return { status: 500, body: toProblem('internal', 'An internal error occurred; it has been logged.') };
    }
  };
  const answers = await pMap(items, runItem, { concurrency: Math.max(1, concurrency) });
  const succeeded = answers.filter((a) => a.status === 200).length;
  return { items: answers, succeeded, failed: answers.length - succeeded };
}
