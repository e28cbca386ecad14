import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ALWAYS_ANSWER } from '../plugins/overload.js';

const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const Readiness = z
  .object({ status: z.enum(['ready', 'not ready']), reason: z.string().nullable() })
  .meta({ id: 'Readiness' });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Health } },
    config: ALWAYS_ANSWER,
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: the instance takes traffic (503 while starting, overloaded or shutting down)',
      response: { 200: Readiness, 503: Readiness },
    },
    config: ALWAYS_ANSWER,
    handler: async (_request, reply) => {
      const { ready, reason } = app.readiness.ready();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', reason });
    },
  });
};
