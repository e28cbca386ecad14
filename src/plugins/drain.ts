import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** More than this, or longer than DRAIN_MS, and the connection is reset as before. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const DRAIN_MS = 2000;

/**
 * An answer given before the body was read (413 by content-length, 415) would
 * close a socket that still has unread bytes, which the kernel turns into a
 * reset: the client sees ECONNRESET instead of the problem answer. Reading and
 * discarding what is left (bounded) lets the answer arrive intact.
 */
async function drain(app: FastifyInstance): Promise<void> {
  // A callback hook: answers that need no draining (all successful ones) pass straight through.
  app.addHook('onSend', function drainUnreadBody(request, reply, payload, next) {
    const raw = request.raw;
    if (reply.statusCode < 400 || raw.complete || raw.destroyed || raw.readableEnded) return next(null, payload);
    let drained = 0;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      raw.off('data', onData).off('end', done).off('error', done).off('close', done);
      next(null, payload);
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > MAX_DRAIN_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MS);
    raw.on('data', onData).once('end', done).once('error', done).once('close', done);
    raw.resume();
  });
}

export default fp(drain, { name: 'drain' });
