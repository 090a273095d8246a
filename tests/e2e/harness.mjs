// Helpers of the browser tests: a tiny test runner, the growthlens server, Chromium, chart probes.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// playwright-core is a devDependency of the dashboard (web/package.json).
const require = createRequire(new URL('../../web/package.json', import.meta.url));
function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch {
    console.error('tests/e2e: playwright-core is missing; run `npm ci` in web/ (scripts/install-deps.sh does)');
    process.exit(2);
  }
}
export const { chromium } = loadPlaywright();

// ---------------------------------------------------------------- runner
const tests = [];
/** A test; `setup` ones run even when --only picks others. */
export function test(name, fn, { setup = false } = {}) { tests.push({ name, fn, setup }); }

export async function runAll({ filter } = {}) {
  let failed = 0;
  let passed = 0;
  const started = Date.now();
  for (const t of tests) {
    if (filter && !t.setup && !t.name.includes(filter)) continue;
    const t0 = Date.now();
    try {
      await t.fn();
      passed += 1;
      console.log(`ok ${passed + failed} - ${t.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failed += 1;
      console.log(`not ok ${passed + failed} - ${t.name} (${Date.now() - t0} ms)`);
      console.log(`  ${String(err && err.stack ? err.stack : err).split('\n').slice(0, 6).join('\n  ')}`);
    }
  }
  console.log(`# ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed;
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function eq(actual, expected, message) {
  if (actual !== expected) throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// ---------------------------------------------------------------- server
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Long options `growthlens serve --help` lists. */
export function serveOptions(bin) {
  const r = spawnSync(bin, ['serve', '--help'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} serve --help failed: ${r.stderr || r.error}`);
  return new Set((r.stdout.match(/--[a-z][a-z-]*/g) || []));
}

/**
 * Starts `growthlens serve ARGS --port <free>` in `cwd` and waits until /api/v1/status answers
 * with `ready(status)` true (asked with `headers`, e.g. a key). Returns {url, stop(), log()}.
 */
export async function startServer(bin, args, { cwd, ready = () => true, timeoutMs = 60000, headers = {} } = {}) {
  const port = await freePort();
  const child = spawn(bin, ['serve', ...args, '--port', String(port)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`growthlens serve exited (${JSON.stringify(exited)}):\n${output.slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/v1/status`, { headers });
      if (r.ok) {
        const s = await r.json();
        if (!s.busy && ready(s)) break;
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`growthlens serve did not become ready in ${timeoutMs} ms:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    log: () => output,
    stop: () => new Promise((resolve) => {
      if (exited) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 3000).unref();
    }),
  };
}

// ---------------------------------------------------------------- browser
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  assert(fs.existsSync(executablePath), `${executablePath} is missing: apt-get install -y chromium (or set CHROMIUM)`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage', '--disable-component-update', '--no-first-run'],
  });
}

// Messages of Chromium's software WebGL (the 3D scatter, drawn by SwiftShader without a GPU), not
// of the dashboard; they say nothing about the page.
const BROWSER_NOISE = [
  /GL Driver Message/,
  /GPU stall due to ReadPixels/,
  /Automatic fallback to software WebGL has been deprecated/,
  /Canvas2D: Multiple readback operations using getImageData are faster with the willReadFrequently attribute/,
];

/** A page that records console errors and warnings, page errors, failed requests and off-site requests. */
export async function newPage(context, baseUrl) {
  const page = await context.newPage();
  const problems = [];
  const origin = new URL(baseUrl).origin;
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const text = m.text();
    if (BROWSER_NOISE.some((re) => re.test(text))) return;
    problems.push(`console ${m.type()}: ${text}${m.location() && m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const f = r.failure();
    if (f && /ERR_ABORTED/.test(f.errorText)) return; // a fetch cancelled by a page change
    problems.push(`request failed: ${r.url()} ${f ? f.errorText : ''}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('about:')) problems.push(`off-site request: ${u}`);
  });
  page.problems = problems;
  /** Problems since the last call, minus those matching `allow`. */
  page.takeProblems = (allow = []) => {
    const out = problems.splice(0).filter((p) => !allow.some((re) => re.test(p)));
    return out;
  };
  return page;
}

/** Waits until the dashboard has drawn the page `id` and every request it made has settled. */
export async function waitReady(page, id, timeout = 30000) {
  await page.waitForFunction((pid) => {
    const m = document.getElementById('main');
    return m && m.dataset.page === pid && m.dataset.state === 'ready';
  }, id, { timeout, polling: 50 });
}

/** Navigates to #/id (home: '') and waits for it. */
export async function openPage(page, baseUrl, id) {
  const hash = id === 'home' ? '' : id;
  await page.goto(`${baseUrl}/#/${hash}`);
  await waitReady(page, id);
}

/** After an interaction: the page goes busy then ready again. */
export async function settle(page) {
  await page.waitForTimeout(60);
  await page.waitForFunction(() => document.getElementById('main').dataset.state === 'ready', null, { timeout: 30000, polling: 50 });
}

/**
 * What Plotly drew in [data-chart=id]: its traces with their point counts (x values, labels of
 * treemaps and pies, non-empty z cells of heatmaps), read from the graph div itself.
 */
export async function chart(page, id) {
  return page.evaluate((cid) => {
    const el = document.querySelector(`[data-chart="${cid}"]`);
    if (!el) return { missing: true };
    if (!el.classList.contains('js-plotly-plot') || !Array.isArray(el.data)) return { drawn: false, state: el.dataset.state || '', text: el.textContent.slice(0, 300) };
    const count = (t) => {
      if (t.type === 'heatmap') return (t.z || []).reduce((a, row) => a + (Array.isArray(row) ? row.filter((v) => v !== null && v !== undefined).length : 0), 0);
      if (t.type === 'treemap' || t.type === 'pie' || t.type === 'sunburst') return (t.labels || []).length;
      const xs = t.x || t.y || [];
      return xs.length;
    };
    const svgMarks = el.querySelectorAll('.main-svg .trace, .main-svg .hm, .main-svg .slice, .gl-container canvas, image').length;
    return {
      drawn: true,
      traces: el.data.length,
      points: el.data.map(count),
      total: el.data.map(count).reduce((a, b) => a + b, 0),
      names: el.data.map((t) => t.name || ''),
      marks: svgMarks,
      width: el.getBoundingClientRect().width,
    };
  }, id);
}

/** Asserts a chart is drawn with at least `minTraces` traces and `minPoints` points. */
export async function expectChart(page, id, { minTraces = 1, minPoints = 1 } = {}) {
  const c = await chart(page, id);
  assert(!c.missing, `chart ${id} is missing`);
  assert(c.drawn, `chart ${id} is not drawn (state ${c.state}: ${c.text})`);
  assert(c.traces >= minTraces, `chart ${id}: ${c.traces} traces, expected >= ${minTraces}`);
  assert(c.total >= minPoints, `chart ${id}: ${c.total} points, expected >= ${minPoints}`);
  assert(c.marks > 0, `chart ${id}: nothing on screen`);
  assert(c.width > 200, `chart ${id}: ${c.width}px wide`);
  return c;
}

export async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).trim();
}

export function parseNumber(s) {
  return Number(String(s).replace(/[^0-9.-]/g, ''));
}
