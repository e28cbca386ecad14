import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PROBE_PROBLEMS } from '../../schemas/responses.js';
import { buildInfo } from '../build_info.js';
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
async function metrics(app: FastifyInstance, options: { perRequest?: boolean } = {}): Promise<void> {
  const register = new Registry();
  collectDefaultMetrics({ register });

  const registers = [register];
  // prom-client's own series: its per-call cost (about 1 µs a request for both series, against
  // 0.6 µs for a hand-written cache of label sets; bench/metrics_series.ts) is under 1% of a request.
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const rejected = new Counter({
    name: 'gradserve_rejected_requests_total',
    help: 'Requests answered with a problem, by reason (the problem code; overloaded for shed requests)',
    labelNames: ['reason'] as const,
    registers,
  });
  const evaluationTime = new Histogram({
    name: 'gradserve_evaluation_duration_seconds',
    help: 'Time to run one program, by task, where it ran (inline or pool) and outcome (shed requests are not evaluations: see gradserve_rejected_requests_total)',
    labelNames: ['task', 'mode', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const evaluationWork = new Histogram({
    name: 'gradserve_evaluation_work',
    help: 'Work one task did, in work meter units (tensor elements read and written, graph nodes, interpreter steps), by task and where it ran',
    labelNames: ['task', 'mode'] as const,
    buckets: [1_000, 10_000, 50_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000],
    registers,
  });
  const build = buildInfo();
  new Gauge({
    name: 'gradserve_build_info',
    help: 'Always 1: the running version of gradserve, the commit it was built from (unknown without one) and the Node.js version',
    labelNames: ['version', 'commit', 'node'] as const,
    registers,
  }).set({ version: build.version, commit: build.commit, node: build.node }, 1);
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

  app.evaluation.onMeasured(({ kind, mode, outcome, seconds, work }) => {
    // A shed request never ran (or was stopped waiting for a worker): it is not an evaluation.
    if (outcome === 'shed') return;
    evaluationTime.observe({ task: kind, mode, outcome }, seconds);
    evaluationWork.observe({ task: kind, mode }, work);
  });

  app.decorateRequest('problemCode', null);
  // Callback hooks: no promise and no extra turn of the microtask queue per request.
  if (options.perRequest !== false) app.addHook('onSend', function metricsProblemCode(request, reply, payload, done) {
    if (typeof payload === 'string') {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith(PROBLEM_CONTENT_TYPE)) request.problemCode = PROBLEM_TYPE.exec(payload)?.[1] ?? 'unknown';
    }
    done(null, payload);
  });
  if (options.perRequest !== false) app.addHook('onResponse', function metricsRecord(request, reply, done) {
    // The route pattern, never the raw URL: unknown paths share one label.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
    if (request.problemCode) rejected.inc({ reason: request.problemCode });
    done();
  });

  app.get('/metrics', {
    schema: {
      operationId: 'metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics (text exposition format)',
      description: 'Never shed, never rate limited.',
      response: {
        ...PROBE_PROBLEMS,
        200: {
          description: 'The service\'s series (requests, latency, evaluations, pool, build info) and the process\'s, in the Prometheus text format.',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
    },
    config: ALWAYS_ANSWER,
    handler: async (_request, reply) => {
      reply.type(register.contentType);
      return register.metrics();
    },
  });
}

export default fp(metrics, { name: 'metrics', dependencies: ['evaluation'] });
