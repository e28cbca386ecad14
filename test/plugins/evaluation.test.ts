import type { FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

let inlineApp: FastifyInstance;
let pooledApp: FastifyInstance;
beforeAll(async () => {
  // answers of ~2.7 MB computed inline (past the default inline limit) ...
  inlineApp = await buildApp({ operations: { evaluation: { queueTimeoutMs: 60_000, budgetMs: 30_000, inlineMaxWork: 50_000_000 } } });
  // ... or every one in the pool, written into slabs
  // (three workers: three slabs are kept free, so a slab given back too early would be written again)
  pooledApp = await buildApp({ operations: { evaluation: { queueTimeoutMs: 60_000, budgetMs: 30_000, inlineMaxWork: 0, workers: 3 } } });
  for (const app of [inlineApp, pooledApp]) await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await inlineApp.close();
  await pooledApp.close();
});

/** A notebook whose answer is ~2.7 MB: x = 0..399999 shifted by k. */
function shiftedRange(k: number): string {
  const body = JSON.stringify({ source: `import torch\nx = torch.arange(400000.) + ${k}\nprint(x[-1].item())` });
  return `POST /v1/run HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The bodies of the HTTP/1.1 responses in `raw`, in order. */
function responseBodies(raw: Buffer, count: number): string[] {
  const bodies: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const headEnd = raw.indexOf('\r\n\r\n', at);
    const head = raw.subarray(at, headEnd).toString('latin1');
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
    bodies.push(raw.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8'));
    at = headEnd + 4 + length;
  }
  return bodies;
}

function expectShiftedRange(body: string, k: number): void {
  const parsed = JSON.parse(body) as { cells: { stdout: string }[]; variables: { x: { data: number[] } } };
  expect(parsed.cells[0].stdout).toBe(`${399999 + k}.0\n`);
  // compared as a boolean: a failure must not print 400000 values
  expect(parsed.variables.x.data.length === 400000 && parsed.variables.x.data.every((v, j) => v === j + k), `answer for k=${k}`).toBe(true);
}

describe('answers in reused memory (written inline, or by a worker into a slab)', () => {
  it.each([
    ['inline', () => inlineApp],
    ['pooled', () => pooledApp],
  ])('are not written over while the socket still has them to send (%s)', async (_where, app) => {
    const port = (app().server.address() as AddressInfo).port;
    // Three pipelined requests on a connection that is not read: more than the kernel takes, so
    // the later answers wait in the server's socket. Meanwhile other requests are answered.
    const waiting = connect(port, '127.0.0.1');
    await new Promise((resolve) => waiting.once('connect', resolve));
    waiting.pause();
    waiting.write(shiftedRange(1) + shiftedRange(2) + shiftedRange(3));
    await new Promise((resolve) => setTimeout(resolve, 500));

    for (const k of [10, 11, 12, 13]) {
      const response = await fetch(`http://127.0.0.1:${port}/v1/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: `import torch\nx = torch.arange(400000.) + ${k}\nprint(x[-1].item())` }),
      });
      const text = await response.text();
      expect(response.status, text.slice(0, 300)).toBe(200);
      expectShiftedRange(text, k);
    }

    const chunks: Buffer[] = [];
    waiting.on('data', (chunk: Buffer) => chunks.push(chunk));
    waiting.resume();
    await new Promise<void>((resolve) => {
      const check = () => {
        const raw = Buffer.concat(chunks);
        let bodies = 0;
        for (let at = raw.indexOf('HTTP/1.1'); at >= 0; at = raw.indexOf('HTTP/1.1 ', at + 1)) bodies++;
        if (bodies === 3 && raw.length > 3 * 2_600_000) resolve();
        else setTimeout(check, 20);
      };
      check();
    });
    waiting.destroy();
    const bodies = responseBodies(Buffer.concat(chunks), 3);
    bodies.forEach((body, i) => expectShiftedRange(body, i + 1));
  });
});
