import { extname } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { EvaluationConfig } from '../config.js';
import { WorkLimitExceeded, workDone } from '../engine/meter.js';
import { type ProblemCode, ProblemError, type ProblemExtras } from '../errors.js';
import { performTaskNow, refuseAnswerBeforeRunning, type TaskInput, type TaskKind, type TaskOutcome, type TaskResult, taskOf } from './tasks.js';
import type { WorkerTask } from './worker.js';
import { releaseAnswerBytes } from '../python/answer_json.js';

export type RunMode = 'inline' | 'pool';
export type RunOutcome = 'ok' | 'problem' | 'timeout' | 'shed' | 'cancelled' | 'error';

export interface Measurement {
  kind: TaskKind;
  /** Where the answer was computed: inline, or in the pool (after an inline start that passed the inline limit, or directly). */
  mode: RunMode;
  outcome: RunOutcome;
  seconds: number;
  /** Work done (meter units), inline and pooled together; 0 when unknown (a stopped worker). */
  work: number;
}

export interface RunOptions {
  /**
   * Aborted when the client has gone: a queued task leaves the queue, a running one is stopped.
   * A function is called only when the task goes to the pool (inline work is not cancelled).
   */
  signal?: AbortSignal | (() => AbortSignal);
  /** At most this much work (default: the pool's limit); a batch passes what is left of its own. */
  maxWork?: number;
  /** The limit `maxWork` stands for, named in the problem when it is passed. */
  maxWorkName?: string;
  /** Told the work done, whether the task succeeded or failed (0 for a task stopped in a worker). */
  onWork?: (work: number) => void;
  /** The caller only sends the answer: a big one made in a worker may come back as bytes (TaskResult.bytes). */
  answerAsBytes?: boolean;
  /** Time the caller has left (a batch's deadline): waiting and running in the pool both end within it. */
  timeLeftMs?: number;
  /** The limit `timeLeftMs` comes from (a batch's budget), named when it ends the task ... */
  timeLeftName?: string;
  /** ... with its configured value (default: the time that was left). */
  timeLeftLimitMs?: number;
}

/** The time limits of one pooled run. */
interface PoolTimes {
  budgetMs: number;
  /** The limit named when the run is stopped: the evaluation budget, or the caller's (a batch's). */
  budgetLimit: { name: string; value: number };
  queueTimeoutMs: number;
  /** The most time from being queued to the end: waiting and running together. */
  totalMs: number;
}

interface PoolLimits extends PoolTimes {
  workLimit: number;
  workLimitName: string;
}

/** A task's answer, where it ran and the work it took. */
export interface RunResult extends TaskResult {
  mode: RunMode;
  /** For an answer as `bytes` (in reused memory): gives the memory back; call it once they are sent. */
  release?: () => void;
}

/** The client closed the request before its answer: the evaluation was cancelled and nothing is sent. */
export class EvaluationCancelled extends ProblemError {
  constructor() {
    super('client-closed', 'the client closed the request; its evaluation was cancelled');
  }
}

/** The worker file next to this one: worker.js in dist/; from TypeScript sources a loader that brings tsx into the thread. */
const ownExtension = extname(fileURLToPath(import.meta.url));
const workerFile = new URL(ownExtension === '.ts' ? './worker_from_source.mjs' : './worker.js', import.meta.url).href;

/**
 * Decides where a request runs from the work it does, measured as it runs
 * (src/engine/meter.ts), never from its text: every request starts inline
 * under a small work limit (INLINE_MAX_WORK); one that passes it is stopped
 * and re-run from the start in a piscina worker (programs are deterministic),
 * under the pool's work limit (422 limit-exceeded past it, which also bounds
 * memory and graph size) and a time budget (503 timeout). Waiting for a worker
 * has a deadline (503 overloaded), a full queue sheds at once, and a task whose
 * client has gone is taken out of the queue or stopped.
 */
export class EvaluationRunner {
  readonly config: EvaluationConfig;
  private pool: Piscina | null = null;
  private readonly listeners: ((m: Measurement) => void)[] = [];
  private closed = false;
  /** Pooled tasks submitted and not yet settled: running plus waiting. */
  private inPool = 0;
  /** Pooled tasks a worker has started and not yet settled. */
  private running = 0;
  private readonly slabs: AnswerSlabs;

  constructor(config: EvaluationConfig) {
    this.config = config;
    this.slabs = new AnswerSlabs(config.workers);
  }

  onMeasured(listener: (m: Measurement) => void): void {
    this.listeners.push(listener);
  }

