import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
/** torch 1.13's own repr text for tensors the examples make (computed once with torch, vendored). */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

if (!available && !inCI) {
  console.warn(`skipping the browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium). In CI they fail instead.`);
}

/** The pieces of an SVG the page shows as an <img> (plots and figures), read back from its source. */
interface DrawnSvg {
  /** Per drawn line: its stroke colour and the x pixel range its path covers. */
  lines: { stroke: string; minX: number; maxX: number }[];
  /** The plot area (the clip rectangle). */
  area: { x: number; y: number; width: number; height: number };
  legendLabels: string[];
  /** The lowest y any legend text reaches. */
  legendBottom: number;
  texts: string[];
}

async function readSvg(page: Page, selector: string): Promise<DrawnSvg> {
  return page.locator(selector).evaluate(async (img: HTMLImageElement) => {
    const source = await (await fetch(img.src)).text();
    const svg = new DOMParser().parseFromString(source, 'image/svg+xml');
    const clip = svg.querySelector('clipPath rect')!;
    const number = (el: Element, name: string) => Number(el.getAttribute(name));
    const lines = [...svg.querySelectorAll('g.mark-line path')].map((path) => {
      const xs = [...(path.getAttribute('d') ?? '').matchAll(/[ML]([-\d.]+),/g)].map((m) => Number(m[1]));
      return { stroke: path.getAttribute('stroke') ?? '', minX: Math.min(...xs), maxX: Math.max(...xs) };
    });
    const legendTexts = [...svg.querySelectorAll('g.role-legend text')];
    return {
      lines,
      area: { x: number(clip, 'x'), y: number(clip, 'y'), width: number(clip, 'width'), height: number(clip, 'height') },
      legendLabels: legendTexts.map((t) => t.textContent ?? ''),
      legendBottom: Math.max(-Infinity, ...legendTexts.map((t) => number(t, 'y'))),
      texts: [...svg.querySelectorAll('text')].map((t) => t.textContent ?? ''),
    };
  });
}

