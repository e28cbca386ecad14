import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem } from './problems.js';

/** The package root: the nearest folder above this file with a package.json (works from src/ and from dist/src/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the static plugin');
    dir = parent;
  }
  return dir;
}

/** Where `npm run build` puts the bundled playground (web/ → dist/web). */
export const DEFAULT_WEB_ROOT = join(packageRoot(), 'dist', 'web');

export interface StaticOptions {
  webRoot?: string;
}

/**
 * Serves the playground's built assets at /. Routes exist only for the page's
 * own top-level files (index.html, favicon.svg) and for /assets/* (no catch-all
 * at /), so every other path keeps its own 404/405. The hashed bundle names
 * share the one route /assets/*, so they never become route labels in /metrics.
 */
async function staticAssets(app: FastifyInstance, options: StaticOptions): Promise<void> {
  const root = options.webRoot ?? DEFAULT_WEB_ROOT;
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'the playground is not built; run npm run build');
    app.get('/', { schema: { hide: true } }, (_request, reply) =>
      sendProblem(reply, 'not-found', 'the playground is not built: run `npm run build` (npm start does it)'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    globIgnore: ['assets/**'],
    index: ['index.html'],
    // The page and its favicon keep their names: always revalidated.
    cacheControl: false,
    setHeaders: (reply) => reply.header('cache-control', 'no-cache'),
  });
  if (existsSync(join(root, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      // Bundled assets have content hashes in their names.
      maxAge: '365d',
      immutable: true,
    });
  }
}

export default fp(staticAssets, { name: 'static-assets' });
