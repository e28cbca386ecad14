import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Readable } from 'node:stream';
import type { EvaluationConfig } from '../config.js';
import { EvaluationRunner, type RunOptions, type RunResult } from '../evaluation/runner.js';
import type { TaskInput, TaskKind } from '../evaluation/tasks.js';

declare module 'fastify' {
  interface FastifyInstance {
    evaluation: EvaluationRunner;
  }
  interface FastifyRequest {
    /** Work the request's tasks did and where they ran (set by runEvaluation; summed over a batch's items). */
    evaluationWork: { work: number; mode: string } | null;
    /** Aborted when the client closes the request before its answer (made on first use). */
    clientGone: AbortSignal | null;
  }
}

/** One runner (and its worker pool, started on first use) per app; closed with the app. */
async function evaluation(app: FastifyInstance, options: { config: EvaluationConfig }): Promise<void> {
  const runner = new EvaluationRunner(options.config);
  app.decorate('evaluation', runner);
  app.decorateRequest('evaluationWork', null);
  app.decorateRequest('clientGone', null);
  app.addHook('onClose', async () => runner.close());
}

export default fp(evaluation, { name: 'evaluation' });

/**
 * A signal aborted when the response closes before it was sent: the client
 * disconnected, so its queued or running evaluation is cancelled.
 */
function clientGoneSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  if (request.clientGone) return request.clientGone;
  const controller = new AbortController();
  const response = reply.raw;
  const onClose = () => {
    if (!response.writableFinished) controller.abort();
  };
  if (response.destroyed) controller.abort();
  else response.once('close', onClose);
  request.clientGone = controller.signal;
  return controller.signal;
}

/** Adds a task's work to the request's (its log line reports it). */
function recordWork(request: FastifyRequest, { work, mode }: RunResult): void {
  const before = request.evaluationWork;
  request.evaluationWork = before ? { work: before.work + work, mode: before.mode === mode ? mode : 'mixed' } : { work, mode };
}

/**
 * Runs one task for a request through the app's runner (inline, or in the pool
 * once it does more than the inline work limit) and records its work for the
 * request's log line. The task is cancelled if the client goes away.
 * Errors are ProblemErrors (422 for the program, 503 `timeout` or `overloaded`).
 *
 *   const { text, contentType } = await runEvaluation(request, reply, 'evaluate', { request: body, limits });
 */
export async function runEvaluation<K extends TaskKind>(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: K,
  input: TaskInput<K>,
  options: Omit<RunOptions, 'signal'> = {},
): Promise<RunResult> {
  const result = await request.server.evaluation.run(kind, input, { ...options, signal: () => clientGoneSignal(request, reply) });
  recordWork(request, result);
  return result;
}

const CONTENT_TYPES = { json: 'application/json; charset=utf-8', svg: 'image/svg+xml; charset=utf-8' } as const;

/**
 * Runs one task and sends its answer as the task rendered it (JSON text made
 * in the worker is sent as it is, without another serialization). An inline
 * answer is sent before this returns (no promise, no turn of the microtask
 * queue); the client-gone signal is made only for a task that goes to the pool.
 *
 *   handler: (request, reply) => answerTask(request, reply, 'evaluate', { request: request.body, limits })
 */
export function answerTask<K extends TaskKind>(request: FastifyRequest, reply: FastifyReply, kind: K, input: TaskInput<K>): void | Promise<void> {
  const result = request.server.evaluation.answer(kind, input, { signal: () => clientGoneSignal(request, reply), answerAsBytes: true });
  if (result instanceof Promise)
    return result.then((pooled) => {
      sendAnswer(request, reply, kind, pooled);
      // fastify's sign that the answer was sent (a stream's headers may not be written yet): the reply itself
      return reply as unknown as void;
    });
  sendAnswer(request, reply, kind, result);
}

function sendAnswer(request: FastifyRequest, reply: FastifyReply, kind: TaskKind, result: RunResult): void {
  recordWork(request, result);
  if (result.details) request.log.info(result.details, `${kind} rendered`);
  const { bytes, release } = result;
  if (bytes) {
    // Bytes in reused memory (written inline, or by a worker into its slab), given back once the socket has written them.
    if (release) reply.raw.once('finish', release);
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    reply.type(CONTENT_TYPES[result.contentType]);
    // fastify sends only bytes over an ArrayBuffer as they are; a slab's (shared memory) go as a one-chunk stream.
    if (bytes.buffer instanceof ArrayBuffer) reply.send(body);
    else reply.header('content-length', body.length).send(Readable.from([body]));
    return;
  }
  reply.type(CONTENT_TYPES[result.contentType]).send(answerBody(result.text));
}

/** Answers longer than this are sent as bytes made once (see answerBody). */
const BYTES_FROM_LENGTH = 16 * 1024;

/**
 * The body to send for an answer's text. A long answer (a notebook's is ~160 kB, written piece by
 * piece) is encoded once into a Buffer: handed to the socket as a string, it was flattened for its
 * Content-Length and encoded again for the write, ~0.65 ms more per 160 kB on this VM.
 */
export function answerBody(text: string): string | Buffer {
  return text.length > BYTES_FROM_LENGTH ? Buffer.from(text, 'utf8') : text;
}
