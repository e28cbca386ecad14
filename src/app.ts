import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_LIMITS, type Limits } from '../schemas/limits.js';
import docs from './plugins/docs.js';
import problems from './plugins/problems.js';
import staticAssets from './plugins/static.js';
import { evaluateRoutes } from './routes/evaluate.js';
import { gradcheckRoutes } from './routes/gradcheck.js';
import { healthRoutes } from './routes/health.js';
import { opsRoutes } from './routes/ops.js';
import { plotRoutes } from './routes/plot.js';

export interface AppOptions {
  limits?: Limits;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the fastify app: compilers, plugins, routes. Never listens; tests use inject(). */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.maxBodyBytes,
    // A `__proto__` or `constructor.prototype` key is refused as a 400, never merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Programs are JSON only: anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  await app.register(problems);
  await app.register(docs);
  await app.register(healthRoutes);
  await app.register(opsRoutes);
  await app.register(evaluateRoutes, { limits });
  await app.register(gradcheckRoutes, { limits });
  await app.register(plotRoutes, { limits });
  await app.register(staticAssets);
  return app;
}
