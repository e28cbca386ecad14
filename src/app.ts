import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_LIMITS, type Limits } from '../schemas/limits.js';
import { withEvaluateFastPath } from '../schemas/program_fast_path.js';
import { withNestingLimits } from '../schemas/depth.js';
import { type Config, loadConfig } from './config.js';
import evaluation from './plugins/evaluation.js';
import metrics from './plugins/metrics.js';
import overload from './plugins/overload.js';
import requestLog, { requestIdFrom } from './plugins/request_log.js';
import drain from './plugins/drain.js';
import docs, { openapi } from './plugins/docs.js';
import cors from './plugins/cors.js';
import { answerSerializerCompiler } from './program/serialize.js';
import problems, { nestingProblem } from './plugins/problems.js';
import jsonBody from './plugins/json_body.js';
import { clientErrorHandler, frameworkErrors } from './plugins/http_errors.js';
import staticAssets from './plugins/static.js';
import { evaluateRoutes } from './routes/evaluate.js';
import { gradcheckRoutes } from './routes/gradcheck.js';
import { checkRoutes } from './routes/check.js';
import { batchRoutes } from './routes/batch.js';
import { healthRoutes } from './routes/health.js';
import { opsRoutes } from './routes/ops.js';
import { plotRoutes } from './routes/plot.js';
import { runRoutes } from './routes/run.js';
import { gradeRoutes } from './routes/grade.js';

export interface AppOptions {
  limits?: Limits;
  logger?: FastifyServerOptions['logger'];
  /** Pool, budget, shedding, rate limit; each defaults to its value in src/config.ts (evaluation settings one by one). */
  operations?: Partial<Omit<OperationsOptions, 'evaluation'>> & { evaluation?: Partial<OperationsOptions['evaluation']> };
  /**
   * Benchmarks only (bench/stages.ts), never configuration: per-request hooks switched off, so
   * that what each costs is measured as the difference. A service without them is not operable.
   */
  without?: readonly RequestHook[];
}

/** The per-request hooks bench/stages.ts measures one at a time. */
export const REQUEST_HOOKS = ['request-id', 'request-log', 'metrics', 'overload', 'drain', 'host-check'] as const;
export type RequestHook = (typeof REQUEST_HOOKS)[number];

export type OperationsOptions = Pick<Config, 'evaluation' | 'overload' | 'rateLimit' | 'requestTimeoutMs' | 'trustProxy' | 'cors'>;

/** A tenth of the request timeout, between 100 ms and 1 s (Node's default, 30 s, when there is none). */
function connectionsCheckingInterval(requestTimeoutMs: number): number {
  return requestTimeoutMs > 0 ? Math.max(100, Math.min(1000, Math.floor(requestTimeoutMs / 10))) : 30_000;
}

/** Builds the fastify app: compilers, plugins, routes. Never listens; tests use inject(). */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const defaults = loadConfig({});
  const operations: OperationsOptions = { ...defaults, ...options.operations, evaluation: { ...defaults.evaluation, ...options.operations?.evaluation } };
  const without = new Set(options.without);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.maxBodyBytes,
    // A `__proto__` or `constructor.prototype` key is refused as a 400, never merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // x-request-id is taken from the client when it is a plain token, and always returned.
    genReqId: without.has('request-id') ? undefined : requestIdFrom,
    requestIdHeader: false,
    // request_log writes one line per request instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: operations.requestTimeoutMs,
    trustProxy: operations.trustProxy,
    http: {
      // Given when the server is made: Node 20 does not apply a requestTimeout set
      // afterwards (as fastify's option is) to a body still arriving.
      requestTimeout: operations.requestTimeoutMs,
      // Node checks request timeouts every connectionsCheckingInterval (30 s by default): often enough for a 408 on time.
      connectionsCheckingInterval: connectionsCheckingInterval(operations.requestTimeoutMs),
      // A missing Host gets the service's problem answer instead of Node's empty 400 (plugins/problems.ts).
      requireHostHeader: false,
    },
    // Every error at the HTTP layer is problem+json too (plugins/http_errors.ts, plugins/overload.ts).
    clientErrorHandler,
    frameworkErrors,
    return503OnClosing: false,
  }).withTypeProvider<ZodTypeProvider>();
  // The common evaluate bodies skip zod's walk; everything else (and every error) is zod's.
  // Bodies nested past the rank limit are refused before zod, which walks nesting by recursion.
  app.setValidatorCompiler(withEvaluateFastPath(limits, withNestingLimits(validatorCompiler, nestingProblem)));
  app.setSerializerCompiler(answerSerializerCompiler);
  // Programs are JSON only: anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  // The OpenAPI document collects every route from here on, /metrics included.
  await app.register(openapi);
  await app.register(problems, { hostCheck: !without.has('host-check') });
  await app.register(cors, { cors: operations.cors });
  await app.register(jsonBody);
  await app.register(evaluation, { config: operations.evaluation });
  await app.register(requestLog, { requestId: !without.has('request-id'), line: !without.has('request-log') });
  if (!without.has('drain')) await app.register(drain);
  await app.register(metrics, { perRequest: !without.has('metrics') });
  await app.register(overload, { overload: operations.overload, rateLimit: operations.rateLimit, perRequest: !without.has('overload') });
  await app.register(docs);
  await app.register(healthRoutes);
  await app.register(opsRoutes);
  await app.register(evaluateRoutes, { limits });
  await app.register(gradcheckRoutes, { limits });
  await app.register(checkRoutes, { limits });
  await app.register(batchRoutes, { limits });
  await app.register(plotRoutes, { limits });
  await app.register(runRoutes, { limits });
  await app.register(gradeRoutes, { limits });
  await app.register(staticAssets);
  return app;
}
