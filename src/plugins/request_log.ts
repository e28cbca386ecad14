import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A client's id is kept when it is a plain token (so it cannot forge log lines); otherwise a fresh UUID. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdFrom(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Paths pino replaces with "[redacted]": credentials, and bodies wherever they show up. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
  'request.body',
  'payload',
];

/** A URL without its query: a query may hold a program (GET /v1/plot?expr=...), which logs never show. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Health, readiness and metrics: polled every few seconds by probes and scrapers, logged at debug. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** pino options for the service: JSON lines, no bodies, redacted credentials. */
export function loggerOptions(level: string): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // Only what identifies the request; never headers in full, never the body.
      req: (req: { method: string; url: string; ip?: string; headers: Record<string, unknown> }) => ({
        method: req.method,
        url: pathOf(req.url),
        remote: req.ip,
        user_agent: req.headers['user-agent'],
      }),
    },
  };
}

/**
 * Returns the request id and writes one log line per request: route, path (never the query),
 * status, time, the problem code of an error answer, and the work of its evaluations. 5xx at
 * warn, probes at debug, everything else at info.
 */
async function requestLog(app: FastifyInstance, options: { requestId?: boolean; line?: boolean } = {}): Promise<void> {
  // onSend runs for every answer, including ones refused by an earlier hook.
  // Callback hooks: no promise and no extra turn of the microtask queue per request.
  if (options.requestId !== false) {
    app.addHook('onSend', function requestIdHeader(request, reply, payload, done) {
      reply.header(REQUEST_ID_HEADER, request.id);
      done(null, payload);
    });
  }
  if (options.line === false) return;
  app.addHook('onResponse', function requestLogLine(request, reply, done) {
    const failed = reply.statusCode >= 500;
    const route = request.routeOptions.url ?? 'unmatched';
    const level = failed ? 'warn' : PROBES.has(route) ? 'debug' : 'info';
    // The line is only built when it will be written (LOG_LEVEL=warn writes failures only).
    if (!levelEnabled(request.log, level)) return done();
    const line = {
      method: request.method,
      route,
      url: pathOf(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      // The problem code of an error answer (plugins/metrics.ts reads it from the answer).
      ...(request.problemCode ? { problem: request.problemCode } : {}),
      // The work the request's evaluations did and where they ran (plugins/evaluation.ts).
      ...(request.evaluationWork ? { evaluation: request.evaluationWork } : {}),
    };
    request.log[level](line, failed ? 'request failed' : 'request completed');
    done();
  });
}

/** pino's isLevelEnabled; a logger without it (fastify's no-op logger, a custom one) is asked to write. */
function levelEnabled(log: object, level: string): boolean {
  const check = (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return typeof check !== 'function' || check.call(log, level);
}

export default fp(requestLog, { name: 'request-log' });
