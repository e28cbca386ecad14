import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ALWAYS_ANSWER } from '../plugins/overload.js';
import { jsonAnswer, PROBE_PROBLEMS } from '../../schemas/responses.js';

const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const Readiness = z
  .object({ status: z.enum(['ready', 'not ready']), reason: z.string().nullable() })
  .meta({ id: 'Readiness' });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', {
    schema: {
      operationId: 'health',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      description: 'Never shed, never rate limited.',
      response: { 200: jsonAnswer('The process answers.', Health), ...PROBE_PROBLEMS },
    },
    config: ALWAYS_ANSWER,
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      operationId: 'readiness',
      tags: ['operations'],
      summary: 'Readiness: the instance takes traffic (503 while starting, overloaded or shutting down)',
      description: 'For the load balancer or readiness probe. Never shed, never rate limited.',
      response: {
        200: jsonAnswer('The instance takes traffic.', Readiness),
        503: jsonAnswer('Not ready: starting, shutting down, the event loop overloaded or the worker queue full.', Readiness),
        ...PROBE_PROBLEMS,
      },
    },
    config: ALWAYS_ANSWER,
    handler: async (_request, reply) => {
      const { ready, reason } = app.readiness.ready();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', reason });
    },
  });
};
