import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { OverloadConfig, RateLimitConfig } from '../config.js';
import { ProblemError } from '../errors.js';

export interface OverloadOptions {
  overload: OverloadConfig;
  rateLimit: RateLimitConfig | null;
  /** Benchmarks only (app.ts `without`): no shedding hooks, to measure what they cost. */
  perRequest?: boolean;
}

/** Whether the instance should get traffic: false while starting, overloaded or shutting down. */
export interface Readiness {
  ready(): { ready: boolean; reason: string | null };
  /** Readiness goes false first on shutdown, before the server stops accepting. */
  shutDown(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
  interface FastifyContextConfig {
    /** A route that must answer under load (health, metrics) sets this to a no-op. */
    pressureHandler?: (request: FastifyRequest, reply: FastifyReply) => unknown;
    /** Health, readiness and metrics answer while the service shuts down too. */
    alwaysAnswer?: boolean;
  }
}

/** A route config that exempts a route from shedding and rate limiting. */
export const ALWAYS_ANSWER = { rateLimit: false, pressureHandler: () => undefined, alwaysAnswer: true } as const;

/**
 * Load shedding: requests are refused with 503 and Retry-After when the event
 * loop lags (under-pressure) or the worker pool's queue is full (the runner);
 * optional per-client rate limiting answers 429.
 */
async function overload(app: FastifyInstance, options: OverloadOptions): Promise<void> {
  const { maxEventLoopDelayMs, retryAfterSeconds } = options.overload;
  let starting = true;
  let shuttingDown = false;

  if (options.perRequest === false) app.decorate('isUnderPressure', () => false);
  else await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    retryAfter: retryAfterSeconds,
    pressureHandler: async (_request, _reply, type, value) => {
      throw new ProblemError('overloaded', `the service is overloaded (${type} ${Math.round(Number(value ?? 0))}); try again later`);
    },
  });

  if (options.rateLimit) {
    const { max, windowMs } = options.rateLimit;
    await app.register(rateLimit, {
      max,
      timeWindow: windowMs,
      errorResponseBuilder: (_request, context) =>
        new ProblemError('too-many-requests', `more than ${context.max} requests in ${windowMs} ms from this client; retry after ${context.after}`, {
          limit: { name: 'rateLimitMax', value: context.max },
        }),
    });
  }

  // While shutting down, new requests (on keep-alive connections still open) are
  // refused with a problem; fastify's own 503 for them is off (return503OnClosing in app.ts).
  if (options.perRequest !== false) app.addHook('onRequest', function refuseWhileShuttingDown(request, _reply, done) {
    if (shuttingDown && request.routeOptions.config.alwaysAnswer !== true) {
      return done(new ProblemError('overloaded', 'the service is shutting down; send the request again, another instance will answer'));
    }
    done();
  });

  // A callback hook: no promise and no extra turn of the microtask queue per request.
  if (options.perRequest !== false) app.addHook('onSend', function retryAfterAndClose(_request, reply, payload, done) {
    // Every 503 tells the client when to come back.
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfterSeconds));
    // While shutting down, a keep-alive connection closes after its answer, so
    // the server's close is not held up until the client's idle timeout.
    if (shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });

  app.decorate('readiness', {
    ready() {
      if (starting) return { ready: false, reason: 'starting' };
      if (shuttingDown) return { ready: false, reason: 'shutting down' };
      if (app.isUnderPressure()) return { ready: false, reason: 'event loop overloaded' };
      if (app.evaluation.saturated) return { ready: false, reason: 'worker queue full' };
      return { ready: true, reason: null };
    },
    shutDown() {
      shuttingDown = true;
    },
  } satisfies Readiness);
  app.addHook('onReady', async () => {
    starting = false;
  });
  app.addHook('preClose', async () => {
    shuttingDown = true;
  });
}

export default fp(overload, { name: 'overload', dependencies: ['evaluation'] });
