import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ProblemCode, toProblem } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, sendProblem } from './problems.js';

/**
 * Problems found below the routes, before fastify has a request: what the
 * HTTP parser refuses (fastify's clientErrorHandler) and what the router
 * cannot read (frameworkErrors). Each answer is problem+json, like every
 * other error of the service.
 */

/** The connection error's code, as Node's HTTP parser (llhttp) and server name it, to a problem. */
function clientProblem(code: string | undefined): { code: ProblemCode; detail: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'request-timeout', detail: 'the whole request was not received within the time this service allows (REQUEST_TIMEOUT_MS)' };
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'headers-too-large', detail: 'the request headers are larger than this service reads' };
    case 'HPE_INVALID_METHOD':
      return { code: 'not-implemented', detail: 'the request method is not one HTTP knows' };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
    case 'HPE_INVALID_EOF_STATE':
      return { code: 'invalid-request', detail: 'the chunked body is not valid chunked transfer encoding' };
    default:
      return { code: 'invalid-request', detail: 'the request is not valid HTTP/1.1 (request line, headers or framing)' };
  }
}

/** fastify's clientErrorHandler: a problem+json answer written on the socket, which is then closed. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, detail } = clientProblem(error.code);
  const problem = toProblem(code, detail);
  const body = JSON.stringify(problem);
  // Nothing is written over an answer already under way.
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !current?.headersSent) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** fastify's frameworkErrors: a URL the router cannot decode (/%ff%fe) and the like. */
export function frameworkErrors(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const detail = error.code === 'FST_ERR_BAD_URL' ? `the URL cannot be decoded: ${error.message}` : error.message;
  sendProblem(reply, 'invalid-request', detail);
}
