import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { buildInfo } from '../build_info.js';
import { LOGO_SVG, logoWithName } from './brand.js';
import { finishDocument } from './openapi.js';

/** Every tag a route may use, in the order Swagger UI lists them (test/routes/openapi.test.ts checks each used tag is here). */
export const TAGS = [
  { name: 'evaluate', description: 'Run autograd programs: values, gradients, grad_fn names and the backward graph; plots' },
  { name: 'notebooks', description: 'Run notebook cells (Python and PyTorch) as Jupyter would' },
  { name: 'grading', description: 'Grade submissions: expectations, reference programs, gradcheck, hidden tests' },
  { name: 'catalogue', description: 'What the engine supports' },
  { name: 'operations', description: 'Health, readiness and metrics' },
];

/**
 * OpenAPI 3.1 generated from the routes' zod schemas. Registered before any
 * route (it collects them as they are added: /metrics comes from a plugin);
 * served by the docs plugin.
 */
async function openapiDocument(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gradserve',
        version: buildInfo().version,
        description:
          'Runs autograd programs exactly as PyTorch would and answers with values, gradients, grad_fn names, PyTorch reprs and the backward graph. Every error is application/problem+json (RFC 9457).\n\n' +
          'A typed client: `npx openapi-typescript http://localhost:3000/openapi.json --default-non-nullable false -o gradserve.d.ts`, then `createClient<paths>()` from openapi-fetch.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the server that serves this document (Swagger UI's "Try it out" calls it).
      servers: [{ url: '/', description: 'This server' }],
      // No authentication: put gradserve behind your own gateway if it needs one.
      security: [],
      tags: TAGS,
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => finishDocument(jsonSchemaTransformObject(input)),
  });
}

export const openapi = fp(openapiDocument, { name: 'openapi' });

/** The document at /openapi.json and as Swagger UI at /docs. */
async function docs(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    logo: { type: 'image/svg+xml', content: logoWithName(), href: '/docs', target: '_self' },
    theme: {
      title: 'gradserve API',
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: LOGO_SVG }],
      // The top bar's box for loading another document's URL: this page documents gradserve only.
      css: [{ filename: 'gradserve.css', content: '.swagger-ui .topbar .download-url-wrapper { display: none; }' }],
    },
    uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0, displayRequestDuration: true, tryItOutEnabled: true },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(docs, { name: 'docs', dependencies: ['openapi'] });