  /** Pooled tasks running or waiting for a worker. */
  get inFlight(): number {
    return this.inPool;
  }

  /** Tasks waiting for a worker. */
  get queueDepth(): number {
    return Math.max(0, this.inPool - this.config.workers);
  }

  get workers(): number {
    return this.pool?.threads.length ?? 0;
  }

  /** True when the queue is full: a new pooled task would be shed. */
  get saturated(): boolean {
    return this.inPool >= this.config.workers + this.config.maxQueue;
  }

  /**
   * Runs one task and answers with its rendered answer (JSON text or SVG),
   * where it ran and its work. Errors are ProblemErrors: 422 for the program
   * (limit-exceeded for maxAnswerBytes or a work limit), 503 timeout or
   * overloaded, EvaluationCancelled when the client has gone.
   */
  async run<K extends TaskKind>(kind: K, input: TaskInput<K>, options: RunOptions = {}): Promise<RunResult> {
    return this.answer(kind, input, options);
  }

  /**
   * As run(), but a task answered inline (most requests) is answered at once, without a promise
   * or a turn of the microtask queue, and its errors are thrown; only a pooled task gives a promise.
   */
  answer<K extends TaskKind>(kind: K, input: TaskInput<K>, options: RunOptions = {}): RunResult | Promise<RunResult> {
    const started = performance.now();
    const maxWork = Math.min(options.maxWork ?? this.config.poolMaxWork, this.config.poolMaxWork);
    const maxWorkName = options.maxWork !== undefined && options.maxWork < this.config.poolMaxWork ? (options.maxWorkName ?? 'maxWork') : 'poolMaxWork';
    let work = 0;
    try {
      refuseAnswerBeforeRunning(kind, input);
      const task = taskOf(kind);
      // A task that renders its answer (plots) does work the meter does not see: it never runs inline.
      const inlineLimit = task.pooledOnly || task.render ? 0 : Math.min(this.config.inlineMaxWork, maxWork);
      if (inlineLimit > 0) {
        const before = workDone();
        try {
          const result = performTaskNow(kind, input, inlineLimit, { answerAsBytes: options.answerAsBytes });
          work = workDone() - before;
          this.measured(kind, 'inline', 'ok', started, work, options);
          const { bytes } = result;
          return bytes ? { ...result, mode: 'inline', release: () => releaseAnswerBytes(bytes) } : { ...result, mode: 'inline' };
        } catch (error) {
          work = workDone() - before;
          if (!(error instanceof WorkLimitExceeded)) throw error;
          // The request's own limit (a batch's last units), not the inline line: nothing more may run.
          if (inlineLimit >= maxWork) throw workLimitProblem(maxWork, maxWorkName);
        }
      }
    } catch (error) {
      this.measured(kind, 'inline', outcomeOf(error), started, work, options);
      throw error;
    }
    return this.answerInPool(kind, input, options, { started, maxWork, maxWorkName, inlineWork: work });
  }

  /** The pooled part of answer(): after an inline start that passed the inline limit, or directly. */
  private async answerInPool(
    kind: TaskKind,
    input: unknown,
    options: RunOptions,
    { started, maxWork, maxWorkName, inlineWork }: { started: number; maxWork: number; maxWorkName: string; inlineWork: number },
  ): Promise<RunResult> {
    let work = inlineWork;
    let outcome: RunOutcome = 'error';
    try {
      // The inline start's time counts too: the request as a whole ends within queue deadline + budget.
      const times = this.timesFor({ ...options, timeLeftMs: (options.timeLeftMs ?? Infinity) - (performance.now() - started) }, performance.now() - started);
      const signal = typeof options.signal === 'function' ? options.signal() : options.signal;
      const result = await this.runInPool(kind, input, { workLimit: maxWork, workLimitName: maxWorkName, ...times }, signal, options.answerAsBytes === true, (pooledWork) => {
        work += pooledWork;
      });
      outcome = 'ok';
      return { ...result, work, mode: 'pool' };
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      this.measured(kind, 'pool', outcome, started, work, options);
    }
  }

  /** Tells the caller (onWork) and the listeners (metrics) how a run went. */
  private measured(kind: TaskKind, mode: RunMode, outcome: RunOutcome, started: number, work: number, options: RunOptions): void {
    options.onWork?.(work);
    const measurement: Measurement = { kind, mode, outcome, seconds: (performance.now() - started) / 1000, work };
    for (const listener of this.listeners) listener(measurement);
  }

