import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import problems from '../../src/plugins/problems.js';
import staticAssets, { DEFAULT_WEB_ROOT } from '../../src/plugins/static.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function appServing(webRoot: string) {
  const app = Fastify();
  await app.register(problems);
  await app.register(staticAssets, { webRoot });
  return app;
}

describe('static assets', () => {
  it('defaults to dist/web under the package root', () => {
    expect(DEFAULT_WEB_ROOT.replaceAll('\\', '/')).toMatch(/\/dist\/web$/);
  });

  it('serves the built page at / (revalidated) and hashed assets as immutable', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gradserve-web-'));
    dirs.push(root);
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>playground</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    const app = await appServing(root);
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = await app.inject({ url: '/assets/index-abc123.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['cache-control']).toContain('immutable');
    // No catch-all: unknown paths are the app's own 404 problem.
    const missing = await app.inject({ url: '/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    await app.close();
  });

  it('serves the favicon revalidated, and every hashed asset under the one route /assets/* (no per-file route label)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gradserve-web-'));
    dirs.push(root);
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>playground</title>');
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-def456.css'), 'body{}');
    const app = await appServing(root);
    const routeOf = new Map<string, string | undefined>();
    app.addHook('onResponse', (request, _reply, done) => {
      routeOf.set(request.url, request.routeOptions.url);
      done();
    });
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
    for (const url of ['/assets/index-abc123.js', '/assets/index-def456.css']) {
      expect((await app.inject({ url })).statusCode).toBe(200);
    }
    expect(routeOf.get('/favicon.svg')).toBe('/favicon.svg');
    expect(routeOf.get('/assets/index-abc123.js')).toBe('/assets/*');
    expect(routeOf.get('/assets/index-def456.css')).toBe('/assets/*');
    // Only the page's own files exist at the top level.
    expect((await app.inject({ url: '/assets/../../etc/passwd' })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await app.inject({ url: '/other.txt' })).statusCode).toBe(404);
    await app.close();
  });

  it('answers / with a problem telling how to build when the page is not built', async () => {
    const app = await appServing(join(tmpdir(), 'gradserve-no-such-dir'));
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().detail).toContain('npm run build');
    await app.close();
  });
});
