import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ProblemCode, ProblemError, type ProblemExtras, toProblem } from '../errors.js';

export { PROBLEM_CONTENT_TYPE } from '../../schemas/problem.js';
import { PROBLEM_CONTENT_TYPE } from '../../schemas/problem.js';

export interface ZodIssueLike {
  code?: string;
  keyword?: string;
  message: string;
  path?: PropertyKey[];
  instancePath?: string;
  params?: { errors?: ZodIssueLike[][] };
  errors?: ZodIssueLike[][];
}

/** RFC 6901: `~` and `/` inside a segment are escaped. */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** An issue that only says the value is of another type than a branch takes (that branch is not the one meant). */
function isTypeMismatch(issue: ZodIssueLike): boolean {
  if ((issue.path?.length ?? 0) > 0) return false;
  const code = issue.code ?? issue.keyword;
  if (code === 'invalid_type' || code === 'invalid_value') return true;
  const branches = issue.errors ?? issue.params?.errors;
  return code === 'invalid_union' && branches !== undefined && branches.every((branch) => branch.every(isTypeMismatch));
}

/**
 * Zod reports a failed union as one issue holding every branch's issues; the
 * branch that got deepest into the value is the one the client meant, and a
 * branch for another type of value (a number where an object was sent) never is.
 */
export function flattenIssues(issues: readonly ZodIssueLike[], base: PropertyKey[] = []): { pointer: string; detail: string }[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...(issue.path ?? [])];
    const branches = issue.errors ?? issue.params?.errors;
    if ((issue.code ?? issue.keyword) === 'invalid_union' && branches && branches.length > 0) {
      const score = (branch: ZodIssueLike[]) =>
        branch.every(isTypeMismatch) ? -1 : Math.max(...branch.map((i) => (i.path?.length ?? 0) + (i.errors ? 1 : 0)));
      const best = branches.reduce((a, b) => (score(b) > score(a) ? b : a));
      return flattenIssues(best, path);
    }
    return [{ pointer: pointer(path), detail: issue.message }];
  });
}

/** The detail line of a validation problem: the first error, and how many more there are. */
export function validationDetail(errors: readonly { pointer: string; detail: string }[], whole = '(body)'): string {
  const first = errors[0];
  return first ? `${first.pointer || whole}: ${first.detail}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : 'invalid request';
}

function validationProblem(error: FastifyError): { detail: string; errors: { pointer: string; detail: string }[] } {
  const issues = (error.validation ?? []) as unknown as ZodIssueLike[];
  const errors = issues.flatMap((issue) => {
    const base = (issue.instancePath ?? '').split('/').filter(Boolean);
    return flattenIssues([{ ...issue, path: [] }], base);
  });
  return { detail: validationDetail(errors), errors };
}

/** Maps fastify's own 4xx errors (body parsing, size, media type) onto our codes. */
function codeForFastifyError(error: FastifyError): ProblemCode {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body-too-large';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported-media-type';
  if (error.statusCode === 413) return 'body-too-large';
  if (error.statusCode === 415) return 'unsupported-media-type';
  if (error.statusCode === 404) return 'not-found';
  if (error.statusCode === 405) return 'method-not-allowed';
  if (error.statusCode === 429) return 'too-many-requests';
  if (error.statusCode === 503) return 'overloaded';
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return 'invalid-json';
  }
  return 'invalid-request';
}

/** What a 415 says: what was sent, and the curl flag that sends JSON. */
export function unsupportedMediaTypeDetail(contentType: string | undefined): string {
  const type = contentType?.split(';', 1)[0].trim().toLowerCase();
  const sent =
    type === undefined || type === ''
      ? 'without a content-type'
      : type === 'application/x-www-form-urlencoded'
        ? `as ${type} (what curl -d sends unless told otherwise)`
        : `as ${type}`;
  return `the body was sent ${sent}; gradserve takes JSON: add -H 'content-type: application/json'`;
}

/** A body nested past the limits (schemas/depth.ts): a 400 naming where. */
export function nestingProblem({ pointer, detail }: { pointer: string; detail: string }): ProblemError {
  return new ProblemError('invalid-request', `${pointer}: ${detail}`, { errors: [{ pointer, detail }] });
}

export function sendProblem(reply: FastifyReply, code: ProblemCode, detail: string, extras: ProblemExtras = {}): FastifyReply {
  const problem = toProblem(code, detail, extras);
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

async function problems(app: FastifyInstance, options: { hostCheck?: boolean } = {}): Promise<void> {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ProblemError) {
      return sendProblem(reply, error.code, error.message, error.extras);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const { detail, errors } = validationProblem(error);
      return sendProblem(reply, 'invalid-request', detail, { errors });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = codeForFastifyError(error);
      if (code === 'unsupported-media-type') return sendProblem(reply, code, unsupportedMediaTypeDetail(request.headers['content-type']));
      return sendProblem(reply, code, error.message);
    }
    if (error instanceof RangeError) {
      // An allocation or size the limits did not foresee: the program, not the service, is at fault.
      request.log.warn({ err: error }, 'range error during evaluation');
      return sendProblem(reply, 'limit-exceeded', `the program needs more memory than this service allows (${error.message})`);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 'internal', 'An internal error occurred; it has been logged.');
  });

  // The methods of every route path, for 405 answers with Allow.
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    let methods = methodsByPath.get(route.url);
    if (methods === undefined) methodsByPath.set(route.url, (methods = new Set()));
    for (const method of [route.method].flat()) methods.add(method);
    // fastify answers HEAD for every GET route (exposeHeadRoutes).
    if (methods.has('GET')) methods.add('HEAD');
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0];
    const allowed = methodsByPath.get(path);
    if (allowed !== undefined && !allowed.has(request.method)) {
      const allow = [...allowed].sort().join(', ');
      reply.header('allow', allow);
      return sendProblem(reply, 'method-not-allowed', `${request.method} is not allowed on ${path}; it answers ${allow}`);
    }
    return sendProblem(reply, 'not-found', `no route ${request.method} ${request.url}`);
  });

  // Node answers a missing Host with an empty 400 of its own; the service's is a problem (requireHostHeader is off, see app.ts).
  if (options.hostCheck === false) return;
  app.addHook('onRequest', function requireHost(request, _reply, done) {
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
      return done(new ProblemError('invalid-request', 'an HTTP/1.1 request needs a Host header'));
    }
    done();
  });
}

export default fp(problems, { name: 'problems' });
