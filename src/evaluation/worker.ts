import type { MessagePort } from 'node:worker_threads';
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
  /** Shared memory a big JSON answer is written into (TaskResult.slabLength), not sent back as text to copy (runner.ts). */
  answerSlab?: SharedArrayBuffer;
}

/**
 * Runs one task in a pool thread, answer serialized here (the main thread sends
 * the text as it is). Client-caused errors come back as data; anything else
 * rejects (a 500).
 */
export default async function runTask(task: WorkerTask | { warm: true }): Promise<TaskOutcome | null> {
  // Warming up (EvaluationRunner.warm): the thread has loaded this module; the warm-up set makes its code fast.
  if ('warm' in task) {
    warmUp();
    return null;
  }
  const { kind, input, workLimit, started, answerSlab } = task;
  started?.postMessage(null);
  started?.close();
  // A worker runs one task at a time: the counter's growth is this task's work.
  const before = workDone();
  try {
    return { ok: true, value: await performTask(kind, input, workLimit, { answerSlab }) };
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
