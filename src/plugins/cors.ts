import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { CorsConfig } from '../config.js';
import { REQUEST_ID_HEADER } from './request_log.js';

/**
 * CORS for browser-based course tools (CORS_ORIGINS): the listed origins (or
 * any, with *) may call the API from a page, preflights (OPTIONS) included.
 * Off by default: then OPTIONS is a 405 like any other method a route does not answer.
 */
async function corsPlugin(app: FastifyInstance, options: { cors: CorsConfig | null }): Promise<void> {
  if (options.cors === null) return;
  await app.register(cors, {
    origin: options.cors.origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['content-type', REQUEST_ID_HEADER],
    // What a page may read of an answer besides the simple headers.
    exposedHeaders: [REQUEST_ID_HEADER, 'retry-after', 'allow'],
    maxAge: 600,
  });
}

export default fp(corsPlugin, { name: 'cors' });
