/**
 * The ceiling for any fastify service (issue 6): parses the same JSON body with
 * the same limits as gradserve, computes nothing, and answers an object whose
 * JSON is exactly gradserve's answer to that workload (fastify serializes it
 * with JSON.stringify, as any service must serialize its answer).
 *
 * Env: PORT, RESPONSES_FILE (a JSON object: workload name -> gradserve's answer text).
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { DEFAULT_LIMITS } from '../schemas/limits.js';

const answers = new Map<string, unknown>(
  Object.entries(JSON.parse(readFileSync(process.env.RESPONSES_FILE ?? '', 'utf8')) as Record<string, string>).map(
    ([name, text]) => [name, JSON.parse(text)],
  ),
);

const app = Fastify({ logger: false, bodyLimit: DEFAULT_LIMITS.maxBodyBytes, onProtoPoisoning: 'error', onConstructorPoisoning: 'error' });

app.post<{ Params: { workload: string } }>('/echo/:workload', async (request, reply) => {
  const answer = answers.get(request.params.workload);
  if (answer === undefined || request.body === undefined) return reply.code(404).send({ error: 'unknown workload' });
  return answer;
});

await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
