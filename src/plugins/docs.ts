import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** OpenAPI 3.1 generated from the routes' zod schemas, served at /openapi.json and /docs. */
async function docs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gradserve',
        version: '0.1.0',
        description:
          'Runs autograd programs exactly as PyTorch would and answers with values, gradients, grad_fn names, PyTorch reprs and the backward graph. Every error is application/problem+json (RFC 9457).',
      },
      tags: [
        { name: 'evaluate', description: 'Run programs' },
        { name: 'catalogue', description: 'What the engine supports' },
        { name: 'operations', description: 'Health and service endpoints' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(docs, { name: 'docs' });
