import type { MessagePort } from 'node:worker_threads';
import { ProblemError } from '../errors.js';
import { TASKS, type TaskKind, type TaskOutcome } from './tasks.js';

/** Runs one task in a pool thread. Client-caused errors come back as data; anything else rejects (a 500). */
export default async function runTask({ kind, input, started }: { kind: TaskKind; input: unknown; started?: MessagePort }): Promise<TaskOutcome<unknown>> {
  // Starts the caller's budget clock.
  started?.postMessage(null);
  started?.close();
  const task = TASKS[kind];
  if (!task) throw new Error(`unknown task kind ${String(kind)}`);
  try {
    return { ok: true, value: await task.run(input as never) };
  } catch (error) {
    if (error instanceof ProblemError) {
      return { ok: false, error: { kind: 'problem', code: error.code, message: error.message, extras: error.extras } };
    }
    if (error instanceof RangeError) return { ok: false, error: { kind: 'range', message: error.message } };
    throw error;
  }
}