// A page action waits on the server and the browser at once: on two busy cores a test takes seconds.
describe.skipIf(!available && !inCI)('playground in headless Chromium', { timeout: 60_000 }, () => {
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
      // Screenshots show scrollbars where a person sees them.
      ignoreDefaultArgs: ['--hide-scrollbars'],
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

  /** Picks an example (through '' so that picking the current one again reloads it). */
  async function pickExample(id: string, on: Page = page): Promise<void> {
    await on.selectOption('#example', '');
    await on.selectOption('#example', id);
  }

  async function runExample(id: string, on: Page = page): Promise<void> {
    await on.click('#tab-expression');
    await pickExample(id, on);
    await on.click('#run');
    await on.waitForSelector('body[data-state="idle"]');
  }

  async function openNotebook(on: Page = page, example = 'lab'): Promise<void> {
    await on.click('#tab-notebook');
    await on.selectOption('#notebook-example', '');
    await on.selectOption('#notebook-example', example);
  }

  async function runAll(on: Page = page): Promise<void> {
    await on.click('#run-all');
    await on.waitForSelector('#run-all:not([disabled])');
    await on.waitForSelector('body[data-state="idle"]');
  }

  /** A second tab of the same browser at `url` (its own viewport when given). */
  async function openPage(url: string, viewport?: { width: number; height: number }): Promise<Page> {
    const other = await context.newPage();
    if (viewport) await other.setViewportSize(viewport);
    await other.goto(url);
    return other;
  }

  describe('expression mode', () => {
    it('runs the quadratic example: y = 9 with AddBackward0, x.grad = tensor(6.), and draws the backward graph', async () => {
      await runExample('quadratic');
      await expect.poll(() => page.locator('#tensors tr[data-name="y"] td.repr').textContent()).toBe('tensor(9., grad_fn=<AddBackward0>)');
      expect(await page.locator('#tensors tr[data-name="x"] td.repr').textContent()).toBe('tensor(2., requires_grad=True)');
      expect(await page.locator('#tensors tr[data-name="x"] td.grad pre').textContent()).toBe('tensor(6.)');
      // A non-leaf keeps no grad: PyTorch prints None.
      expect(await page.locator('#tensors tr[data-name="y"] td.grad pre').textContent()).toBe('None');

      const nodes = page.locator('#graph svg.trace g.trace-node');
      expect(await page.locator('#graph g.trace-root').getAttribute('data-name')).toBe('AddBackward0');
      expect(await nodes.evaluateAll((all) => all.map((n) => n.getAttribute('data-name')))).toContain('AccumulateGrad');
      expect(await page.locator('#graph g.trace-leaf').first().textContent()).toContain('x');
      expect(await page.locator('#graph path.trace-edge').count()).toBeGreaterThanOrEqual(3);
      // A scalar input has nothing to plot along.
      expect(await page.locator('#plot').isHidden()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'playground-quadratic.png'), fullPage: true });
    });

    it('prints .grad as PyTorch prints it: 4 decimals, aligned, wrapped at 80 columns, scientific when the range is wide', async () => {
      await runExample('sum-trick');
      await expect
        .poll(() => page.locator('#tensors tr[data-name="x"] td.grad pre').textContent())
        .toBe('tensor([-20.0000, -15.5556, -11.1111,  -6.6667,  -2.2222,   2.2222,   6.6667,\n         11.1111,  15.5556,  20.0000])');
      await runExample('log');
      await expect.poll(() => page.locator('#tensors tr[data-name="x"] td.grad pre').textContent()).toBe(fixture('log_x_grad.txt'));
    });

    it('shows long tensors whole: every number is in a scrolling block, and "show all" expands it', async () => {
      await runExample('relu');
      const grad = page.locator('#tensors tr[data-name="x"] td.grad');
      const repr = page.locator('#tensors tr[data-name="x"] td.repr');
      await expect.poll(() => grad.locator('pre').textContent()).toBe(fixture('relu_x_grad.txt'));
      expect(await repr.locator('pre').textContent()).toBe(fixture('relu_x_repr.txt'));
      const box = (cell: typeof repr) =>
        cell.locator('pre').evaluate((pre) => {
          const style = getComputedStyle(pre);
          return { overflowX: style.overflowX, overflowY: style.overflowY, scrollHeight: pre.scrollHeight, clientHeight: pre.clientHeight, scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth };
        });
      const collapsed = await box(repr);
      // Nothing is clipped away: what does not fit scrolls, both ways.
      expect(collapsed).toMatchObject({ overflowX: 'auto', overflowY: 'auto' });
      expect(collapsed.scrollHeight).toBeGreaterThan(collapsed.clientHeight);
      // At 1280 px torch's 80-column lines fit: no number is cut at the right edge.
      expect(collapsed.scrollWidth).toBeLessThanOrEqual(collapsed.clientWidth);
      expect((await box(grad)).scrollWidth).toBeLessThanOrEqual((await box(grad)).clientWidth);
      await page.screenshot({ path: join(ARTIFACTS, 'playground-relu-collapsed.png'), fullPage: true });

      const toggle = repr.locator('button.expand');
      expect(await toggle.textContent()).toBe(`show all ${fixture('relu_x_repr.txt').split('\n').length} lines`);
      await toggle.click();
      const expanded = await box(repr);
      expect(expanded.clientHeight).toBeGreaterThanOrEqual(expanded.scrollHeight - 1);
      expect(await toggle.textContent()).toBe('show less');
      await toggle.click();
      expect((await box(repr)).clientHeight).toBe(collapsed.clientHeight);
    });

    it('draws relu and its derivative from the server SVG writer', async () => {
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

    it('leaves the derivative out where the function is NaN, and keeps the legend off the curves', async () => {
      await runExample('log');
      await page.waitForSelector('#plot:not([hidden])');
      const drawn = await readSvg(page, '#plot-image');
      expect(drawn.lines).toHaveLength(2);
      const [fn, derivative] = drawn.lines;
      // log(x) has no value left of 0 (x from -2 to 4): both curves start at the same place, a third of the way in.
      const third = drawn.area.x + drawn.area.width / 3;
      expect(fn.minX).toBeGreaterThan(third - 15);
      expect(derivative.minX).toBeGreaterThanOrEqual(fn.minX);
      expect(derivative.stroke).not.toBe(fn.stroke);
      // The legend lives above the plot area.
      expect(drawn.legendLabels.length).toBe(2);
      expect(drawn.legendBottom).toBeLessThan(drawn.area.y);
      await page.locator('#plot-image').screenshot({ path: join(ARTIFACTS, 'plot-log.png') });
    });

    it('shows a parse error readably, with its position marked', async () => {
      await pickExample('quadratic');
      await page.fill('#program', 'y = x +* 2');
      await page.click('#run');
      await page.waitForSelector('#problem:not([hidden])');
      expect(await page.locator('#problem h2').textContent()).toBe('422 The expression could not be parsed');
      expect(await page.locator('#problem .detail').textContent()).toMatch(/invalid syntax/);
      expect(await page.locator('#problem mark').textContent()).toBe('*');
      expect(await page.locator('#answer').isHidden()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'playground-parse-error.png'), fullPage: true });
    });

    it('says which line and column of the inputs JSON is wrong, and puts the cursor there', async () => {
      await pickExample('partials');
      await page.fill('#inputs', '{\n  "u": 1.0,\n  "v": 2.0,\n}');
      await page.click('#run');
      await page.waitForSelector('#problem:not([hidden])');
      expect(await page.locator('#problem h2').textContent()).toBe('The inputs are not valid JSON');
      expect(await page.locator('#problem .detail').textContent()).toBe('Line 4, column 1: expected another property after ",": JSON allows no trailing comma.');
      expect(await page.locator('#problem mark').textContent()).toBe('}');
      expect(await page.locator('#problem').textContent()).not.toMatch(/\b0\b|Not sent/);
      expect(await page.locator('#status').textContent()).toBe('not sent');
      const cursor = await page.evaluate(() => ({ focused: document.activeElement?.id, at: (document.activeElement as HTMLTextAreaElement).selectionStart }));
      expect(cursor).toEqual({ focused: 'inputs', at: '{\n  "u": 1.0,\n  "v": 2.0,\n'.length });

      await page.fill('#inputs', "{'u': 1}");
      await page.click('#run');
      expect(await page.locator('#problem .detail').textContent()).toBe('Line 1, column 2: expected a property name in double quotes.');
      await page.screenshot({ path: join(ARTIFACTS, 'playground-inputs-error.png'), fullPage: true });
    });

    it('gives the exact request as curl', async () => {
      await pickExample('partials');
      await page.click('#copy-curl');
      const command = (await page.locator('#curl').textContent()) ?? '';
      expect(command.startsWith(`curl -s ${origin}/v1/evaluate -H 'content-type: application/json' -d '`)).toBe(true);
      const body = command.slice(command.indexOf(" -d '") + 5, -1).replaceAll(`'\\''`, `'`);
      expect(JSON.parse(body)).toEqual({ inputs: { u: 1, v: 2 }, expr: 'f = u * v + u ** 2' });
    });

    it('has a favicon, served from dist/web, and hashed asset names never become metric route labels', async () => {
      const href = await page.locator('link[rel="icon"]').getAttribute('href');
      expect(href).toBe('/favicon.svg');
      const icon = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
      }, href!);
      expect(icon.status).toBe(200);
      expect(icon.type).toContain('image/svg+xml');
      expect(icon.body).toContain('<svg');
      const assets = await page.evaluate(() => [...document.querySelectorAll<HTMLScriptElement | HTMLLinkElement>('script[src], link[rel="stylesheet"]')].map((e) => ('src' in e ? e.src : e.href)));
      expect(assets.some((url) => /\/assets\/index-[\w-]+\.js$/.test(url))).toBe(true);
      const metrics = await (await fetch(`${origin}/metrics`)).text();
      expect(metrics).toMatch(/route="\/assets\/\*"/);
      expect(metrics).not.toMatch(/route="\/assets\/index-/);
    });
  });

  describe('shareable links', () => {
    it('puts the program in the URL fragment, and opening that link restores it', async () => {
      await page.click('#tab-expression');
      await pickExample('custom-sq');
      await page.fill('#program', 'y = SQ(x) * 3  # ünïcode survives');
      await page.click('#share');
      const link = page.url();
      expect(link).toMatch(/#evaluate=[A-Za-z0-9_-]+$/);
      const encoded = link.slice(link.indexOf('#evaluate=') + '#evaluate='.length);
      const request = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
      expect(request).toEqual({
        inputs: { x: 2 },
        expr: 'y = SQ(x) * 3  # ünïcode survives',
        functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } },
      });

      const other = await openPage(link);
      expect(await other.inputValue('#program')).toBe('y = SQ(x) * 3  # ünïcode survives');
      expect(JSON.parse(await other.inputValue('#inputs'))).toEqual({ x: 2 });
      expect(JSON.parse(await other.inputValue('#functions'))).toEqual(request.functions);
      await other.click('#run');
      await other.waitForSelector('body[data-state="idle"]');
      await expect.poll(() => other.locator('#tensors tr[data-name="y"] td.repr').textContent()).toBe('tensor(12., grad_fn=<MulBackward0>)');
      await other.close();
    });

    it('restores notebook cells from a link made by Run all', async () => {
      await openNotebook(page, 'grad-mode-forgot');
      await page.locator('#cells .cell textarea').nth(1).fill('print(x.grad, "shared")');
      await runAll();
      const link = page.url();
      expect(link).toMatch(/#run=[A-Za-z0-9_-]+$/);
      const other = await openPage(link);
      expect(await other.locator('#notebook-mode').isVisible()).toBe(true);
      const cells = await other.locator('#cells .cell textarea').evaluateAll((all) => all.map((t) => (t as HTMLTextAreaElement).value));
      expect(cells).toHaveLength(3);
      expect(cells[1]).toBe('print(x.grad, "shared")');
      await runAll(other);
      expect(await other.locator('#cells .cell').nth(1).locator('pre.stdout').textContent()).toBe('None shared\n');
      await other.close();
    });
  });

  describe('notebook mode', () => {
    it("runs the lab's 19 cells and shows each output under its cell, with the figures drawn", async () => {
      await openNotebook(page, 'lab');
      expect(await page.locator('#cells .cell').count()).toBe(19);
      await runAll();
      const cell = (n: number) => page.locator('#cells .cell').nth(n);
      await expect.poll(() => cell(1).locator('pre.stdout').textContent()).toBe('The tensor x:  tensor(2., requires_grad=True)\n');
      expect(await cell(1).locator('.prompt').first().textContent()).toBe('In [2]:');
      expect(await cell(3).locator('pre.stdout').textContent()).toBe('The dervative at x = 2:  tensor(4.)\n');
      // The custom Function's cell: print() and then Out[10] for the last expression.
      expect(await cell(9).locator('pre.stdout').textContent()).toMatch(/^<torch\.autograd\.function\.SQBackward object at 0x[0-9a-f]+>\n$/);
      expect(await cell(9).locator('.display .prompt').textContent()).toBe('Out[10]:');
      expect(await cell(9).locator('.display pre').textContent()).toBe('tensor(4.)');
      expect(await cell(0).locator('.cell-output').isHidden()).toBe(true);

      // The two plot cells: function and derivative, labelled, with the legend above the axes.
      for (const n of [14, 15]) {
        const image = cell(n).locator('img.figure');
        expect(await image.count()).toBe(1);
        expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 300)).toBe(true);
        const drawn = await readSvg(page, `#cells .cell:nth-child(${n + 1}) img.figure`);
        expect(drawn.lines).toHaveLength(2);
        expect(drawn.legendLabels).toEqual(['function', 'derivative']);
        expect(drawn.legendBottom).toBeLessThan(drawn.area.y);
        expect(drawn.texts).toContain('x');
      }
      await cell(15).locator('img.figure').screenshot({ path: join(ARTIFACTS, 'notebook-relu-figure.png') });

      // The variables at the end, tensors as PyTorch prints them, grads too.
      const variable = (name: string) => page.locator(`#variables tr[data-name="${name}"]`);
      expect(await variable('u').locator('td.repr pre').textContent()).toBe('tensor(2., requires_grad=True)');
      expect(await variable('u').locator('td.grad pre').textContent()).toBe('tensor(5.)');
      expect(await variable('f').locator('td.grad pre').textContent()).toBe('None');
      expect(await variable('x').locator('td.grad pre').textContent()).toBe(fixture('relu_x_grad.txt'));
      expect(await variable('sq').count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'notebook-lab.png'), fullPage: true });
      // The view of the README's picture: the sum-trick plot, the variables beside it.
      await cell(13).evaluate((element) => element.scrollIntoView());
      expect(await page.locator('#variables-box').isVisible()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'notebook-lab-view.png') });
    });

    it('shows an error as TypeName: message with the line, and later cells still run', async () => {
      await openNotebook(page, 'grad-mode-forgot');
      await runAll();
      const first = page.locator('#cells .cell').nth(0);
      expect(await first.locator('pre.stdout').textContent()).toBe('False\n');
      expect(await first.locator('.cell-error .error-head').textContent()).toBe('RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn');
      expect(await first.locator('.cell-error pre.where').textContent()).toBe('Cell In[1], line 5\n----> 5 y.backward()');
      expect(await page.locator('#cells .cell').nth(1).locator('pre.stdout').textContent()).toBe('None\n');
      const third = page.locator('#cells .cell').nth(2);
      expect(await third.locator('.display .prompt').textContent()).toBe('Out[3]:');
      expect(await third.locator('.display pre').textContent()).toBe('tensor(12.)');
      await page.screenshot({ path: join(ARTIFACTS, 'notebook-error.png'), fullPage: true });
    });

    it('shows a figure as the server drew it (scatter points too), and draws one from its data when the answer has no svg', async () => {
      const cells = ['import torch\nimport matplotlib.pyplot as plt\nx = torch.linspace(0, 1, 5)\nplt.scatter(x.numpy(), (x ** 2).numpy(), label="points")\nplt.title("squares")\nplt.legend()\nplt.show()'];
      const notebook = await openPage(`${origin}/#run=${Buffer.from(JSON.stringify({ cells })).toString('base64url')}`);
      await runAll(notebook);
      const scatter = await notebook.locator('#cells img.figure').evaluate(async (img: HTMLImageElement) => {
        const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
        return { circles: svg.querySelectorAll('g.mark-symbol circle').length, texts: [...svg.querySelectorAll('text')].map((t) => t.textContent) };
      });
      expect(scatter.circles).toBe(5);
      expect(scatter.texts).toEqual(expect.arrayContaining(['squares', 'points']));

      // An answer without svg (an older server): the page draws the data with the same writer; NaN leaves a gap.
      await notebook.route('**/v1/run', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            cells: [{ stdout: '', display: null, error: null, figures: [{ lines: [{ x: [0, 1, 2, 3, 4], y: [0, 1, 'NaN', 9, 16], label: 'with a hole' }], xlabel: 'x', ylabel: null, title: 'from data', legend: true }] }],
            variables: {},
          }),
        }),
      );
      await runAll(notebook);
      const drawn = await readSvg(notebook, '#cells img.figure');
      expect(drawn.texts).toEqual(expect.arrayContaining(['from data', 'with a hole', 'x']));
      expect(drawn.lines).toHaveLength(1);
      const path = await notebook.locator('#cells img.figure').evaluate(async (img: HTMLImageElement) => {
        const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml');
        return svg.querySelector('g.mark-line path')?.getAttribute('d') ?? '';
      });
      expect(path.match(/M/g)).toHaveLength(2);
      await notebook.close();
    });

    it('adds, moves and deletes cells; Run all runs them in their new order', async () => {
      await openNotebook(page, 'grad-mode-forgot');
      const cells = page.locator('#cells .cell');
      const sources = () => cells.locator('textarea').evaluateAll((all) => all.map((t) => (t as HTMLTextAreaElement).value));
      // + below the second cell, then type into it.
      await cells.nth(1).locator('button[data-action="add"]').click();
      expect(await cells.count()).toBe(4);
      await cells.nth(2).locator('textarea').fill('z = 10\nz + 1');
      // Move it to the end, past the third cell.
      await cells.nth(2).locator('button[data-action="move"][title="move down"]').click();
      expect((await sources())[3]).toBe('z = 10\nz + 1');
      // Add one at the end with the toolbar button, and delete the print cell.
      await page.click('#add-cell');
      await cells.nth(4).locator('textarea').fill('print(z * 2)');
      await cells.nth(1).locator('button[data-action="delete"]').click();
      expect(await sources()).toEqual([expect.stringContaining('import torch'), expect.stringContaining('x.requires_grad_()'), 'z = 10\nz + 1', 'print(z * 2)']);
      await cells.nth(3).locator('button[data-action="move"][title="move up"]').click();
      expect((await sources()).slice(2)).toEqual(['print(z * 2)', 'z = 10\nz + 1']);

      await runAll();
      // z is bound only in the last cell: the cell above it fails with Python's NameError.
      expect(await cells.nth(2).locator('.cell-error .error-head').textContent()).toBe("NameError: name 'z' is not defined");
      expect(await cells.nth(3).locator('.display').textContent()).toBe('Out[4]:11');
      expect(await page.locator('#variables tr[data-name="z"] td.repr').textContent()).toBe('10');
      expect(await page.locator('#variables tr[data-name="z"] td.name small').textContent()).toBe('int');
    });
  });

  describe('grade view', () => {
    const mockAnswer = (cells: string[]) => ({
      score: 3,
      max_score: 5,
      tests: [
        { name: 'f at u = 2, v = 1', points: 1, max_points: 1, passed: true, message: null, error: null },
        { name: 'df/du', points: 2, max_points: 2, passed: true, message: null, error: null },
        { name: 'df/dv', points: 0, max_points: 2, passed: false, message: 'df/dv at (2, 1) should be 10, got tensor(4.)', error: null },
        { name: 'broken test', points: 0, max_points: 0, passed: false, message: null, error: { type: 'NameError', message: "name 'w' is not defined" } },
      ],
      submission: {
        cells: cells.map((_, i) => ({ stdout: i === 0 ? 'graded run\n' : '', display: null, error: null, figures: [] })),
        variables: { f: { type: 'float', repr: '6.0' } },
      },
      feedback: 'You earned 3 of 5 points. df/dv: df/dv at (2, 1) should be 10, got tensor(4.).',
    });

    it('sends the cells and the hidden tests to POST /v1/grade and shows the score, each test and the feedback', async () => {
      await openNotebook(page, 'lab');
      let sent: { submission: { cells: string[] }; tests: { name: string; points: number; source: string }[] } | null = null;
      await page.route('**/v1/grade', async (route) => {
        sent = route.request().postDataJSON();
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(mockAnswer(sent!.submission.cells)) });
      });
      try {
        expect(await page.locator('#grade .grade-test').count()).toBe(3);
        // A fourth, hand-written test.
        await page.click('#grade button:has-text("+ Test")');
        const added = page.locator('#grade .grade-test').nth(3);
        await added.locator('input.test-name').fill('broken test');
        await added.locator('input.test-points').fill('0');
        await added.locator('textarea').fill('assert w == 1');
        await page.click('#grade-run');
        await page.waitForSelector('#grade-result:not([hidden])');

        expect(sent!.submission.cells).toHaveLength(19);
        expect(sent!.submission.cells[18]).toContain('f = u * v + (u * v) ** 2');
        expect(sent!.tests.map((t) => [t.name, t.points])).toEqual([['f at u = 2, v = 1', 1], ['df/du', 2], ['df/dv', 2], ['broken test', 0]]);
        expect(sent!.tests[3].source).toBe('assert w == 1');

        expect(await page.locator('#grade .score strong').textContent()).toBe('3 / 5');
        const result = (name: string) => page.locator(`#grade .grade-results li[data-name="${name}"]`);
        expect(await result('df/du').getAttribute('class')).toBe('passed');
        expect(await result('df/dv').getAttribute('class')).toBe('failed');
        expect(await result('df/dv').locator('.points').textContent()).toBe('0/2');
        expect(await result('df/dv').locator('pre.why').textContent()).toBe('df/dv at (2, 1) should be 10, got tensor(4.)');
        expect(await result('broken test').locator('pre.why').textContent()).toBe("NameError: name 'w' is not defined");
        expect(await page.locator('#grade .feedback').textContent()).toBe(mockAnswer([]).feedback);
        // The graded submission's outputs are shown in the notebook.
        expect(await page.locator('#cells .cell').nth(0).locator('pre.stdout').textContent()).toBe('graded run\n');
        await page.screenshot({ path: join(ARTIFACTS, 'notebook-grade.png'), fullPage: true });
      } finally {
        await page.unroute('**/v1/grade');
      }
    });

    it("grades the lab with the real POST /v1/grade (the practice's 5 points), or says this server has none", async () => {
      await openNotebook(page, 'lab');
      await page.click('#grade-run');
      await page.waitForSelector('#grade-run:not([disabled])');
      if (!app.hasRoute({ method: 'POST', url: '/v1/grade' })) {
        expect(await page.locator('#grade .problem h2').textContent()).toBe('No grading here');
        return;
      }
      await page.waitForSelector('#grade-result:not([hidden])');
      expect(await page.locator('#grade .score strong').textContent()).toBe('5 / 5');
      expect(await page.locator('#grade .grade-results li.passed').count()).toBe(3);
      expect(await page.locator('#grade .feedback').textContent()).not.toBe('');
      expect(await page.locator('#cells .cell').nth(1).locator('pre.stdout').textContent()).toBe('The tensor x:  tensor(2., requires_grad=True)\n');
    });

    it('refuses to send a test without a name or source, and says why', async () => {
      await openNotebook(page, 'lab');
      await page.locator('#grade .grade-test').nth(1).locator('textarea').fill('  ');
      await page.click('#grade-run');
      expect(await page.locator('#grade .problem .detail').textContent()).toBe('Every test needs a name, points (0 or more) and some Python; check "df/du".');
    });
  });

  describe('at 390 px wide (a phone)', () => {
    it('keeps both modes usable: nothing wider than the screen, buttons on screen', async () => {
      const phone = await openPage(origin, { width: 390, height: 844 });
      // The page's own width (the viewport less a scrollbar): nothing may stick out of it.
      const width = () => phone.evaluate(() => document.documentElement.clientWidth);
      const overflow = () => phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await runExample('quadratic', phone);
      await expect.poll(() => phone.locator('#tensors tr[data-name="x"] td.grad pre').textContent()).toBe('tensor(6.)');
      expect(await overflow()).toBeLessThanOrEqual(0);
      for (const selector of ['#run', '#copy-curl', '#share', '#tab-notebook']) {
        const box = await phone.locator(selector).boundingBox();
        expect(box, selector).not.toBeNull();
        expect(box!.x + box!.width, selector).toBeLessThanOrEqual(await width());
      }
      await phone.screenshot({ path: join(ARTIFACTS, 'phone-expression.png'), fullPage: true });

      await runExample('relu', phone);
      await phone.waitForSelector('#plot:not([hidden])');
      expect(await overflow()).toBeLessThanOrEqual(0);
      const plot = await phone.locator('#plot-image').boundingBox();
      expect(plot!.x + plot!.width).toBeLessThanOrEqual(await width());
      await phone.screenshot({ path: join(ARTIFACTS, 'phone-relu.png'), fullPage: true });

      await openNotebook(phone, 'lab');
      await runAll(phone);
      await expect.poll(() => phone.locator('#cells .cell').nth(15).locator('img.figure').count()).toBe(1);
      expect(await overflow()).toBeLessThanOrEqual(0);
      const figure = await phone.locator('#cells .cell').nth(15).locator('img.figure').boundingBox();
      expect(figure!.x + figure!.width).toBeLessThanOrEqual(await width());
      const grade = await phone.locator('#grade').boundingBox();
      expect(grade!.x + grade!.width).toBeLessThanOrEqual(await width());
      const textarea = await phone.locator('#cells .cell').nth(8).locator('textarea').boundingBox();
      expect(textarea!.width).toBeGreaterThan(300);
      await phone.screenshot({ path: join(ARTIFACTS, 'phone-notebook.png'), fullPage: false });
      await phone.screenshot({ path: join(ARTIFACTS, 'phone-notebook-full.png'), fullPage: true });
      await phone.close();
    });
  });
});
