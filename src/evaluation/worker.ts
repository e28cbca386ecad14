import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { WorkLimitExceeded, workDone } from '../engine/meter.js';
import { ProblemError } from '../errors.js';
import { performTask, type TaskInputBase, type TaskKind, type TaskOutcome } from './tasks.js';
import { warmUp } from './warm_up.js';

export interface WorkerTask {
  kind: TaskKind;
  input: TaskInputBase;
  /** The pooled work limit (the pool's, or what is left of a batch's). */
  workLimit: number;
  /** Told when the task starts, so the caller's budget clock starts then. */
  started?: MessagePort;
  /** A big JSON answer comes back as bytes in a shared buffer (TaskResult.bytes), not as text to copy. */
  answerAsBytes?: boolean;
}

/**
 * Runs one task in a pool thread, answer serialized here (the main thread sends
 * the text as it is). Client-caused errors come back as data; anything else
 * rejects (a 500).
 */
export default async function runTask(task: WorkerTask | { warm: true }): Promise<TaskOutcome | null | ReturnType<typeof Piscina.move>> {
  // Warming up (EvaluationRunner.warm): the thread has loaded this module; the warm-up set makes its code fast.
  if ('warm' in task) {
    warmUp();
    return null;
  }
  const { kind, input, workLimit, started, answerAsBytes } = task;
  started?.postMessage(null);
  started?.close();
  // A worker runs one task at a time: the counter's growth is this task's work.
  const before = workDone();
  try {
    const outcome: TaskOutcome = { ok: true, value: await performTask(kind, input, workLimit, { answerAsBytes }) };
    const bytes = outcome.value.bytes;
    // An answer's bytes are moved to the main thread with the outcome (their buffer transferred, not copied).
    if (bytes) return Piscina.move({ [Piscina.transferableSymbol]: [bytes.buffer], [Piscina.valueSymbol]: outcome } as never);
    return outcome;
  } catch (error) {
    const work = workDone() - before;
    if (error instanceof ProblemError) {
      return { ok: false, work, error: { kind: 'problem', code: error.code, message: error.message, extras: error.extras } };
    }
    if (error instanceof WorkLimitExceeded) return { ok: false, work, error: { kind: 'work-limit', limit: error.limit, work: error.work } };
    if (error instanceof RangeError) return { ok: false, work, error: { kind: 'range', message: error.message } };
    throw error;
  }
}
