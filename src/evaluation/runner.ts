import { extname } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { EvaluationConfig } from '../config.js';
import { type ProblemCode, ProblemError, type ProblemExtras } from '../errors.js';
import { mayGrow, type ProgramSize, programSize, TASKS, type TaskInput, type TaskKind, type TaskOutcome, type TaskOutput, type TaskPrograms } from './tasks.js';

export type RunMode = 'inline' | 'pool';
export type RunOutcome = 'ok' | 'problem' | 'timeout' | 'shed' | 'error';

export interface Measurement {
  kind: TaskKind;
  mode: RunMode;
  outcome: RunOutcome;
  seconds: number;
  size: ProgramSize;
}

export interface Plan {
  mode: RunMode;
  size: ProgramSize;
}

/** The worker file next to this one: worker.js in dist/; from TypeScript sources a loader that brings tsx into the thread. */
const ownExtension = extname(fileURLToPath(import.meta.url));
const workerFile = new URL(ownExtension === '.ts' ? './worker_from_source.mjs' : './worker.js', import.meta.url).href;

/**
 * Runs tasks inline when they are small, otherwise in a piscina worker pool
 * under a time budget: a task over budget has its worker terminated and
 * answers 503 `timeout`; a full queue answers 503 `overloaded`.
 */
export class EvaluationRunner {
  readonly config: EvaluationConfig;
  private pool: Piscina | null = null;
  private readonly listeners: ((m: Measurement) => void)[] = [];
  private closed = false;
  /** Pooled tasks submitted and not yet settled: running plus waiting. */
  private inPool = 0;

  constructor(config: EvaluationConfig) {
    this.config = config;
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
   * Inline when the estimated work (input elements × nodes × runs) is small;
   * programs that can make tensors larger than their inputs never run inline:
   * they may be slow however small they look.
   */
  runsInline(kind: TaskKind, programs: TaskPrograms, size: ProgramSize): boolean {
    const task = TASKS[kind];
    if (this.config.inlineMaxWork === 0 || ('alwaysPooled' in task && task.alwaysPooled)) return false;
    if (programs.programs.some(mayGrow)) return false;
    return Math.max(1, size.elements) * Math.max(1, size.nodes) * Math.max(1, size.runs) <= this.config.inlineMaxWork;
  }

  /** Where a task will run and how large it is, decided from the request alone. */
  plan<K extends TaskKind>(kind: K, input: TaskInput<K>): Plan {
    const programs = (TASKS[kind].programs as (input: TaskInput<K>) => TaskPrograms)(input);
    const size = programSize(programs);
    return { size, mode: this.runsInline(kind, programs, size) ? 'inline' : 'pool' };
  }

  async run<K extends TaskKind>(kind: K, input: TaskInput<K>, plan: Plan = this.plan(kind, input)): Promise<TaskOutput<K>> {
    const { mode, size } = plan;
    const started = performance.now();
    let outcome: RunOutcome = 'error';
    try {
      const value = mode === 'inline' ? await (TASKS[kind].run as (input: TaskInput<K>) => TaskOutput<K> | Promise<TaskOutput<K>>)(input) : await this.runInPool<K>(kind, input);
      outcome = 'ok';
      return value;
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      const measurement = { kind, mode, outcome, seconds: (performance.now() - started) / 1000, size };
      for (const listener of this.listeners) listener(measurement);
    }
  }

  private async runInPool<K extends TaskKind>(kind: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
    if (this.closed) throw new ProblemError('overloaded', 'the service is shutting down');
    // Counted here rather than left to piscina, whose queue bound counts threads still starting as room.
    if (this.saturated) {
      throw new ProblemError('overloaded', `every worker is busy and ${this.queueDepth} evaluations are waiting; try again later`, {
        limit: { name: 'poolMaxQueue', value: this.config.maxQueue },
      });
    }
    const pool = this.ensurePool();
    const budget = this.config.budgetMs;
    // The budget counts from the moment a worker starts the task, not from the
    // queue: the worker says so on a port of its own, and the clock starts then.
    const { port1: started, port2: startedInWorker } = new MessageChannel();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    started.once('message', () => {
      timer = setTimeout(() => controller.abort(), budget);
      started.close();
    });
    let outcome: TaskOutcome<TaskOutput<K>>;
    this.inPool += 1;
    try {
      outcome = await pool.run({ kind, input, started: startedInWorker }, { signal: controller.signal, transferList: [startedInWorker] });
    } catch (error) {
      throw poolFailure(error, budget);
    } finally {
      this.inPool -= 1;
      clearTimeout(timer);
      started.close();
    }
    if (outcome.ok) return outcome.value;
    if (outcome.error.kind === 'range') throw new RangeError(outcome.error.message);
    throw new ProblemError(outcome.error.code as ProblemCode, outcome.error.message, outcome.error.extras as ProblemExtras);
  }

  private ensurePool(): Piscina {
    this.pool ??= new Piscina({
      filename: workerFile,
      minThreads: 1,
      maxThreads: this.config.workers,
      idleTimeout: 60_000,
      // A thread stuck in a task that ignores the budget is replaced, not waited for.
      closeTimeout: 1000,
    });
    return this.pool;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close({ force: true });
    this.pool = null;
  }
}

function outcomeOf(error: unknown): RunOutcome {
  if (error instanceof ProblemError) return error.code === 'timeout' ? 'timeout' : error.code === 'overloaded' ? 'shed' : 'problem';
  return error instanceof RangeError ? 'problem' : 'error';
}

function poolFailure(error: unknown, budgetMs: number): Error {
  const err = error as Error & { code?: string };
  if (err?.name === 'AbortError') {
    return new ProblemError('timeout', `the evaluation did not finish within its budget of ${budgetMs} ms and was stopped`, {
      limit: { name: 'evaluationBudgetMs', value: budgetMs },
    });
  }
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ProblemError('limit-exceeded', 'the program needs more memory than this service allows');
  }
  return err instanceof Error ? err : new Error(String(error));
}
