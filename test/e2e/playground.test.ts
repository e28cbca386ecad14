import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * End to end in a real headless Chromium (Debian's package): the playground as
 * a person uses it. The test builds the assets itself (a fresh clone has no
 * dist/) and serves them from the real app on an ephemeral loopback port.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(process.cwd(), 'artifacts', 'e2e');
const inCI = Boolean(process.env.CI);
const available = existsSync(CHROMIUM);

if (!available && !inCI) {
  console.warn(`skipping the browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium). In CI they fail instead.`);
}

describe.skipIf(!available && !inCI)('playground in headless Chromium', () => {
  let app: FastifyInstance;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let profile: string;

  beforeAll(async () => {
    if (!available) throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs it with apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await build({ configFile: join(process.cwd(), 'web', 'vite.config.ts'), logLevel: 'warn' });
    app = await buildApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    profile = mkdtempSync(join(tmpdir(), 'gradserve-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(origin);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function runExample(id: string): Promise<void> {
    await page.selectOption('#example', id);
    await page.click('#run');
    await page.waitForSelector('body[data-state="idle"]');
  }

  it('runs the quadratic example: y = 9 with AddBackward0, x.grad = 6, and draws the backward graph', async () => {
    await runExample('quadratic');
    await expect.poll(() => page.locator('#tensors tr[data-name="y"] td.repr').textContent()).toBe('tensor(9., grad_fn=<AddBackward0>)');
    expect(await page.locator('#tensors tr[data-name="x"] td.repr').textContent()).toBe('tensor(2., requires_grad=True)');
    expect(await page.locator('#tensors tr[data-name="x"] td.grad').textContent()).toBe('6');

    const nodes = page.locator('#graph svg.trace g.trace-node');
    expect(await page.locator('#graph g.trace-root').getAttribute('data-name')).toBe('AddBackward0');
    expect(await nodes.evaluateAll((all) => all.map((n) => n.getAttribute('data-name')))).toContain('AccumulateGrad');
    expect(await page.locator('#graph g.trace-leaf').first().textContent()).toContain('x');
    expect(await page.locator('#graph path.trace-edge').count()).toBeGreaterThanOrEqual(3);
    // A scalar input has nothing to plot along.
    expect(await page.locator('#plot').isHidden()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'playground-quadratic.png'), fullPage: true });
  });

  it('switches to relu over linspace(-10, 10, 1000) and shows the function/derivative plot', async () => {
    await runExample('relu');
    await page.waitForSelector('#plot:not([hidden])');
    const size = await page.locator('#plot-image').evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight, complete: img.complete }));
    expect(size.complete).toBe(true);
    expect(size.width).toBeGreaterThan(300);
    expect(size.height).toBeGreaterThan(200);
    expect(await page.locator('#tensors tr[data-name="y"] td.repr').textContent()).toBe('tensor(2502.5027, grad_fn=<SumBackward0>)');
    expect(await page.locator('#graph g.trace-root').getAttribute('data-name')).toBe('SumBackward0');
    await page.screenshot({ path: join(ARTIFACTS, 'playground-relu.png'), fullPage: true });
    await page.locator('#plot-image').screenshot({ path: join(ARTIFACTS, 'plot-relu.png') });
  });

  it('shows a parse error readably, with its position marked', async () => {
    await page.selectOption('#example', 'quadratic');
    await page.fill('#program', 'y = x +* 2');
    await page.click('#run');
    await page.waitForSelector('#problem:not([hidden])');
    expect(await page.locator('#problem h2').textContent()).toBe('422 The expression could not be parsed');
    expect(await page.locator('#problem .detail').textContent()).toMatch(/expected an expression/);
    expect(await page.locator('#problem mark').textContent()).toBe('*');
    expect(await page.locator('#answer').isHidden()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'playground-parse-error.png'), fullPage: true });
  });

  it('gives the exact request as curl', async () => {
    await page.selectOption('#example', 'partials');
    await page.click('#copy-curl');
    const command = (await page.locator('#curl').textContent()) ?? '';
    expect(command.startsWith(`curl -s ${origin}/v1/evaluate -H 'content-type: application/json' -d '`)).toBe(true);
    const body = command.slice(command.indexOf(" -d '") + 5, -1).replaceAll(`'\\''`, `'`);
    expect(JSON.parse(body)).toEqual({ inputs: { u: 1, v: 2 }, expr: 'f = u * v + u ** 2' });
  });
});
