import type { z } from 'zod';
import { Problem, PROBLEM_CONTENT_TYPE } from './problem.js';

/**
 * Response declarations for route schemas: what OpenAPI documents (status,
 * description, media type) and what fastify serializes by. Every error is
 * application/problem+json; the OpenAPI document adds an example of each
 * problem code of the status (src/plugins/openapi.ts).
 */

/** A JSON answer with a description of what it holds. */
export function jsonAnswer<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** A problem+json answer. */
export function problemAnswer(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } } } as const;
}

/** What each error status means on any route; a route may describe one more closely with problemAnswer. */
export const PROBLEM_ANSWERS = {
  400: problemAnswer('The body is not JSON or does not have the expected shape; `errors` has a JSON pointer per problem.'),
  413: problemAnswer('The body is larger than the service accepts (MAX_BODY_BYTES).'),
  415: problemAnswer("The body is not application/json: send it with -H 'content-type: application/json'."),
  422: problemAnswer("The program is well-formed but cannot run: a parse error, an unknown name, a shape or autograd error (in PyTorch's words), or a limit."),
  429: problemAnswer('More requests from this client than the rate limit allows (RATE_LIMIT_MAX; off by default); see Retry-After.'),
  500: problemAnswer('A fault of the service (never caused by the request); it has been logged.'),
  503: problemAnswer('Overloaded (the worker queue is full, the event loop lags, or the service is shutting down) or over the time budget; see Retry-After.'),
} as const;

/** The error answers of a route that takes a JSON body and runs what it is sent. */
export const BODY_ROUTE_PROBLEMS = PROBLEM_ANSWERS;

/** The one problem a probe (health, readiness, metrics: never shed, never rate limited) can answer. */
export const PROBE_PROBLEMS = {
  400: problemAnswer('The request could not be read: an HTTP/1.1 request without a Host header, or a URL that does not decode.'),
} as const;

/** The error answers of a GET route that is shed and rate limited like every other (not the probes). */
export const GET_ROUTE_PROBLEMS = { 429: PROBLEM_ANSWERS[429], 500: PROBLEM_ANSWERS[500], 503: PROBLEM_ANSWERS[503] } as const;