  /** The time budget and queue deadline of a pooled run: the configured ones, or less when the caller has less time left. */
  private timesFor({ timeLeftMs, timeLeftName, timeLeftLimitMs }: RunOptions, spentMs = 0): PoolTimes {
    const { budgetMs, queueTimeoutMs } = this.config;
    if (timeLeftMs === undefined || timeLeftMs >= budgetMs + queueTimeoutMs - spentMs) {
      return { budgetMs, budgetLimit: { name: 'evaluationBudgetMs', value: budgetMs }, queueTimeoutMs, totalMs: Math.max(1, budgetMs + queueTimeoutMs - spentMs) };
    }
    const left = Math.max(1, Math.floor(timeLeftMs));
    return {
      budgetMs: Math.min(budgetMs, left),
      budgetLimit: left < budgetMs && timeLeftName !== undefined ? { name: timeLeftName, value: timeLeftLimitMs ?? left } : { name: 'evaluationBudgetMs', value: budgetMs },
      queueTimeoutMs: Math.min(queueTimeoutMs, left),
      totalMs: left,
    };
  }

  private async runInPool(
    kind: TaskKind,
    input: unknown,
    { workLimit, workLimitName, budgetMs, budgetLimit, queueTimeoutMs, totalMs }: PoolLimits,
    signal: AbortSignal | undefined,
    answerAsBytes: boolean,
    onWork: (work: number) => void,
  ): Promise<Omit<RunResult, 'mode'>> {
    if (this.closed) throw new ProblemError('overloaded', 'the service is shutting down');
    if (signal?.aborted) throw new EvaluationCancelled();
    // Counted here rather than left to piscina, whose queue bound counts threads still starting as room.
    if (this.saturated) {
      throw new ProblemError('overloaded', `every worker is busy and ${this.queueDepth} evaluations are waiting; try again later`, {
        limit: { name: 'poolMaxQueue', value: this.config.maxQueue },
      });
    }
    const pool = this.ensurePool();
    // Why the task was stopped, if it was: the first reason wins.
    let stopped: 'queue' | 'budget' | 'client' | null = null;
    const controller = new AbortController();
    const stop = (reason: 'queue' | 'budget' | 'client') => {
      if (stopped !== null) return;
      stopped = reason;
      controller.abort();
    };
    // The budget counts from the moment a worker starts the task, not from the
    // queue: the worker says so on a port of its own, and the clock starts then.
    // Until then the queue's deadline runs: waiting behind busy workers is shed
    // past it, while waiting for a thread that is still starting gets one more period.
    const { port1: startedPort, port2: startedInWorker } = new MessageChannel();
    let began = false;
    const queuedAt = performance.now();
    const queueDeadline = () => {
      const waited = performance.now() - queuedAt;
      if (this.running > 0 || waited + queueTimeoutMs >= totalMs) return stop('queue');
      timer = setTimeout(queueDeadline, queueTimeoutMs);
    };
    let timer: NodeJS.Timeout = setTimeout(queueDeadline, queueTimeoutMs);
    startedPort.once('message', () => {
      began = true;
      this.running += 1;
      clearTimeout(timer);
      // A pooled request ends within totalMs of being queued (queue deadline + budget):
      // a task that waited longer (for a starting thread) has that much less to run.
      const waited = performance.now() - queuedAt;
      timer = setTimeout(() => stop('budget'), Math.max(1, Math.min(budgetMs, totalMs - waited)));
      startedPort.close();
    });
    const onClientGone = () => stop('client');
    signal?.addEventListener('abort', onClientGone, { once: true });
    let outcome: TaskOutcome;
    this.inPool += 1;
    // A big JSON answer comes back in shared memory when the caller only sends it (a rendered one, an SVG, never
    // does). A task stopped while its worker may still write the slab drops it (never lent again).
    const slab = answerAsBytes && !taskOf(kind).render ? this.slabs.lend((input as WorkerTask['input']).limits.maxAnswerBytes) : undefined;
    try {
      const task: WorkerTask = { kind, input: input as WorkerTask['input'], workLimit, started: startedInWorker, answerSlab: slab };
      outcome = await pool.run(task, { signal: controller.signal, transferList: [startedInWorker] });
    } catch (error) {
      throw poolFailure(error, stopped, { budgetMs, budgetLimit, queueTimeoutMs, totalMs });
    } finally {
      this.inPool -= 1;
      if (began) this.running -= 1;
      clearTimeout(timer);
      startedPort.close();
      signal?.removeEventListener('abort', onClientGone);
    }
    if (outcome.ok) {
      onWork(outcome.value.work);
      const { slabLength, ...result } = outcome.value;
      if (slab === undefined) return result;
      if (slabLength === undefined) {
        this.slabs.giveBack(slab);
        return result;
      }
      return { ...result, bytes: new Uint8Array(slab, 0, slabLength), release: () => this.slabs.giveBack(slab) };
    }
    if (slab !== undefined) this.slabs.giveBack(slab);
    onWork(outcome.work);
    const failure = outcome.error;
    if (failure.kind === 'work-limit') throw workLimitProblem(failure.limit, workLimitName);
    if (failure.kind === 'range') throw new RangeError(failure.message);
    throw new ProblemError(failure.code as ProblemCode, failure.message, failure.extras as ProblemExtras);
  }

