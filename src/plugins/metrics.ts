import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ALWAYS_ANSWER } from './overload.js';
import { PROBLEM_CONTENT_TYPE } from './problems.js';

const PROBLEM_TYPE = /"type":"https:\/\/gradserve\.dev\/problems\/([a-z-]+)"/;
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

declare module 'fastify' {
  interface FastifyRequest {
    /** The problem code of an error answer, for the rejected-requests counter. */
    problemCode: string | null;
  }
}

/** Prometheus metrics for the app, in a registry of its own (several apps may share a process in tests). */
async function metrics(app: FastifyInstance): Promise<void> {
  const register = new Registry();
  collectDefaultMetrics({ register });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [register],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  const rejected = new Counter({
    name: 'gradserve_rejected_requests_total',
    help: 'Requests answered with a problem, by reason (the problem code)',
    labelNames: ['reason'] as const,
    registers: [register],
  });
  const evaluationTime = new Histogram({
    name: 'gradserve_evaluation_duration_seconds',
    help: 'Time to run one program, by task, where it ran (inline or pool) and outcome',
    labelNames: ['task', 'mode', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  const programElements = new Histogram({
    name: 'gradserve_program_elements',
    help: 'Tensor elements in a program\'s inputs',
    buckets: [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 4_000_000],
    registers: [register],
  });
  const programNodes = new Histogram({
    name: 'gradserve_program_nodes',
    help: 'Statements or graph nodes in a program',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 1_000, 10_000],
    registers: [register],
  });
  new Gauge({
    name: 'gradserve_pool_queue_depth',
    help: 'Evaluations waiting for a worker thread',
    registers: [register],
    collect() {
      this.set(app.evaluation.queueDepth);
    },
  });
  new Gauge({
    name: 'gradserve_pool_workers',
    help: 'Worker threads running',
    registers: [register],
    collect() {
      this.set(app.evaluation.workers);
    },
  });

  app.evaluation.onMeasured(({ kind, mode, outcome, seconds, size }) => {
    evaluationTime.observe({ task: kind, mode, outcome }, seconds);
    programElements.observe(size.elements);
    programNodes.observe(size.nodes);
  });

  app.decorateRequest('problemCode', null);
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith(PROBLEM_CONTENT_TYPE) && typeof payload === 'string') {
      request.problemCode = PROBLEM_TYPE.exec(payload)?.[1] ?? 'unknown';
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: unknown paths share one label.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
    if (request.problemCode) rejected.inc({ reason: request.problemCode });
  });

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', hide: false },
    config: ALWAYS_ANSWER,
    handler: async (_request, reply) => {
      reply.type(register.contentType);
      return register.metrics();
    },
  });
}

export default fp(metrics, { name: 'metrics', dependencies: ['evaluation'] });
