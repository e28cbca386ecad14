import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { EvaluationConfig } from '../config.js';
import { EvaluationRunner } from '../evaluation/runner.js';
import type { TaskInput, TaskKind, TaskOutput } from '../evaluation/tasks.js';

declare module 'fastify' {
  interface FastifyInstance {
    evaluation: EvaluationRunner;
  }
}

/** One runner (and its worker pool, started on first use) per app; closed with the app. */
async function evaluation(app: FastifyInstance, options: { config: EvaluationConfig }): Promise<void> {
  const runner = new EvaluationRunner(options.config);
  app.decorate('evaluation', runner);
  app.addHook('onClose', async () => runner.close());
}

export default fp(evaluation, { name: 'evaluation' });

/**
 * Runs one task for a request through the app's runner (inline or in the pool,
 * under the time budget) and records its size for the request's log line
 * (summed when a request runs several, as a batch does).
 * Errors are ProblemErrors (422 for the program, 503 `timeout` or `overloaded`).
 *
 *   const answer = await runEvaluation(request, 'evaluate', { request: body, limits });
 */
export async function runEvaluation<K extends TaskKind>(request: FastifyRequest, kind: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
  const runner = request.server.evaluation;
  const plan = runner.plan(kind, input);
  const before = request.programSize;
  request.programSize = before
    ? {
        elements: before.elements + plan.size.elements,
        nodes: before.nodes + plan.size.nodes,
        runs: before.runs + plan.size.runs,
        mode: before.mode === plan.mode ? plan.mode : 'mixed',
      }
    : { ...plan.size, mode: plan.mode };
  return runner.run(kind, input, plan);
}