  /**
   * Starts every worker thread and waits until each has run the warm-up set (src/evaluation/warm_up.ts):
   * a server does this before it takes traffic, so a thread's start-up never counts as time a
   * request waited in the queue, and no pooled request runs on cold code. (The main thread warms
   * before the app is built: server.ts.)
   */
  async warm(): Promise<void> {
    const pool = this.ensurePool();
    await Promise.all(Array.from({ length: this.config.workers }, () => pool.run({ warm: true })));
  }

  private ensurePool(): Piscina {
    this.pool ??= new Piscina({
      filename: workerFile,
      minThreads: this.config.workers,
      maxThreads: this.config.workers,
      idleTimeout: 60_000,
      // A thread stuck in a task that ignores the budget is replaced, not waited for.
      closeTimeout: 1000,
    });
    return this.pool;
  }

  async close(): Promise<void> {
    this.closed = true;
    // Requests in flight have finished (fastify closes the server first): stop every thread now, starting ones too.
    await this.pool?.destroy();
    this.pool = null;
  }
}

/**
 * Shared memory lent to pooled tasks whose answers are only sent (answerAsBytes): the worker writes
 * a big answer into its slab and the main thread sends it from there, then gives the slab back to
 * be written again. Reused memory is the point: a fresh buffer for each answer (a transferred one)
 * cost the main thread ~20 ms for a 10 MB answer on this VM, in page faults as the socket read it;
 * from a reused slab, what a bare server writing the same bytes costs. A slab is as large as the
 * task's maxAnswerBytes (its pages are only committed as they are written); `kept` stay free.
 */
class AnswerSlabs {
  private readonly free: SharedArrayBuffer[] = [];
  constructor(private readonly kept: number) {}

  lend(size: number): SharedArrayBuffer {
    const at = this.free.findIndex((slab) => slab.byteLength >= size);
    return at >= 0 ? this.free.splice(at, 1)[0] : new SharedArrayBuffer(size);
  }

  giveBack(slab: SharedArrayBuffer): void {
    if (this.free.length < this.kept) this.free.push(slab);
  }
}

/** 422 limit-exceeded for a run that did more work than `limit`. */
export function workLimitProblem(limit: number, name: string): ProblemError {
  return new ProblemError(
    'limit-exceeded',
    `the program does more work than this service allows: more than ${limit} units (tensor elements read and written, graph nodes, interpreter steps; limit ${name})`,
    { limit: { name, value: limit } },
  );
}

function outcomeOf(error: unknown): RunOutcome {
  if (error instanceof EvaluationCancelled) return 'cancelled';
  if (error instanceof ProblemError) return error.code === 'timeout' ? 'timeout' : error.code === 'overloaded' ? 'shed' : 'problem';
  return error instanceof RangeError ? 'problem' : 'error';
}

function poolFailure(error: unknown, stopped: 'queue' | 'budget' | 'client' | null, times: PoolTimes): Error {
  const err = error as Error & { code?: string };
  if (stopped === 'client') return new EvaluationCancelled();
  if (stopped === 'queue') {
    return new ProblemError('overloaded', `no worker was free within ${times.queueTimeoutMs} ms; try again later`, {
      limit: { name: 'poolQueueTimeoutMs', value: times.queueTimeoutMs },
    });
  }
  if (stopped === 'budget' || err?.name === 'AbortError') {
    const { name, value } = times.budgetLimit;
    const detail =
      name === 'evaluationBudgetMs'
        ? `the evaluation did not finish within its budget of ${value} ms and was stopped`
        : `the evaluation was stopped when the time left of its ${name} (${value} ms) ran out`;
    return new ProblemError('timeout', detail, { limit: { name, value } });
  }
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ProblemError('limit-exceeded', 'the program needs more memory than this service allows');
  }
  return err instanceof Error ? err : new Error(String(error));
}
