import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { EvaluateAnswer } from '../../schemas/program.js';

/** Response schemas whose answers the service builds itself, typed by their schema: written without a validating walk. */
const BUILT_BY_THE_SERVICE = new Set<unknown>([EvaluateAnswer]);

/**
 * The zod serializer validates every answer against its schema before writing
 * it: for an evaluate answer that walks every element of data and grad again
 * (about as long as JSON.stringify itself at 1e5 elements, see the README's
 * Performance section). Answers in BUILT_BY_THE_SERVICE are built by typed
 * code from that very schema, so they are written directly; every other
 * schema (problems, ops, docs) keeps the zod serializer.
 */
export const answerSerializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  if (BUILT_BY_THE_SERVICE.has(route.schema)) return (data) => JSON.stringify(data);
  return (zodSerializerCompiler as FastifySerializerCompiler<unknown>)(route);
};
