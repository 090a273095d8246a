#!/usr/bin/env node
// Browser tests of the GrowthLens dashboard: headless Chromium (Debian's) driven by playwright-core.
//
//   node tests/e2e/run.mjs build/growthlens [--screenshots docs/screenshots | --no-screenshots] [--only NAME]
//
// Starts `growthlens serve --demo` (small demo) and an empty `growthlens serve` on free ports,
// opens every page, checks that each chart is drawn with data, that filters change what is drawn,
// uploads of both schemas and a bad upload, the downloads' content types and the offline report,
// and that no page logs an error or warning. Saves a screenshot of each page. Exits 1 on failure.
// Needs: /usr/bin/chromium (or CHROMIUM=path) and `npm ci` in web/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  test, runAll, assert, eq, startServer, serveOptions, tempDir, launchBrowser, newPage, openPage,
  waitReady, settle, chart, expectChart, text, parseNumber,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const noShots = argv.includes('--no-screenshots');
if (noShots) argv.splice(argv.indexOf('--no-screenshots'), 1);
const shotsDir = noShots ? null : path.resolve(flag('--screenshots') || path.join(repo, 'docs', 'screenshots'));
const only = flag('--only');
const demoUrl = flag('--url'); // development: use a running server with the demo loaded
const emptyUrl = flag('--empty-url'); // development: a running server with nothing loaded
const bin = argv[0] ? path.resolve(argv[0]) : null;
if (!bin && !(demoUrl && emptyUrl)) {
  console.error('usage: node tests/e2e/run.mjs path/to/growthlens [--screenshots DIR | --no-screenshots] [--only NAME]');
  process.exit(2);
}

// ---------------------------------------------------------------- fixtures
const work = tempDir('growthlens-e2e-');

// A small usage log: 30 users, 3 features, 2 months; every row valid.
function usageCsv() {
  const lines = ['user_id,signup_date,event_date,feature_name,events_count'];
  const features = ['Alpha', 'Beta', 'Gamma'];
  for (let u = 1; u <= 30; u += 1) {
    const signup = `2024-03-${String(1 + (u % 20)).padStart(2, '0')}`;
    for (let d = 0; d < 1 + (u % 7); d += 1) {
      const day = new Date(Date.UTC(2024, 2, 1 + (u % 20) + d * 3));
      const date = day.toISOString().slice(0, 10);
      for (let f = 0; f <= u % 3; f += 1) lines.push(`${u},${signup},${date},${features[f]},${1 + ((u + d + f) % 5)}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, rows: lines.length - 1 };
}

// Online Retail style: 12 customers, their invoices; 2 cancelled lines and 2 without CustomerID.
function transactionsCsv() {
  const lines = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  let invoice = 600000;
  const countries = ['United Kingdom', 'France', 'Germany'];
  for (let c = 0; c < 12; c += 1) {
    for (let o = 0; o <= c % 4; o += 1) {
      invoice += 1;
      const when = `2024-0${1 + ((c + o) % 6)}-${String(3 + o * 5).padStart(2, '0')} 1${o}:30:00`;
      for (let l = 0; l < 2; l += 1) lines.push(`${invoice},${20000 + c * 10 + l},"ITEM ${c}-${l}, BOXED",${1 + l + o},${when},${(1.5 + c * 0.25 + l).toFixed(2)},${17000 + c},${countries[c % 3]}`);
    }
  }
  const kept = lines.length - 1;
  lines.push('C600900,20001,ITEM RETURN,-1,2024-04-04 10:00:00,2.50,17001,United Kingdom');
  lines.push('C600901,20002,ITEM RETURN,-2,2024-04-05 11:00:00,3.50,17002,France');
  lines.push('600902,20003,NO CUSTOMER,1,2024-04-06 12:00:00,4.00,,United Kingdom');
  lines.push('600903,20004,NO CUSTOMER,2,2024-04-07 13:00:00,5.00,,France');
  return { text: `${lines.join('\n')}\n`, rows: kept, read: lines.length - 1 };
}

// An event log: 20 users who sign up, then open reports or search at times of day.
function eventsCsv() {
  const lines = ['user_id,timestamp,event'];
  for (let u = 1; u <= 20; u += 1) {
    lines.push(`e${u},2024-04-${String(1 + (u % 20)).padStart(2, '0')}T08:15:00Z,sign_up`);
    for (let d = 1; d <= 1 + (u % 4); d += 1) lines.push(`e${u},2024-04-${String(2 + (u % 20) + d).padStart(2, '0')}T1${d}:30:00Z,${d % 2 ? 'open_report' : 'search'}`);
  }
  return { text: `${lines.join('\n')}\n`, rows: lines.length - 1 };
}

const usage = usageCsv();
const transactions = transactionsCsv();
const events = eventsCsv();
const files = {
  events: path.join(work, 'tiny_events.csv'),
  usage: path.join(work, 'tiny_usage.csv'),
  transactions: path.join(work, 'tiny_retail.csv'),
  bad: path.join(work, 'wrong_columns.csv'),
  unknown: path.join(work, 'app_export.csv'),
};
fs.writeFileSync(files.usage, usage.text);
fs.writeFileSync(files.events, events.text);
fs.writeFileSync(files.transactions, transactions.text);
fs.writeFileSync(files.bad, 'name,colour,size\nshirt,blue,M\nsock,red,S\n');
// An export with its own column names: mapped by hand on the page. One member id starts with
// "=", which a spreadsheet would run as a formula.
const unknownRows = ['member,day,action,times'];
for (let u = 0; u < 12; u += 1) for (let d = 0; d < 3; d += 1) unknownRows.push(`${u === 0 ? '=1+2' : `m${u}`},2024-05-${String(1 + d * 4 + (u % 3)).padStart(2, '0')},${['open', 'share', 'save'][(u + d) % 3]},${1 + ((u + d) % 4)}`);
fs.writeFileSync(files.unknown, `${unknownRows.join('\n')}\n`);

// ---------------------------------------------------------------- shared state
let demo;
let empty;
let browser;
let context;
let page;
const fmtInt = (n) => new Intl.NumberFormat('en-US').format(n);

async function shot(name) {
  if (!shotsDir) return;
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.mouse.move(1, 1); // no hover labels or mode bars in the picture
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(250); // transitions of the last redraw
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

function noProblems(p = page, allow = []) {
  const problems = p.takeProblems(allow);
  assert(problems.length === 0, `the page logged:\n    ${problems.join('\n    ')}`);
}

async function getJson(base, route) {
  const r = await fetch(`${base}/api/v1/${route}`);
  assert(r.ok, `${route}: HTTP ${r.status}`);
  return r.json();
}

// ---------------------------------------------------------------- pages with the demo data
test('the demo server starts and holds its three data sets', async () => {
  if (demoUrl) {
    demo = { url: demoUrl, stop: async () => {} };
  } else {
    const options = serveOptions(bin);
    const args = ['--demo'];
    // A small demo keeps the run short.
    if (options.has('--users')) args.push('--users', '1500', '--customers', '1000');
    if (options.has('--data-dir')) args.push('--data-dir', path.join(work, 'demo-data'));
    fs.mkdirSync(path.join(work, 'demo'), { recursive: true });
    demo = await startServer(bin, args, { cwd: path.join(work, 'demo'), ready: (s) => (s.datasets || []).length === 3 });
  }
  const s = await getJson(demo.url, 'status');
  eq(s.datasets.map((d) => d.kind).sort().join(','), 'events,transactions,usage', 'data sets held');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await newPage(context, demo.url);
}, { setup: true });

test('Home shows what is loaded with the cleaning report', async () => {
  await openPage(page, demo.url, 'home');
  const s = await getJson(demo.url, 'status');
  for (const d of s.datasets) {
    const card = `[data-testid="dataset-${d.kind}"]`;
    eq(await text(page, `${card} [data-stat="rows"] .stat-value`), fmtInt(d.rows), `${d.kind} rows on Home`);
    eq(await text(page, `${card} [data-stat="users"] .stat-value`), fmtInt(d.users), `${d.kind} users on Home`);
    const rules = await page.locator(`${card} [data-table^="cleaning"] tbody tr`).count();
    assert(rules >= 4, `${d.kind}: ${rules} cleaning rules listed`);
  }
  // The transactions demo has duplicates, cancellations and missing ids for the report to count.
  const cleaning = await text(page, '[data-testid="dataset-transactions"] [data-table^="cleaning"]');
  assert(/missing CustomerID/i.test(cleaning), 'the cleaning report names missing CustomerIDs');
  assert(await page.locator('.nav a').count() === 13, 'thirteen pages in the navigation');
  noProblems();
  await shot('home');
});

test('Overview: KPI cards, personas and insights', async () => {
  await page.evaluate(() => sessionStorage.setItem('growthlens.dataset', 'usage'));
  await openPage(page, demo.url, 'overview');
  const kpis = await getJson(demo.url, 'kpis?dataset=usage');
  eq(await text(page, '[data-kpi="users"] .kpi-value'), fmtInt(kpis.users), 'users KPI');
  eq(await page.locator('[data-testid="kpis"] .kpi').count(), 6, 'KPI cards');
  const insights = await page.locator('[data-testid="insights"] .insight').count();
  const expected = (await getJson(demo.url, 'insights?dataset=usage')).insights.length;
  eq(insights, expected, 'insights shown');
  const seg = await getJson(demo.url, 'segment?dataset=usage');
  const c = await expectChart(page, 'overview-personas', { minTraces: 2 });
  eq(c.points[0], seg.personas.length, 'personas in the chart');
  eq(await page.locator('[data-table="personas"] tbody tr').count(), seg.personas.length, 'persona rows');
  // One persona model: the four tiers, with the k sweep's advice beside them.
  eq(seg.personas.length, 4, 'the four tiers');
  eq(seg.training.k_choice, 'four tiers', 'the default persona model');
  assert((await text(page, '[data-testid="persona-advice"]')).includes('four actionable tiers'), 'the sweep is shown as advice');
  // Numbers that do not follow the KPI period say "all time".
  eq(await text(page, '[data-testid="scope-insights"]'), 'all time', 'insights are all time');
  eq(await text(page, '[data-testid="scope-personas"]'), 'all time', 'personas are all time');
  noProblems();
  await shot('overview');
  // A KPI period: the cards follow it (users active in it), the rest stays all time.
  await page.locator('input[data-filter="from"]').fill('2025-10-01');
  await page.locator('input[data-filter="from"]').dispatchEvent('change');
  await settle(page);
  const q4 = await getJson(demo.url, 'kpis?dataset=usage&from=2025-10-01');
  eq(q4.window.all_time, false, 'the API says the KPIs cover a period');
  eq(await text(page, '[data-kpi="users"] .kpi-value'), fmtInt(q4.active_users), 'users active in the KPI period');
  assert(q4.active_users < kpis.users, `fewer users active in Q4 (${q4.active_users} < ${kpis.users})`);
  eq(await text(page, '[data-testid="scope-insights"]'), 'all time', 'insights still all time');
  await page.locator('[data-filter="from"] ~ button.link, .range button.link').first().click();
  await settle(page);

  // The data switch shows the transactions' KPIs.
  await page.locator('[data-control="dataset"] button[data-value="transactions"]').click();
  await waitReady(page, 'overview');
  const tk = await getJson(demo.url, 'kpis?dataset=transactions');
  eq(await text(page, '[data-kpi="orders"] .kpi-value'), fmtInt(tk.orders), 'orders KPI of the transactions');
  await expectChart(page, 'overview-personas', { minTraces: 2 });
  noProblems();
  await page.evaluate(() => sessionStorage.setItem('growthlens.dataset', 'usage'));
});

test('Feature Usage: charts with data, and the filters change them', async () => {
  await openPage(page, demo.url, 'usage');
  const all = await getJson(demo.url, 'usage?dataset=usage');
  const nFeatures = all.features.length;
  const totals = await expectChart(page, 'usage-totals', { minTraces: 2 });
  eq(totals.points[0], nFeatures, 'bars in the totals chart');
  const series = await expectChart(page, 'usage-series', { minTraces: nFeatures });
  eq(series.traces, nFeatures, 'one series per feature');
  await expectChart(page, 'usage-engagement', { minPoints: nFeatures });
  const corr = await expectChart(page, 'usage-correlation');
  eq(corr.total, nFeatures * nFeatures, 'correlation cells');
  eq(await page.locator('[data-table="features"] tbody tr').count(), nFeatures, 'feature table rows');
  noProblems();
  await shot('feature-usage');

  // One feature: one series, one bar.
  const first = all.features[0].feature;
  await page.locator('[data-filter="features"] > button').click();
  await page.locator(`[data-filter="features"] [data-only="${first}"]`).click();
  await settle(page);
  let s = await chart(page, 'usage-series');
  eq(s.traces, 1, 'series traces with one feature');
  eq(s.names[0], first, 'the series drawn');
  eq((await chart(page, 'usage-totals')).points[0], 1, 'bars with one feature');
  // Back to all features: the choice applies when the panel closes.
  await page.locator('[data-filter="features"] > button').click();
  await page.locator('[data-filter="features"] .tools button', { hasText: 'All' }).click();
  await page.keyboard.press('Escape');
  await settle(page);
  eq((await chart(page, 'usage-series')).traces, nFeatures, 'series traces with all features again');

  // A date range: fewer periods.
  const before = (await chart(page, 'usage-series')).total;
  await page.locator('input[data-filter="from"]').fill('2025-07-01');
  await page.locator('input[data-filter="from"]').dispatchEvent('change');
  await settle(page);
  s = await chart(page, 'usage-series');
  assert(s.total < before, `a date range from July draws fewer points (${s.total} vs ${before})`);
  const julyOn = await getJson(demo.url, 'usage?dataset=usage&view=series&period=month&from=2025-07-01');
  eq(s.total, julyOn.series.length, 'points drawn = rows of the API');
  await page.locator('[data-filter="from"] ~ button.link, .range button.link').first().click();
  await settle(page);

  // A segment: fewer users and events.
  const usersAll = parseNumber(await text(page, '[data-kpi="active_users"] .kpi-value'));
  await page.locator('[data-filter="segment"] > button').click();
  await page.locator('[data-filter="segment"] [data-only="Champions"]').click();
  await settle(page);
  const usersChampions = parseNumber(await text(page, '[data-kpi="active_users"] .kpi-value'));
  const champions = await getJson(demo.url, 'usage?dataset=usage&segment=Champions');
  eq(usersChampions, champions.active_users, 'active users of the Champions');
  assert(usersChampions < usersAll, `the segment narrows the users (${usersChampions} < ${usersAll})`);
  const bars = (await chart(page, 'usage-totals'));
  assert(bars.total > 0, 'totals drawn for the segment');
  await page.locator('[data-filter="segment"] > button').click();
  await page.locator('[data-filter="segment"] .tools button', { hasText: 'All' }).click();
  await page.keyboard.press('Escape');
  await settle(page);

  // The period switch: weeks give more points than months.
  const months = (await chart(page, 'usage-series')).total;
  await page.locator('[data-control="period"] button[data-value="week"]').click();
  await settle(page);
  const weeks = (await chart(page, 'usage-series')).total;
  assert(weeks > months, `weekly series has more points (${weeks} > ${months})`);
  await page.locator('[data-control="period"] button[data-value="month"]').click();
  await settle(page);
  noProblems();
});

test('RFM Segments: 3D scatter, personas, treemap, R x F grid, silhouette', async () => {
  await openPage(page, demo.url, 'rfm');
  const seg = await getJson(demo.url, 'segment?dataset=usage');
  const k = seg.personas.length;
  const sc = await expectChart(page, 'rfm-scatter', { minTraces: 1, minPoints: 50 });
  assert(sc.traces <= k, `scatter traces (${sc.traces}) are personas (${k})`);
  const dist = await expectChart(page, 'rfm-personas');
  eq(dist.total, k, 'persona bars');
  const tm = await expectChart(page, 'rfm-treemap', { minPoints: 4 });
  const rfm = await getJson(demo.url, 'rfm?dataset=usage');
  eq(tm.total, 1 + rfm.segments.filter((x) => x.users > 0).length, 'treemap tiles (root + segments)');
  const grid = await expectChart(page, 'rfm-grid');
  eq(grid.total, 25, 'R x F cells');
  const sw = await expectChart(page, 'rfm-silhouette', { minTraces: 2 });
  eq(sw.points[0], seg.training.sweep.length, 'silhouette per k');
  eq(await page.locator('[data-table="personas"] tbody tr').count(), k, 'interpretation rows');
  eq(k, 4, 'the default is the four tiers');
  const advice = seg.training.best_silhouette_k === 4 ? 'also the best separated' : 'separates the users more cleanly';
  assert((await text(page, '[data-testid="sweep-advice"]')).includes(advice), 'the k sweep as advice');
  noProblems();

  // Best silhouette: the k the sweep prefers (another number of personas, for exploring).
  await page.locator('select[data-filter="k"]').selectOption('auto');
  await settle(page);
  eq((await chart(page, 'rfm-personas')).total, seg.training.best_silhouette_k, 'persona bars with the best silhouette');

  // k = 4 gives four personas (the four tiers of docs/ANALYTICS.md; the screenshot shows them).
  await page.locator('select[data-filter="k"]').selectOption('4');
  await settle(page);
  eq((await chart(page, 'rfm-personas')).total, 4, 'persona bars with k = 4');
  eq(await page.locator('[data-table="personas"] tbody tr').count(), 4, 'interpretation rows with k = 4');
  eq((await chart(page, 'rfm-scatter')).traces, 4, 'scatter traces with k = 4');
  noProblems();
  await shot('rfm-segments');
  await page.locator('select[data-filter="k"]').selectOption('');
  await settle(page);
  noProblems();
});

test('Cohorts: heatmap with switches, curves, lifecycle', async () => {
  await openPage(page, demo.url, 'cohorts');
  const c = await getJson(demo.url, 'cohorts?dataset=usage&period=month&mode=on&values=percent');
  const heat = await expectChart(page, 'cohort-heatmap');
  const cells = c.cohorts.reduce((a, r) => a + r.values.filter((v) => v !== null).length, 0);
  eq(heat.total, cells, 'observed cells in the heatmap');
  await expectChart(page, 'cohort-curves', { minTraces: 2 });
  const life = await expectChart(page, 'lifecycle', { minTraces: 5 });
  const lc = await getJson(demo.url, 'lifecycle?dataset=usage&period=month');
  eq(life.points[0], lc.periods.length, 'lifecycle periods');
  await expectChart(page, 'stickiness', { minPoints: 7 });
  // The demo's 2024 signup cohorts started before the data: greyed, apart from the average.
  const censored = c.cohorts.filter((r) => r.left_censored).length;
  assert(censored > 0, 'the demo has cohorts that started before the data');
  assert((await text(page, '[data-testid="cohort-notes"]')).includes('started before the data'), 'a note says why they are apart');
  const greyRows = await page.evaluate(() => document.querySelector('[data-chart="cohort-heatmap"]').data[1].z.filter((row) => row.some((v) => v !== null)).length);
  eq(greyRows, censored, 'censored cohorts in the grey layer');
  noProblems();
  await shot('cohorts');

  // Weekly cohorts: more rows; "on or after" changes the values.
  await page.locator('[data-control="period"] button[data-value="week"]').click();
  await settle(page);
  const weekly = await chart(page, 'cohort-heatmap');
  assert(weekly.total !== heat.total, `weekly cohorts draw another grid (${weekly.total} vs ${heat.total} cells)`);
  const rowsWeek = await page.evaluate(() => document.querySelector('[data-chart="cohort-heatmap"]').data[0].y.length);
  assert(rowsWeek > c.cohorts.length, `more weekly cohorts (${rowsWeek}) than monthly (${c.cohorts.length})`);
  await page.locator('[data-control="period"] button[data-value="month"]').click();
  await settle(page);
  const sumZ = () => page.evaluate(() => document.querySelector('[data-chart="cohort-heatmap"]').data[0].z.flat().reduce((a, v) => a + (v || 0), 0));
  const onSum = await sumZ();
  await page.locator('[data-control="mode"] button[data-value="on-or-after"]').click();
  await settle(page);
  const afterSum = await sumZ();
  assert(afterSum > onSum, `"on or after" retains more (${afterSum.toFixed(2)} > ${onSum.toFixed(2)})`);
  await page.locator('[data-control="mode"] button[data-value="on"]').click();
  await settle(page);
  noProblems();
});

test('Revenue: monthly, Pareto, countries, seasonality', async () => {
  await openPage(page, demo.url, 'revenue');
  const m = await getJson(demo.url, 'revenue?dataset=transactions&view=monthly');
  const monthly = await expectChart(page, 'revenue-monthly', { minTraces: 2 });
  eq(monthly.points[0], m.months.length, 'months drawn');
  const countries = await getJson(demo.url, 'revenue?dataset=transactions&view=countries');
  eq((await expectChart(page, 'revenue-countries')).total, Math.min(15, countries.countries.length), 'countries drawn');
  await expectChart(page, 'revenue-pareto', { minPoints: 10 });
  eq((await expectChart(page, 'revenue-seasonality', { minTraces: 2 })).points[0], 12, 'months of the year');
  await page.locator('[data-control="season"] button[data-value="weekday"]').click();
  await settle(page);
  const wd = await chart(page, 'revenue-seasonality');
  eq(wd.points[0], 7, 'weekdays');
  await page.locator('[data-control="season"] button[data-value="month_of_year"]').click();
  await settle(page);
  noProblems();
  await shot('revenue');
});

test('Predictions: risk, model quality, drivers, the action list and value by segment are the API\'s', async () => {
  await page.goto(`${demo.url}/#/predictions?data=transactions`);
  await waitReady(page, 'predictions', 120000);
  const r = await getJson(demo.url, 'predictions?dataset=transactions');
  assert(r.available, `predictions available on the demo transactions: ${r.unavailable}`);
  const risk = await expectChart(page, 'churn-risk');
  eq(risk.total, r.risk.histogram.length, 'risk bins drawn');
  eq(await text(page, '[data-kpi="high"] .kpi-value'), fmtInt(r.risk.high), 'high-risk count shown');
  eq((await expectChart(page, 'churn-roc', { minTraces: 2 })).traces, r.models.length + 1, 'one ROC curve per model and the diagonal');
  await expectChart(page, 'churn-calibration', { minTraces: 2 });
  await expectChart(page, 'churn-gains', { minTraces: 2 });
  eq((await expectChart(page, 'churn-drivers')).total, Math.min(12, r.drivers.length), 'drivers drawn');
  await expectChart(page, 'clv-distribution');
  eq((await expectChart(page, 'clv-segment', { minTraces: 2 })).points[0], Math.min(11, r.by_segment.length), 'segments drawn');
  await expectChart(page, 'clv-persona', { minTraces: 2 });
  await expectChart(page, 'clv-country', { minTraces: 2 });
  eq(await page.locator('[data-testid="prediction-insights"] li').count(), r.insights.length, 'every finding in words');
  const first = await text(page, '[data-table="prediction-users"] tbody tr td');
  eq(first, r.action_list[0].user_id, 'the action list starts with the most value at risk');
  const csv = await (await fetch(`${demo.url}/api/v1/predictions/export?dataset=transactions`)).text();
  eq(csv.trim().split('\n').length - 1, r.risk.users, 'the download lists every scored customer');
  const body = await page.locator('[data-testid="predictions"]').innerText();
  assert(!/--|\.csv|xgboost|eigen|plotly/i.test(body), 'plain words: no flags, file names or library names');
  noProblems();
  await shot('predictions');
  await page.goto(`${demo.url}/#/predictions?data=usage`);
  await waitReady(page, 'predictions', 120000);
  const u = await getJson(demo.url, 'predictions?dataset=usage');
  if (u.available) await expectChart(page, 'risk-segment');
  else assert((await page.locator('[data-testid="predictions-unavailable"]').count()) === 1, 'says there is not enough history');
  noProblems();
});

test('Experiments: live planner, analysis, simulator', async () => {
  await openPage(page, demo.url, 'experiments');
  eq(await text(page, '[data-testid="plan-big"]'), '14,745 users per arm', 'statsmodels case: 10% +1 point');
  await expectChart(page, 'plan-power', { minPoints: 8 });
  noProblems();
  await shot('experiments');

  // Typing updates the answer without a button.
  await page.locator('[data-panel="plan"] input[data-param="baseline"]').fill('0.2');
  await settle(page);
  const plan = await getJson(demo.url, 'experiment/plan?baseline=0.2&effect=0.01');
  eq(await text(page, '[data-testid="plan-big"]'), `${fmtInt(plan.n_control)} users per arm`, 'live result');
  // A bad value: the API's message on the page, the field marked.
  await page.locator('[data-panel="plan"] input[data-param="alpha"]').fill('2');
  await settle(page);
  const err = await text(page, '[data-testid="plan-result"] .error-box');
  assert(err.includes('Significance α') && !/--alpha/.test(err), `the error names the field, not the option: ${err}`);
  eq(await page.locator('[data-panel="plan"] input[data-param="alpha"]').getAttribute('aria-invalid'), 'true', 'alpha marked invalid');
  await page.locator('[data-panel="plan"] input[data-param="alpha"]').fill('0.05');
  await page.locator('[data-panel="plan"] input[data-param="baseline"]').fill('0.10');
  await settle(page);
  noProblems(page, [/status of 400/]);
  // Planning from the loaded data: the mean and standard deviation of events per user.
  await page.locator('[data-panel="plan"] [data-control="metric"] button[data-value="data"]').click();
  await settle(page);
  const fromData = await getJson(demo.url, 'experiment/plan?metric=events&dataset=usage&relative-effect=0.05');
  assert((await text(page, '[data-testid="plan-data"]')).includes(fmtInt(fromData.data_users)), 'the users the estimate comes from');
  eq(await text(page, '[data-testid="plan-big"]'), `${fmtInt(fromData.n_control)} users per arm`, 'plan from the data');
  await page.locator('[data-panel="plan"] [data-control="metric"] button[data-value="proportion"]').click();
  await page.locator('[data-panel="plan"] [data-control="effect-kind"] button[data-value="absolute"]').click();
  await page.locator('[data-panel="plan"] [data-param="effect"]').fill('0.01');
  await settle(page);
  eq(await text(page, '[data-testid="plan-big"]'), '14,745 users per arm', 'back to the rate plan');
  noProblems();

  // The analysis of the example summary.
  await page.locator('[data-tab="analyze"]').click();
  await settle(page);
  const forest = await expectChart(page, 'analyze-forest');
  eq(forest.total, 3, 'three metric results');
  assert((await text(page, '[data-testid="verdict"]')).length > 0, 'a verdict');
  eq(await page.locator('[data-table="analyze-results"] tbody tr').count(), 3, 'result rows');
  // The interval beside an inconclusive goal is corrected like its p-value: it includes 0.
  const intervals = await page.locator('[data-testid="adjusted-interval"]').allTextContents();
  assert(/^-/.test(intervals[0]), `the conversion's corrected interval starts below 0: ${intervals[0]}`);
  assert((await text(page, '[data-table="analyze-results"]')).includes('Holm-corrected like p'), 'the interval says it is corrected');
  await shot('experiments-analyze');
  // One row per user: CUPED, a ratio metric and winsorising.
  await page.locator('[data-testid="analyze-per-user-example"]').click();
  await settle(page);
  const perUser = await chart(page, 'analyze-forest');
  eq(perUser.total, 4, 'converted, revenue, orders and the aov ratio');
  assert(/CUPED: revenue adjusted by pre_revenue/.test(await text(page, '[data-testid="analyze-result"]')), 'the CUPED adjustment is stated');
  noProblems();
  await page.locator('[data-testid="analyze-csv"]').fill('variant,metric,n,successes\nA,c,100,10\n');
  await page.locator('[data-testid="analyze-run"]').click();
  await settle(page);
  assert(/variant/i.test(await text(page, '[data-testid="analyze-result"] .error-box')), 'one arm is refused with a message');
  noProblems(page, [/status of 4\d\d/]);

  // The simulator renders what the API returns: its numbers and tables, or its error.
  await page.locator('[data-tab="simulate"]').click();
  await page.locator('[data-testid="simulate-run"]').click();
  await settle(page);
  const probe = await fetch(`${demo.url}/api/v1/experiment/simulate?runs=1000&min-users=100&seed=0&window-days=30`);
  if (probe.ok) {
    // Every campaign on every segment: one matrix cell and one ranked row per simulation.
    const sim = await probe.json();
    assert(await page.locator('[data-testid="simulate-result"] .error-box').count() === 0, 'no error');
    const m = await expectChart(page, 'simulate-matrix');
    eq(m.total, sim.results.length, 'matrix cells');
    eq(await page.locator('[data-table="simulate-results"] tbody tr').count(), sim.results.length, 'ranked rows');
    // Useful when nothing is powered: the best bets with what each would take.
    eq(await page.locator('[data-testid="simulate-recommendations"] li').count(), sim.recommendations.length, 'best bets listed');
    assert(sim.recommendations.length > 0, 'the simulator recommends something');
    assert(!/NONE POWERED/.test(await text(page, '[data-testid="simulate-verdict"]')), 'no dead end');
    noProblems();
    await shot('experiments-simulate');
    // One campaign on one segment in detail.
    const one = sim.results[0];
    await page.locator('select[data-param="segment"]').selectOption(one.segment);
    await page.locator('select[data-param="campaign"]').selectOption(one.campaign);
    await page.locator('[data-testid="simulate-run"]').click();
    await settle(page);
    eq((await chart(page, 'simulate-matrix')).total, 1, 'one simulation');
    assert((await text(page, '#page')).includes(one.hypothesis), 'its hypothesis in words');
    noProblems();
  } else {
    // experiment simulate is not in this build yet: its error must still read well.
    const msg = await text(page, '[data-testid="simulate-result"] .error-box');
    assert(msg.length > 10, `the simulator's error on the page: ${msg}`);
    noProblems(page, [/status of [45]\d\d/]);
  }
});

test('Downloads: list, content types, and the offline report', async () => {
  await openPage(page, demo.url, 'downloads');
  const list = await getJson(demo.url, 'downloads');
  const filesList = list.files || list;
  eq(await page.locator('[data-table="downloads"] a[data-download]').count(), filesList.filter((f) => !f.name.endsWith('.html')).length, 'files listed');
  assert(await page.locator('[data-testid="report-link"]').isVisible(), 'the report link');
  noProblems();
  await shot('downloads');
  const kinds = { csv: 0, json: 0, html: 0 };
  for (const f of filesList) {
    const r = await fetch(`${demo.url}/api/v1/downloads/${encodeURIComponent(f.name)}`);
    eq(r.status, 200, `GET ${f.name}`);
    const type = r.headers.get('content-type') || '';
    const body = await r.text();
    if (f.name.endsWith('.csv')) {
      assert(type.startsWith('text/csv'), `${f.name}: ${type}`);
      assert(body.split('\n').length > 1, `${f.name} has rows`);
      kinds.csv += 1;
    } else if (f.name.endsWith('.json')) {
      assert(type.startsWith('application/json'), `${f.name}: ${type}`);
      JSON.parse(body);
      kinds.json += 1;
    } else {
      assert(type.startsWith('text/html'), `${f.name}: ${type}`);
      assert(!body.includes('/*GROWTHLENS_'), 'the report template was filled');
      kinds.html += 1;
    }
  }
  assert(kinds.csv >= 8 && kinds.json >= 1 && kinds.html === 1, `downloads by type: ${JSON.stringify(kinds)}`);
  // The model is among the JSON files.
  assert(filesList.some((f) => /segment|model/.test(f.name) && f.name.endsWith('.json')), 'the segmentation model is downloadable');

  // The report opens offline: saved to disk, loaded from file://, no request leaves the file.
  const html = await (await fetch(`${demo.url}/api/v1/downloads/report.html`)).text();
  const file = path.join(work, 'report.html');
  fs.writeFileSync(file, html);
  const offline = await browser.newContext({ viewport: { width: 1280, height: 800 }, offline: true });
  const rp = await newPage(offline, 'file://');
  await rp.goto(`file://${file}`);
  await rp.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length > 10, null, { timeout: 20000 });
  const info = await rp.evaluate(() => ({
    charts: [...document.querySelectorAll('.js-plotly-plot')].map((g) => g.data.length),
    sections: [...document.querySelectorAll('section.dataset')].map((s) => s.id),
  }));
  eq(info.sections.join(','), 'usage,transactions', 'both data sets in the report');
  assert(info.charts.every((n) => n > 0), 'every report chart has traces');
  const reportProblems = rp.takeProblems([/^off-site request: file:/]);
  assert(reportProblems.length === 0, `the report logged:\n    ${reportProblems.join('\n    ')}`);
  if (shotsDir) await rp.screenshot({ path: path.join(shotsDir, 'report.png') });
  await offline.close();
});

// ---------------------------------------------------------------- issue 16: the interface
const hashParams = async (p = page) => new URLSearchParams((await p.evaluate(() => location.hash)).split('?')[1] || '');

/** Opens a view of the demo server; a page can be left for another view of itself. */
async function gotoView(hash, id) {
  await page.goto(`${demo.url}/#/${hash}`);
  await page.waitForTimeout(60);
  await waitReady(page, id);
}

async function setRange(from, to) {
  if (from !== undefined) {
    await page.locator('input[data-filter="from"]').fill(from);
    await page.locator('input[data-filter="from"]').dispatchEvent('change');
    await settle(page);
  }
  if (to !== undefined) {
    await page.locator('input[data-filter="to"]').fill(to);
    await page.locator('input[data-filter="to"]').dispatchEvent('change');
    await settle(page);
  }
}

test('7: one date range in the URL, shared by the pages; reload and back keep the view', async () => {
  await gotoView('overview?data=usage', 'overview');
  const all = await getJson(demo.url, 'kpis?dataset=usage');
  await setRange('2025-10-01');
  eq((await hashParams()).get('from'), '2025-10-01', 'the range is in the URL');
  const q4 = await getJson(demo.url, 'kpis?dataset=usage&from=2025-10-01');
  eq(await text(page, '[data-kpi="users"] .kpi-value'), fmtInt(q4.active_users), 'the cards follow the range');
  // A reload shows the same view.
  await page.reload();
  await waitReady(page, 'overview');
  eq(await page.locator('input[data-filter="from"]').inputValue(), '2025-10-01', 'the range survives a reload');
  eq(await text(page, '[data-kpi="users"] .kpi-value'), fmtInt(q4.active_users), 'the cards after a reload');
  // The navigation carries it to Cohorts and RFM, whose numbers follow it.
  await page.locator('.nav a[data-page="cohorts"]').click();
  await waitReady(page, 'cohorts');
  eq((await hashParams()).get('from'), '2025-10-01', 'Cohorts got the range');
  eq(await page.locator('input[data-filter="from"]').inputValue(), '2025-10-01', 'Cohorts shows the range');
  const cq4 = await getJson(demo.url, 'cohorts?dataset=usage&from=2025-10-01');
  eq(cq4.window.all_time, false, 'the cohorts API follows the range');
  const heat = await chart(page, 'cohort-heatmap');
  eq(heat.points[0], cq4.cohorts.filter((r) => !r.left_censored).reduce((a, r) => a + r.values.filter((v) => v !== null).length, 0), 'the cohorts that started in the range');
  await page.locator('.nav a[data-page="rfm"]').click();
  await waitReady(page, 'rfm');
  const rq4 = await getJson(demo.url, 'rfm?dataset=usage&from=2025-10-01');
  const rall = await getJson(demo.url, 'rfm?dataset=usage');
  assert(rq4.total_users < rall.total_users, `RFM of the range scores fewer users (${rq4.total_users} < ${rall.total_users})`);
  eq((await chart(page, 'rfm-treemap')).total, 1 + rq4.segments.filter((x) => x.users > 0).length, 'the treemap of the range');
  // Back: Cohorts, then Overview with the range, then Overview without it.
  await page.goBack();
  await waitReady(page, 'cohorts');
  await page.goBack();
  await waitReady(page, 'overview');
  eq(await text(page, '[data-kpi="users"] .kpi-value'), fmtInt(q4.active_users), 'back on Overview with the range');
  await page.goBack();
  await settle(page);
  eq((await hashParams()).get('from'), null, 'back before the range');
  eq(await text(page, '[data-kpi="users"] .kpi-value'), fmtInt(all.active_users), 'the cards of all the data again');
  noProblems();
});

test('7: Revenue follows the range', async () => {
  await gotoView('revenue?data=transactions', 'revenue');
  const all = await getJson(demo.url, 'revenue?dataset=transactions');
  const months = all.months.map((m) => m.month);
  const from = `${months[Math.floor(months.length / 2)]}-01`;
  await setRange(from);
  const part = await getJson(demo.url, `revenue?dataset=transactions&from=${from}`);
  assert(part.revenue < all.revenue, 'less revenue in part of the data');
  eq((await chart(page, 'revenue-monthly')).points[0], part.months.length, 'the months of the range');
  eq(await page.locator('[data-kpi="orders"] .kpi-value').innerText(), fmtInt(part.orders), 'orders of the range');
  noProblems();
});

test('7: compare with the previous period, and the trend lines', async () => {
  await gotoView('overview?data=usage&from=2025-10-01&to=2025-12-31', 'overview');
  await page.locator('input[data-filter="compare"]').check();
  await settle(page);
  eq((await hashParams()).get('compare'), '1', 'the comparison is in the URL');
  const now = await getJson(demo.url, 'kpis?dataset=usage&from=2025-10-01&to=2025-12-31');
  const before = await getJson(demo.url, `kpis?dataset=usage&from=2025-07-01&to=2025-09-30`);
  const change = (now.active_users - before.active_users) / before.active_users;
  const delta = await text(page, '[data-delta="active_users"]');
  const shown = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(change));
  assert(delta.includes(shown) && delta.includes('vs previous'), `the change of active users: ${delta} (expected ${shown})`);
  eq(await page.locator('[data-delta]').count(), 6, 'a change on every card');
  // DAU, WAU and MAU per day of the range.
  const trend = await expectChart(page, 'overview-trend', { minTraces: 3 });
  const days = (await getJson(demo.url, 'kpis?dataset=usage&view=trend&from=2025-10-01&to=2025-12-31')).days;
  eq(days.length, 92, 'a row per day of Q4');
  eq(trend.points[0], days.length, 'a point per day');
  assert(days.every((r) => r.daily_active_users <= r.weekly_active_users && r.weekly_active_users <= r.monthly_active_users), 'DAU <= WAU <= MAU');
  noProblems();
  await shot('overview');
  // Transactions: revenue per day.
  await gotoView('overview?data=transactions', 'overview');
  const t = await expectChart(page, 'overview-trend', { minTraces: 2 });
  eq(t.names[0], 'revenue per day', 'revenue over time');
  noProblems();
});

test('8: a persona, a segment and a cohort cell list their users; a user page', async () => {
  await gotoView('rfm?data=usage', 'rfm');
  const seg = await getJson(demo.url, 'segment?dataset=usage');
  // Click the first persona's bar.
  await page.locator('[data-chart="rfm-personas"]').scrollIntoViewIfNeeded();
  const box = await page.locator('[data-chart="rfm-personas"] .bars .point path').first().boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height - 4);
  await waitReady(page, 'users');
  const persona = seg.personas[0].name;
  eq((await hashParams()).get('persona'), persona, 'the persona clicked');
  // The persona filter offers the four tiers of the API's contract, the clicked one chosen.
  const tiers = (await getJson(demo.url, 'meta')).enums.persona_tiers.usage;
  eq(JSON.stringify(await page.locator('select[data-param="persona"] option').allInnerTexts()), JSON.stringify(['Any persona', ...tiers]), 'the persona filter');
  eq(await page.locator('select[data-param="persona"]').inputValue(), persona, 'the persona chosen in the filter');
  const list = await getJson(demo.url, `users?dataset=usage&persona=${encodeURIComponent(persona)}&page-size=50`);
  eq(list.matched, seg.personas[0].users, 'as many users as the persona has');
  eq(await page.locator('[data-table="users"] tbody tr').count(), Math.min(50, list.matched), 'a page of users');
  assert((await text(page, '[data-testid="users-count"]')).includes(fmtInt(list.matched)), 'the count');
  const personas = await page.locator('[data-table="users"] tbody tr td:nth-child(3)').allInnerTexts();
  assert(personas.every((x) => x.trim() === persona), 'every row is of the persona');
  // The next page.
  if (list.pages > 1) {
    await page.locator('[data-testid="page-next"]').click();
    await settle(page);
    eq((await hashParams()).get('page'), '2', 'page 2 in the URL');
    eq(await text(page, '[data-testid="page-info"]'), `Page 2 of ${fmtInt(list.pages)}`, 'the second page');
    await page.goBack();
    await settle(page);
  }
  // The export: every user of the list, as CSV.
  const href = await page.locator('[data-testid="users-export"]').getAttribute('href');
  const r = await fetch(`${demo.url}${href}`);
  eq(r.status, 200, 'export');
  assert((r.headers.get('content-type') || '').startsWith('text/csv'), 'a CSV');
  assert(/attachment/.test(r.headers.get('content-disposition') || ''), 'saved as a file');
  const csv = (await r.text()).trim().split('\n');
  eq(csv.length, list.matched + 1, 'a line per user and the header');
  assert(csv[0].startsWith('id,segment,persona,recency'), `the header: ${csv[0]}`);
  // A user's page.
  const first = list.users[0];
  await page.locator(`[data-table="users"] a[data-user="${first.id}"]`).click();
  await waitReady(page, 'user');
  eq(await text(page, '[data-kpi="segment"] .kpi-value'), first.segment, 'the user\'s segment');
  eq(await text(page, '[data-kpi="persona"] .kpi-value'), persona, 'the user\'s persona');
  await expectChart(page, 'user-timeline');
  // The user's churn risk and main reasons are the Predictions route's.
  const risk = await getJson(demo.url, `predictions?dataset=usage&view=users&user=${encodeURIComponent(first.id)}`);
  await page.waitForSelector('[data-testid="churn-risk"][data-state="ready"]', { timeout: 60000 });
  const riskText = await text(page, '[data-testid="churn-risk"]');
  if (risk.available && risk.total === 1) {
    const u = risk.users[0];
    assert(riskText.includes(`${Math.round(u.churn_probability * 100)}%`) && riskText.includes(u.risk_band), `the user's risk: ${riskText}`);
    assert(riskText.includes(u.driver_1), `the user's main reason: ${riskText}`);
  } else {
    assert(/not scored|not enough history/i.test(riskText), `says why there is no risk: ${riskText}`);
  }
  noProblems();
  await shot('user');

  // A segment tile of the treemap.
  await gotoView('rfm?data=usage', 'rfm');
  await page.locator('[data-table="rfm-segments"] a[data-segment-link]').first().click();
  await waitReady(page, 'users');
  const segment = (await hashParams()).get('segment');
  const rfm = await getJson(demo.url, 'rfm?dataset=usage');
  eq((await getJson(demo.url, `users?dataset=usage&segment=${encodeURIComponent(segment)}`)).matched, rfm.segments.find((x) => x.segment === segment).users, 'the segment\'s users');
  // A cohort cell: its users active in that period.
  await gotoView('cohorts?data=usage', 'cohorts');
  const c = await getJson(demo.url, 'cohorts?dataset=usage&values=count');
  const rowIdx = c.cohorts.findIndex((x) => !x.left_censored && x.values.length > 2);
  await page.locator('[data-chart="cohort-heatmap"]').scrollIntoViewIfNeeded();
  const cell = await page.evaluate(([row, col]) => {
    const el = document.querySelector('[data-chart="cohort-heatmap"]');
    const xa = el._fullLayout.xaxis;
    const ya = el._fullLayout.yaxis;
    const r = el.querySelector('.nsewdrag').getBoundingClientRect();
    return { x: r.left + xa.l2p(xa.d2l(String(col))), y: r.top + ya.l2p(ya.d2l(el.data[0].y[row])) };
  }, [rowIdx, 2]);
  await page.mouse.click(cell.x, cell.y);
  await waitReady(page, 'users');
  const hp = await hashParams();
  eq(hp.get('cohort'), c.cohorts[rowIdx].cohort, 'the cohort clicked');
  eq(hp.get('age'), '2', 'the period clicked');
  const cellUsers = await getJson(demo.url, `users?dataset=usage&cohort=${c.cohorts[rowIdx].cohort}&age=2`);
  eq(cellUsers.matched, c.cohorts[rowIdx].values[2], 'the users of the cell');
  // A bar of the feature totals: the users of that feature.
  await gotoView('usage?data=usage', 'usage');
  const usage = await getJson(demo.url, 'usage?dataset=usage');
  await page.locator('[data-chart="usage-totals"]').scrollIntoViewIfNeeded();
  const bar = await page.locator('[data-chart="usage-totals"] .bars .point path').last().boundingBox();
  await page.mouse.click(bar.x + 4, bar.y + bar.height / 2);
  await waitReady(page, 'users');
  const feature = (await hashParams()).get('feature');
  const expected = usage.features.find((f) => f.feature === feature);
  assert(expected, `a feature was clicked: ${feature}`);
  assert((await text(page, '[data-testid="users-count"]')).startsWith(`${fmtInt(expected.users)} of`), 'the users of the feature');
  // A country's bar: its customers.
  await gotoView('revenue?data=transactions', 'revenue');
  const countries = (await getJson(demo.url, 'revenue?dataset=transactions&view=countries')).countries;
  await page.locator('[data-chart="revenue-countries"]').scrollIntoViewIfNeeded();
  const top = await page.locator('[data-chart="revenue-countries"] .bars .point path').last().boundingBox();
  await page.mouse.click(top.x + 4, top.y + top.height / 2);
  await waitReady(page, 'users');
  eq((await hashParams()).get('country'), countries[0].country, 'the top country clicked');
  assert((await text(page, '[data-testid="users-count"]')).startsWith(`${fmtInt(countries[0].customers)} of`), 'its customers');
  noProblems();
});

test('9: errors name form fields; no command-line talk, paths or library names', async () => {
  await gotoView('overview?data=usage&from=2025-12-01&to=2025-11-01', 'overview');
  const err = await text(page, '#page .error-box');
  assert(err.includes('“From”') && err.includes('“To”'), `the error names the fields: ${err}`);
  assert(!/--[a-z]/.test(err), `no option in the error: ${err}`);
  noProblems(page, [/status of 400/]);
  for (const id of ['home', 'overview', 'usage', 'rfm', 'cohorts', 'revenue', 'experiments', 'downloads', 'users']) {
    await openPage(page, demo.url, id);
    const body = await page.locator('#main').innerText();
    const bad = body.match(/pandas|statsmodels|scipy|scikit|docs\/|\w+\.md\b|(^|\s)--[a-z]|growthlens serve|\/api\/v1/);
    assert(!bad, `${id} shows “${bad && bad[0]}”`);
  }
  noProblems();
});

test('9: an experiment file resets the example, finds control and variants, rates in %', async () => {
  await openPage(page, demo.url, 'experiments');
  await page.locator('[data-tab="analyze"]').click();
  await settle(page);
  eq(await page.locator('input[data-param="guardrails"]').inputValue(), 'refund_rate', 'the example\'s guardrail');
  const lines = ['userid,version,sum_gamerounds,retention_1,retention_7'];
  for (let i = 0; i < 400; i += 1) lines.push(`${i},${i % 2 ? 'gate_40' : 'gate_30'},${(i * 7) % 50},${i % 3 === 0 ? 1 : 0},${i % 5 === 0 ? 1 : 0}`);
  const file = path.join(work, 'cookie_cats_small.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  await page.locator('[data-testid="analyze-file"]').setInputFiles(file);
  await settle(page);
  eq(await page.locator('input[data-param="guardrails"]').inputValue(), '', 'the example\'s guardrail is gone');
  eq(await page.locator('input[data-param="control"]').inputValue(), 'gate_30', 'the control found');
  const found = await text(page, '[data-testid="analyze-detected"]');
  assert(found.includes('gate_30') && found.includes('gate_40'), `control and variant detected: ${found}`);
  assert(await page.locator('[data-testid="analyze-result"] .error-box').count() === 0, 'analysed');
  const rows = await page.locator('[data-table="analyze-results"] tbody tr').allInnerTexts();
  const retention = rows.find((x) => x.includes('retention_1'));
  assert(retention && /\d+\.\d\d%/.test(retention.split('\t')[1]), `a rate as a percentage: ${retention}`);
  noProblems();
});

test('10: money with its currency, whole users, report in a tab', async () => {
  await gotoView('overview?data=transactions', 'overview');
  const revenue = await text(page, '[data-kpi="revenue"] .kpi-value');
  assert(/^[£€$]/.test(revenue), `revenue has a currency: ${revenue}`);
  assert(/[£€$]/.test(await text(page, '[data-kpi="aov"] .kpi-value')), 'so does the average order');
  await gotoView('revenue', 'revenue');
  assert(/^[£€$]/.test(await text(page, '[data-kpi="revenue"] .kpi-value')), 'Revenue page');
  // The currency can be set on Home, per file.
  await gotoView('', 'home');
  await page.locator('select[data-param="currency"]').selectOption('EUR');
  await settle(page);
  await gotoView('revenue', 'revenue');
  assert(/^€/.test(await text(page, '[data-kpi="revenue"] .kpi-value')), 'the currency chosen on Home');
  await gotoView('', 'home');
  await page.locator('select[data-param="currency"]').selectOption('');
  await settle(page);
  await gotoView('revenue', 'revenue');
  const money = await page.locator('[data-table="products"] tbody tr td:nth-child(4)').allInnerTexts();
  assert(money.length && money.every((x) => /^[£€$]/.test(x.trim())), `product revenue has a currency: ${money.slice(0, 3)}`);
  // Usage: whole users, "Events" for monetary, recency in days.
  await gotoView('overview?data=usage', 'overview');
  assert(!/\./.test(await text(page, '[data-kpi="dau"] .kpi-value')), 'daily active users are whole');
  await gotoView('rfm?data=usage', 'rfm');
  const head = await page.locator('[data-table="rfm-segments"] thead').innerText();
  assert(/Events/.test(head) && !/Monetary/.test(head), `usage logs say Events: ${head}`);
  assert(/Recency \(days\)/.test(head), `recency has its unit: ${head}`);
  const colours = await page.evaluate(() => document.querySelector('[data-chart="rfm-treemap"]').data[0].marker.colors.slice(1));
  eq(new Set(colours).size, colours.length, 'a colour per segment');
  // The report opens in a tab.
  await openPage(page, demo.url, 'downloads');
  const open = page.locator('[data-testid="report-open"]');
  eq(await open.getAttribute('target'), '_blank', 'in a new tab');
  const r = await fetch(`${demo.url}${await open.getAttribute('href')}`);
  assert(/^inline/.test(r.headers.get('content-disposition') || ''), `inline: ${r.headers.get('content-disposition')}`);
  noProblems();
});

test('10: the engagement matrix labels do not overlap', async () => {
  // A laptop-sized window: the matrix is narrow and its points crowd.
  await page.setViewportSize({ width: 1024, height: 768 });
  await openPage(page, demo.url, 'usage');
  const boxes = await page.evaluate(() => [...document.querySelectorAll('[data-chart="usage-engagement"] .textpoint text')].map((t) => t.getBoundingClientRect()).map((b) => [b.left, b.top, b.right, b.bottom]));
  assert(boxes.length > 1, 'labels drawn');
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const [a, b] = [boxes[i], boxes[j]];
      const overlap = a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
      assert(!overlap, `labels ${i} and ${j} overlap`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  noProblems();
});

test('10: a phone (390 x 844) needs no sideways scrolling', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const p = await newPage(phone, demo.url);
  for (const id of ['home', 'overview', 'usage', 'rfm', 'cohorts', 'revenue', 'experiments', 'downloads', 'users']) {
    await p.goto(`${demo.url}/#/${id === 'home' ? '' : id}`);
    await waitReady(p, id);
    const w = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
    assert(w.scroll <= w.view, `${id}: ${w.scroll}px wide on a ${w.view}px screen`);
  }
  await p.goto(`${demo.url}/#/overview`);
  await waitReady(p, 'overview');
  const cols = await p.evaluate(() => getComputedStyle(document.querySelector('[data-testid="kpis"]')).gridTemplateColumns.split(' ').length);
  eq(cols, 2, 'two KPI columns');
  if (shotsDir) await p.screenshot({ path: path.join(shotsDir, 'phone-overview.png'), fullPage: false });
  const problems = p.takeProblems();
  assert(problems.length === 0, `the phone pages logged:\n    ${problems.join('\n    ')}`);
  await phone.close();
});

// ---------------------------------------------------------------- issue 20: the Funnels page
/** GET /api/v1/funnel on the demo's event log with the options given. */
const funnelApi = (params) => getJson(demo.url, `funnel?${new URLSearchParams({ dataset: 'events', ...params })}`);
const pct1 = (x) => `${(100 * x).toFixed(1)}%`;

/** The steps' table on the page equals the API's funnel, step by step. */
async function expectFunnelTable(f, what) {
  const rows = await page.locator('[data-table="funnel-steps"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.innerText.trim())));
  eq(rows.length, f.steps.length, `${what}: steps shown`);
  f.steps.forEach((s, i) => {
    eq(rows[i][1], s.event, `${what}: step ${i + 1}'s event`);
    eq(rows[i][2], fmtInt(s.users), `${what}: users at ${s.event}`);
    eq(rows[i][3], pct1(s.conversion_from_previous), `${what}: ${s.event} of the previous step`);
    eq(rows[i][4], pct1(s.conversion_from_first), `${what}: ${s.event} of the first step`);
    if (i) eq(rows[i][5], fmtInt(s.dropped), `${what}: dropped before ${s.event}`);
  });
  const drawn = await page.evaluate(() => document.querySelector('[data-chart="funnel-steps"]').data.map((t) => t.y));
  eq(JSON.stringify(drawn[0]), JSON.stringify(f.steps.map((s) => s.users)), `${what}: the funnel bars`);
  eq(JSON.stringify(drawn[1]), JSON.stringify(f.steps.map((s) => s.dropped)), `${what}: the drop-off bars`);
  eq(await text(page, '[data-kpi="completed"] .kpi-value'), fmtInt(f.steps[f.steps.length - 1].users), `${what}: completed`);
}

test('20: Funnels: the onboarding funnel equals the API; steps, window and mode change it', async () => {
  const onboarding = ['sign_up', 'create_project', 'invite_teammate', 'first_report'];
  await openPage(page, demo.url, 'funnels');
  assert(!(await page.locator('.nav a[data-page="funnels"]').getAttribute('class')).includes('disabled'), 'Funnels is open with an event log held');
  eq((await page.locator('[data-steps="steps"] [data-step]').evaluateAll((els) => els.map((e) => e.dataset.step))).join(','), onboarding.join(','), 'the default funnel: the onboarding steps');
  await expectFunnelTable(await funnelApi({ steps: onboarding.join(',') }), 'onboarding');
  await expectChart(page, 'funnel-steps', { minTraces: 2, minPoints: 8 });
  await expectChart(page, 'funnel-times', { minPoints: 5 });
  await expectChart(page, 'funnel-breakdown', { minTraces: 3 });
  await expectChart(page, 'funnel-trend', { minTraces: 2 });
  const body = await page.locator('#main').innerText();
  const bad = body.match(/pandas|docs\/|\w+\.md\b|(^|\s)--[a-z]|growthlens serve|\/api\/v1|plotly/i);
  assert(!bad, `Funnels shows “${bad && bad[0]}”`);
  noProblems();
  await shot('funnels');

  // A step removed and another added through the suggestions: the numbers follow the API's.
  await page.locator('[data-steps="steps"] [data-remove="4"]').click();
  await settle(page);
  const names = await page.locator('datalist option').evaluateAll((os) => os.map((o) => o.value));
  assert(names.includes('reports') && names.includes('sign_up'), `the suggestions are the event names: ${names.slice(0, 6)}`);
  await page.locator('input[data-step-input="steps"]').fill('reports');
  await page.locator('input[data-step-input="steps"]').press('Enter');
  await settle(page);
  const steps = 'sign_up,create_project,invite_teammate,reports';
  eq(new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]).get('steps'), steps, 'the steps in the URL');
  await expectFunnelTable(await funnelApi({ steps }), 'with reports');

  // The window and the mode.
  await page.locator('input[data-param="window"]').fill('2');
  await page.locator('input[data-param="window"]').dispatchEvent('change');
  await settle(page);
  await page.locator('select[data-filter="window-unit"]').selectOption('h');
  await settle(page);
  const twoHours = await funnelApi({ steps, window: '2h' });
  const fortnight = await funnelApi({ steps });
  assert(twoHours.steps[3].users < fortnight.steps[3].users, 'a 2-hour window converts fewer users than 14 days');
  await expectFunnelTable(twoHours, 'a 2-hour window');
  await page.locator('[data-control="mode"] button[data-value="strict_order"]').click();
  await settle(page);
  const strict = await funnelApi({ steps, window: '2h', mode: 'strict_order' });
  assert(strict.steps[3].users < twoHours.steps[3].users, 'nothing between the steps converts fewer users');
  await expectFunnelTable(strict, 'strict order');
  // An event that breaks the funnel between steps, and a step on one property value.
  await page.locator('input[data-step-input="exclude"]').fill('settings');
  await page.locator('input[data-step-input="exclude"]').press('Enter');
  await settle(page);
  const excluded = await funnelApi({ steps, window: '2h', mode: 'strict_order', exclude: 'settings' });
  await expectFunnelTable(excluded, 'settings excluded');
  await page.locator('[data-steps="exclude"] [data-remove="1"]').click();
  await settle(page);
  await page.locator('[data-steps="steps"] [data-remove="1"]').click();
  await settle(page);
  await page.locator('input[data-step-input="steps"]').fill('sign_up[platform=ios]');
  await page.locator('input[data-step-input="steps"]').press('Enter');
  await settle(page);
  // The new step is last: move it to the front.
  for (let i = 0; i < 3; i += 1) {
    await page.locator('[data-steps="steps"] [data-step="sign_up[platform=ios]"] button[title="Move earlier"]').click();
    await settle(page);
  }
  const iosSteps = 'sign_up[platform=ios],create_project,invite_teammate,reports';
  eq(new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]).get('steps'), iosSteps, 'the property step moved first');
  const ios = await funnelApi({ steps: iosSteps, window: '2h', mode: 'strict_order' });
  assert(ios.steps[0].users < strict.steps[0].users, 'fewer users sign up on iOS than everywhere');
  await expectFunnelTable(ios, 'sign-ups on iOS');
  await gotoView(`funnels?steps=${steps}&window=2h&mode=strict_order`, 'funnels');
  // Back, forward and reload keep the view: it is all in the URL.
  await page.reload();
  await waitReady(page, 'funnels');
  await expectFunnelTable(strict, 'strict order after a reload');

  // The time to convert of one step pair: its histogram and quantiles are the API's.
  await page.locator('select[data-filter="pair"]').selectOption('2');
  await settle(page);
  const pair = strict.steps[1].time_from_previous;
  const bars = await page.evaluate(() => document.querySelector('[data-chart="funnel-times"]').data[0].y);
  eq(bars.reduce((a, b) => a + b, 0), pair.users, 'the histogram counts the users who made the step');
  eq(JSON.stringify(bars), JSON.stringify(pair.histogram.slice(0, bars.length).map((b) => b.users)), 'the histogram bins');
  assert(pair.histogram.slice(bars.length).every((b) => b.users === 0), 'only empty bins past the window are left out');
  assert((await text(page, '[data-stat="median"]')).length > 7, 'the median time is shown');
  noProblems();
});

test('20: Funnels: breakdowns, the trend and the drop-off users to download', async () => {
  const steps = 'sign_up,create_project,invite_teammate,first_report';
  await gotoView(`funnels?steps=${steps}`, 'funnels');
  const byOptions = await page.locator('select[data-filter="by"] option').evaluateAll((os) => os.map((o) => o.value));
  const meta = await getJson(demo.url, 'meta');
  const byValues = meta.analyses.find((a) => a.name === 'funnel').params.find((p) => p.name === 'by').values;
  for (const b of byValues.filter((x) => x !== 'none' && x !== 'property')) assert(byOptions.includes(b), `the breakdown offers ${b}`);
  assert(byOptions.includes('property:platform'), `the breakdown offers the platform: ${byOptions}`);
  for (const [choice, params] of [['property:platform', { by: 'property', 'by-property': 'platform' }], ['rfm_segment', { by: 'rfm_segment' }], ['cohort_month', { by: 'cohort_month' }]]) {
    await page.locator('select[data-filter="by"]').selectOption(choice);
    await settle(page);
    const f = await funnelApi({ steps, ...params });
    const rows = await page.locator('[data-table="funnel-groups"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.innerText.trim())));
    eq(rows.length, f.groups.length, `${choice}: groups shown`);
    f.groups.forEach((g, i) => {
      eq(rows[i][1], fmtInt(g.steps[0].users), `${choice} ${g.group}: entered`);
      eq(rows[i][2], fmtInt(g.steps[3].users), `${choice} ${g.group}: completed`);
    });
    eq((await chart(page, 'funnel-breakdown')).traces, 3, `${choice}: a bar per step after the first`);
  }
  // A property typed by hand: one the data lacks is refused by the breakdown, in plain words.
  await page.locator('select[data-filter="by"]').selectOption('property:');
  await page.locator('input[data-filter="by-property"]').fill('no_such_property');
  await page.locator('input[data-filter="by-property"]').dispatchEvent('change');
  await settle(page);
  const byError = await text(page, '[data-card="funnel-breakdown"] [data-testid="funnel-error"]');
  assert(/no_such_property/.test(byError) && /platform/.test(byError) && !/--[a-z]|\/api\//.test(byError), `the breakdown's error: ${byError}`);
  noProblems(page, [/status of 400/]);
  await gotoView(`funnels?steps=${steps}`, 'funnels');
  for (const period of ['month', 'week']) {
    await page.locator(`[data-control="trend"] button[data-value="${period}"]`).click();
    await settle(page);
    const f = await funnelApi({ steps, trend: period });
    const drawn = await page.evaluate(() => document.querySelector('[data-chart="funnel-trend"]').data.map((t) => ({ x: t.x, y: t.y })));
    eq(JSON.stringify(drawn[0].x), JSON.stringify(f.trend.map((r) => r.period)), `${period}: the entry periods`);
    eq(JSON.stringify(drawn[0].y), JSON.stringify(f.trend.map((r) => r.entered)), `${period}: who entered`);
    eq(JSON.stringify(drawn[1].y), JSON.stringify(f.trend.map((r) => r.conversion)), `${period}: the conversion`);
    // The periods whose users had less than the 14 days to convert before the data's last day (2025-12-31) are open markers.
    const symbols = await page.evaluate(() => document.querySelector('[data-chart="funnel-trend"]').data[1].marker.symbol);
    const stillConverting = period === 'week' ? ['2025-12-15', '2025-12-22', '2025-12-29'] : ['2025-12'];
    eq(f.trend.filter((r, i) => symbols[i] === 'circle-open').map((r) => r.period).join(','), stillConverting.join(','), `${period}: the periods still converting`);
  }
  // Step 2's drop-off users: the file saved has as many rows as the API lists.
  const f = await funnelApi({ steps });
  const listed = await funnelApi({ steps, 'dropoff-users': '2' });
  eq(listed.users.length, f.steps[2].dropped, 'the API lists the users who stopped at step 2');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-table="funnel-steps"] a[data-dropoff="2"]').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  eq(csv[0], 'user,last_step,entered_at,last_step_at', 'the header of the drop-off file');
  eq(csv.length - 1, listed.users.length, 'rows in the drop-off file');
  eq(csv.slice(1).map((l) => l.split(',')[0]).sort().join(' '), listed.users.map((u) => u.user).sort().join(' '), 'the users in the file');
  assert(csv.slice(1).every((l) => l.split(',')[1] === 'create_project'), 'every user in the file stopped at create_project');
  // A grey bar of the funnel (who stopped before step 4) downloads the users who stopped at step 3.
  const [fromBar] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart="funnel-steps"] .barlayer .trace:nth-child(2) .point:nth-child(4) path').click({ force: true })]);
  const barCsv = fs.readFileSync(await fromBar.path(), 'utf8').trim().split('\n');
  eq(barCsv.length - 1, f.steps[3].dropped, 'rows in the file of the grey bar before step 4');
  assert(barCsv.slice(1).every((l) => l.split(',')[1] === 'invite_teammate'), 'every user in it stopped at invite_teammate');
  // An unknown event is shown by the steps field, in plain words.
  await gotoView('funnels?steps=sign_up,no_such_event', 'funnels');
  const err = await text(page, '.field [data-testid="funnel-error"] .error-box');
  assert(/no_such_event/.test(err) && !/--[a-z]|\/api\//.test(err), `the error: ${err}`);
  eq(await page.locator('input[data-step-input="steps"]').getAttribute('aria-invalid'), 'true', 'the steps field is marked');
  noProblems(page, [/status of 400/]);
});

test('20: Funnels on a phone (390 x 844) needs no sideways scrolling', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const p = await newPage(phone, demo.url);
  await p.goto(`${demo.url}/#/funnels`);
  await waitReady(p, 'funnels');
  const w = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
  assert(w.scroll <= w.view, `funnels: ${w.scroll}px wide on a ${w.view}px screen`);
  const problems = p.takeProblems();
  assert(problems.length === 0, `the phone page logged:\n    ${problems.join('\n    ')}`);
  await phone.close();
});

// ---------------------------------------------------------------- issue 20: paths and retention by behaviour
const pctText = (x) => new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);

/** What the Paths page shows: the table's rows and the Sankey's nodes and links. */
async function pathsShown() {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('[data-table="paths-top"] tbody tr')].map((tr) => [...tr.children].map((td) => td.innerText.trim()));
    const el = document.querySelector('[data-chart="paths-sankey"]');
    const t = el && el.data && el.data[0];
    return {
      rows,
      nodes: t ? t.node.label : [],
      links: t ? t.link.source.map((s, i) => [s, t.link.target[i], t.link.value[i]]) : [],
      users: document.querySelector('[data-kpi="users_with_path"] .kpi-value').innerText.trim(),
    };
  });
}

/** The page equals GET /api/v1/paths with `query`: every listed path, its users and share, and the Sankey. */
async function expectPaths(query, what) {
  const api = await getJson(demo.url, `paths?dataset=events&${query}`);
  const shown = await pathsShown();
  assert(api.paths.length > 0, `${what}: the API lists paths`);
  eq(shown.users, fmtInt(api.users_with_path), `${what}: users with a path`);
  eq(shown.rows.length, api.paths.length + (api.other.users ? 1 : 0), `${what}: rows of the table`);
  api.paths.forEach((x, i) => {
    eq(shown.rows[i][1].replace(/\s+/g, ' '), x.events.join(' → '), `${what}: path ${i + 1}`);
    eq(shown.rows[i][2], fmtInt(x.users), `${what}: users of path ${i + 1}`);
    eq(shown.rows[i][3], pctText(x.share), `${what}: share of path ${i + 1}`);
  });
  if (api.other.users) eq(shown.rows.at(-1)[2], fmtInt(api.other.users), `${what}: users of the other paths`);
  eq(JSON.stringify(shown.nodes), JSON.stringify(api.sankey.nodes.map((n) => (n.event === '(other)' ? 'other events' : n.event))), `${what}: Sankey nodes`);
  eq(JSON.stringify(shown.links), JSON.stringify(api.sankey.links.map((l) => [l.source, l.target, l.users])), `${what}: Sankey links and their users`);
  return api;
}

async function setField(selector, value) {
  await page.locator(selector).fill(String(value));
  await page.locator(selector).dispatchEvent('change');
  await settle(page);
}

test('20: Paths: the Sankey and the top paths are the API\'s; start event, steps and options change them', async () => {
  await gotoView('paths', 'paths');
  // From each user's first event by default.
  await expectPaths('steps=4&min-share=0.01', 'from the first event');
  await page.locator('select[data-param="top"]').selectOption('10');
  await settle(page);
  const ten = await expectPaths('steps=4&min-share=0.01&top=10', 'ten paths listed');
  eq(ten.paths.length, 10, 'ten paths');
  await page.locator('select[data-param="top"]').selectOption('20');
  await settle(page);
  const names = await page.locator('datalist option').evaluateAll((opts) => opts.map((o) => o.value));
  assert(names.includes('sign_up') && names.includes('first_report'), `the start event completes the event names: ${names}`);
  await setField('input[data-param="start"]', 'sign_up');
  eq((await hashParams()).get('event'), 'sign_up', 'the start event is in the URL');
  const signUp = await expectPaths('start=sign_up&steps=4&min-share=0.01', 'after sign_up');
  eq(signUp.paths[0].events.slice(0, 2).join(','), 'sign_up,create_project', 'the onboarding path comes first');
  await shot('paths');
  await setField('input[data-param="steps"]', 2);
  eq((await hashParams()).get('steps'), '2', 'the steps are in the URL');
  const two = await expectPaths('start=sign_up&steps=2&min-share=0.01', '2 steps after sign_up');
  assert(two.paths.every((x) => x.events.length <= 3), 'paths of at most 3 events');
  await page.locator('input[data-filter="repeats"]').check();
  await settle(page);
  await expectPaths('start=sign_up&steps=2&min-share=0.01&collapse-repeats=true', 'repeats collapsed');
  await setField('input[data-param="min-share"]', 5);
  await expectPaths('start=sign_up&steps=2&min-share=0.05&collapse-repeats=true', 'smallest share 5%');
  await setField('input[data-param="max-gap"]', 30);
  eq((await hashParams()).get('gap'), '30', 'the pause ending a path is in the URL');
  const gap = await expectPaths('start=sign_up&steps=2&min-share=0.05&collapse-repeats=true&max-gap=30', 'a pause of 30 minutes ends a path');
  assert(gap.users_with_path > 0 && gap.paths.some((x) => x.events.length < 3), 'pauses make shorter paths');
  await setField('input[data-param="max-gap"]', '');
  // A name that is not an event is marked, not sent.
  await page.locator('input[data-param="start"]').fill('no_such_event');
  await page.locator('input[data-param="start"]').dispatchEvent('change');
  eq(await page.locator('input[data-param="start"]').getAttribute('aria-invalid'), 'true', 'an unknown event is marked');
  eq((await hashParams()).get('event'), 'sign_up', 'and not sent');
  // Events left out, and a reload keeps the view.
  await page.locator('[data-filter="exclude"] button[aria-haspopup]').click();
  await page.locator('[data-filter="exclude"] input[data-option="dashboard"]').uncheck();
  await page.locator('h1, #page-title').first().click();
  await settle(page);
  eq((await hashParams()).get('exclude'), 'dashboard', 'the events left out are in the URL');
  await page.reload();
  await waitReady(page, 'paths');
  const excluded = await expectPaths('start=sign_up&steps=2&min-share=0.05&collapse-repeats=true&exclude=dashboard', 'without dashboard');
  assert(excluded.sankey.nodes.every((n) => n.event !== 'dashboard'), 'no dashboard in the Sankey');
  // Before an event: the paths lead to it.
  await gotoView('paths?anchor=end', 'paths');
  assert((await text(page, '[data-chart="paths-sankey"]')).includes('Pick the event'), 'an end event is asked for');
  await setField('input[data-param="end"]', 'first_report');
  const before = await expectPaths('end=first_report&steps=4&min-share=0.01', 'before first_report');
  eq(before.paths[0].events.at(-1), 'first_report', 'the paths end at the end event');
  // Clicking an event of the Sankey starts the paths there.
  await gotoView('paths?event=sign_up&steps=2', 'paths');
  await page.locator('[data-chart="paths-sankey"] .sankey-node').filter({ hasText: 'create_project' }).first().locator('.node-rect').click();
  await settle(page);
  eq((await hashParams()).get('event'), 'create_project', 'the clicked event is the new start');
  await expectPaths('start=create_project&steps=2&min-share=0.01', 'after the clicked create_project');
  noProblems();
});

test('20: Paths and retention by behaviour on a phone need no sideways scrolling', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const p = await newPage(phone, demo.url);
  for (const [hash, id] of [['paths?event=sign_up&steps=6', 'paths'], ['cohorts?start-event=sign_up&return-event=first_report', 'cohorts']]) {
    await p.goto(`${demo.url}/#/${hash}`);
    await waitReady(p, id);
    const w = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
    assert(w.scroll <= w.view, `${id}: ${w.scroll}px wide on a ${w.view}px screen`);
  }
  noProblems(p);
  await phone.close();
});

/** The behaviour heatmap's cells (censored cohorts apart) and average curve equal GET /api/v1/cohorts with `query`. */
async function expectBehaviour(query, what) {
  const api = await getJson(demo.url, `cohorts?dataset=events&${query}`);
  const shown = await page.evaluate(() => {
    const heat = document.querySelector('[data-chart="behaviour-heatmap"]');
    const curves = document.querySelector('[data-chart="behaviour-curves"]');
    return { z: heat.data[0].z, grey: heat.data[1] ? heat.data[1].z : null, average: curves.data.find((t) => t.name === 'average').y };
  });
  const width = Math.max(...api.cohorts.map((r) => r.values.length));
  const cell = (r, i) => (r.values[i] === undefined ? null : r.values[i]);
  eq(JSON.stringify(shown.z), JSON.stringify(api.cohorts.map((r) => Array.from({ length: width }, (_, i) => (r.left_censored ? null : cell(r, i))))), `${what}: the cells`);
  const censored = api.cohorts.filter((r) => r.left_censored).length;
  eq(shown.grey ? shown.grey.filter((row) => row.some((v) => v !== null)).length : 0, censored, `${what}: cohorts before the data in the grey layer`);
  eq(JSON.stringify(shown.average), JSON.stringify(api.average), `${what}: the average curve`);
  return api;
}

test('20: Cohorts: retention by behaviour is the API\'s; the events, period and mode change it', async () => {
  await gotoView('cohorts?data=usage', 'cohorts');
  const activity = await getJson(demo.url, 'cohorts?dataset=usage');
  await setField('input[data-param="start-event"]', 'sign_up');
  await setField('input[data-param="return-event"]', 'first_report');
  const params = await hashParams();
  eq(`${params.get('start-event')},${params.get('return-event')}`, 'sign_up,first_report', 'the events are in the URL');
  const month = await expectBehaviour('start-event=sign_up&return-event=first_report', 'sign_up then first_report by month');
  eq(month.start_event, 'sign_up', 'the API was asked for the start event');
  assert(month.average[0] < 1, `period 0 is a result here, not 100% (${month.average[0]})`);
  // Activity retention of the usage log is as before.
  const heat = await chart(page, 'cohort-heatmap');
  eq(heat.points[0], activity.cohorts.filter((r) => !r.left_censored).reduce((a, r) => a + r.values.filter((v) => v !== null).length, 0), 'the activity heatmap is the usage log\'s');
  // Weekly: the week the data starts in began before it, so its cohort is apart.
  await page.locator('[data-control="period"] button[data-value="week"]').click();
  await settle(page);
  const week = await expectBehaviour('start-event=sign_up&return-event=first_report&period=week&max-periods=26', 'by week');
  assert(week.cohorts.some((r) => r.left_censored), 'a weekly cohort started before the data');
  assert((await text(page, '[data-testid="behaviour-notes"]')).includes('started before the data'), 'a note says why it is apart');
  await page.locator('[data-control="mode"] button[data-value="on-or-after"]').click();
  await settle(page);
  await expectBehaviour('start-event=sign_up&return-event=first_report&period=week&max-periods=26&mode=on-or-after', 'in n or later');
  await setField('input[data-param="return-event"]', 'invite_teammate');
  await expectBehaviour('start-event=sign_up&return-event=invite_teammate&period=week&max-periods=26&mode=on-or-after', 'coming back to invite_teammate');
  noProblems();
  if (shotsDir) {
    await page.mouse.move(1, 1);
    await page.locator('[data-testid="behaviour-retention"]').screenshot({ path: path.join(shotsDir, 'cohorts-behaviour.png') });
  }
  // The page's switches back to their defaults for the tests after.
  await page.locator('[data-control="mode"] button[data-value="on"]').click();
  await settle(page);
  await page.locator('[data-control="period"] button[data-value="month"]').click();
  await settle(page);
});

// ---------------------------------------------------------------- an empty server: uploads
let emptyPage;

test('an empty server opens on Home with a hint', async () => {
  if (emptyUrl) {
    empty = { url: emptyUrl, stop: async () => {} };
  } else {
    const options = serveOptions(bin);
    const args = options.has('--data-dir') ? ['--data-dir', path.join(work, 'empty-data')] : [];
    // Uploads here replace the data of their kind (a workspace would add them up).
    if (options.has('--no-workspace')) args.push('--no-workspace');
    // The size of the data the "Load demo data" button generates.
    if (options.has('--users')) args.push('--users', '300', '--customers', '200');
    fs.mkdirSync(path.join(work, 'empty'), { recursive: true });
    empty = await startServer(bin, args, { cwd: path.join(work, 'empty'), ready: () => true });
  }
  emptyPage = await newPage(context, empty.url);
  await emptyPage.goto(`${empty.url}/`);
  await waitReady(emptyPage, 'home');
  assert(await emptyPage.locator('[data-testid="no-data-hint"]').isVisible(), 'the no-data hint');
  await emptyPage.goto(`${empty.url}/#/overview`);
  await waitReady(emptyPage, 'overview');
  assert(/No data loaded/.test(await text(emptyPage, '#page')), 'Overview says there is no data');
  noProblems(emptyPage);
}, { setup: true });

async function upload(p, file) {
  await p.goto(`${empty.url}/#/`);
  await waitReady(p, 'home');
  await p.locator('[data-testid="upload-input"]').setInputFiles(file);
  await settle(p);
}

test('upload of a usage log: Home shows its rows; Revenue asks for transactions', async () => {
  await upload(emptyPage, files.usage);
  assert(await emptyPage.locator('[data-testid="upload-ok"]').isVisible(), `upload ok: ${await text(emptyPage, '[data-testid="upload-result"]')}`);
  const s = await getJson(empty.url, 'status');
  const d = s.datasets.find((x) => x.kind === 'usage');
  eq(d && d.rows, usage.rows, 'usage rows held');
  eq(await text(emptyPage, '[data-testid="dataset-usage"] [data-stat="rows"] .stat-value'), fmtInt(usage.rows), 'rows on Home');
  eq(await text(emptyPage, '[data-testid="dataset-usage"] [data-stat="users"] .stat-value'), '30', 'users on Home');
  await emptyPage.goto(`${empty.url}/#/revenue`);
  await waitReady(emptyPage, 'revenue');
  const hint = await text(emptyPage, '[data-testid="needs-data"]');
  assert(/transactions/i.test(hint) && /Upload/i.test(hint), `Revenue's empty state: ${hint}`);
  noProblems(emptyPage);
  if (shotsDir) await emptyPage.screenshot({ path: path.join(shotsDir, 'revenue-empty.png') });
  // Paths need an event log and say so.
  await emptyPage.goto(`${empty.url}/#/paths`);
  await waitReady(emptyPage, 'paths');
  const pathsHint = await text(emptyPage, '[data-testid="needs-data"]');
  assert(/needs an event log/i.test(pathsHint) && /Upload/i.test(pathsHint), `Paths' empty state: ${pathsHint}`);
  await emptyPage.goto(`${empty.url}/#/usage`);
  await waitReady(emptyPage, 'usage');
  eq((await expectChart(emptyPage, 'usage-series')).traces, 3, 'the uploaded features drawn');
  noProblems(emptyPage);
});

test('20: without an event log, Funnels is greyed in the navigation and says what to load', async () => {
  // The empty server holds only the usage log uploaded above.
  eq((await getJson(empty.url, 'status')).datasets.map((d) => d.kind).join(','), 'usage', 'only a usage log held');
  await emptyPage.goto(`${empty.url}/#/funnels`);
  await waitReady(emptyPage, 'funnels');
  const nav = emptyPage.locator('.nav a[data-page="funnels"]');
  assert((await nav.getAttribute('class')).includes('disabled'), 'Funnels is greyed without an event log');
  eq(await nav.getAttribute('title'), 'Needs an event log', 'the navigation says why');
  const hint = await text(emptyPage, '[data-testid="needs-data"]');
  assert(/Funnels needs an event log/.test(hint) && /Upload an event log/.test(hint) && /demo data/.test(hint), `Funnels' empty state: ${hint}`);
  noProblems(emptyPage);
});

test('upload of Online Retail transactions: Home shows the rows kept', async () => {
  await upload(emptyPage, files.transactions);
  assert(await emptyPage.locator('[data-testid="upload-ok"]').isVisible(), `upload ok: ${await text(emptyPage, '[data-testid="upload-result"]')}`);
  const s = await getJson(empty.url, 'status');
  const d = s.datasets.find((x) => x.kind === 'transactions');
  eq(d && d.rows, transactions.rows, 'transactions rows kept');
  eq(d.users, 12, 'customers');
  eq(await text(emptyPage, '[data-testid="dataset-transactions"] [data-stat="rows"] .stat-value'), fmtInt(transactions.rows), 'rows on Home');
  const cleaning = await text(emptyPage, '[data-testid="dataset-transactions"] [data-table^="cleaning"]');
  assert(/cancel/i.test(cleaning), 'cancelled lines in the cleaning report');
  await emptyPage.goto(`${empty.url}/#/revenue`);
  await waitReady(emptyPage, 'revenue');
  await expectChart(emptyPage, 'revenue-monthly', { minTraces: 2 });
  eq((await expectChart(emptyPage, 'revenue-countries')).total, 3, 'three countries');
  noProblems(emptyPage);
});

test('an upload whose columns are not recognised asks which is what, and changes nothing yet', async () => {
  const before = await getJson(empty.url, 'status');
  await upload(emptyPage, files.bad);
  const form = emptyPage.locator('[data-testid="column-mapping"]');
  assert(await form.isVisible(), 'the column-mapping form, not an error');
  assert((await form.innerText()).includes('wrong_columns.csv'), 'it names the file');
  eq(await form.locator('tbody tr').count(), 2, 'a preview of the rows');
  eq((await form.locator('thead th').allInnerTexts()).join(','), 'name,colour,size', 'the columns');
  // Nothing fits: the form says what is still needed and does not send.
  assert(await emptyPage.locator('[data-testid="mapping-submit"]').isDisabled(), 'nothing to load yet');
  assert(/Still needed/.test(await text(emptyPage, '[data-testid="mapping-problems"]')), 'what is missing');
  const after = await getJson(empty.url, 'status');
  eq(JSON.stringify(after.datasets.map((x) => [x.kind, x.rows])), JSON.stringify(before.datasets.map((x) => [x.kind, x.rows])), 'held data unchanged');
  noProblems(emptyPage, [/status of 4\d\d/]);
});

test('a mapped upload loads; its users export is safe in a spreadsheet', async () => {
  await upload(emptyPage, files.unknown);
  const form = emptyPage.locator('[data-testid="column-mapping"]');
  assert(await form.isVisible(), 'the column-mapping form');
  eq(await form.locator('tbody tr').count(), 5, 'the first five rows');
  // Roles guessed from the names; the user can change each.
  for (const [column, role] of [['member', 'user'], ['day', 'time'], ['action', 'item'], ['times', 'count']]) {
    eq(await form.locator(`select[data-column="${column}"]`).inputValue(), role, `${column} guessed`);
  }
  await emptyPage.locator('[data-testid="mapping-submit"]').click();
  await settle(emptyPage);
  assert(await emptyPage.locator('[data-testid="upload-ok"]').isVisible(), `loaded: ${await text(emptyPage, '[data-testid="upload-result"]')}`);
  const s = await getJson(empty.url, 'status');
  const d = s.datasets.find((x) => x.kind === 'usage');
  eq(d.source, 'app_export.csv', 'the mapped file is the usage log');
  eq(d.rows, unknownRows.length - 1, 'every row kept');
  const r = await fetch(`${empty.url}/api/v1/users/export?dataset=usage`);
  const csv = await r.text();
  assert(csv.includes("'=1+2"), 'a cell that starts with = is quoted for spreadsheets');
  assert(!/^=|,=/m.test(csv), 'no cell starts with =');
  noProblems(emptyPage, [/status of 4\d\d/]);
});

test('the demo button loads the three data sets', async () => {
  await emptyPage.goto(`${empty.url}/#/`);
  await waitReady(emptyPage, 'home');
  await emptyPage.locator('[data-testid="demo-button"]').click();
  await settle(emptyPage);
  assert(/Demo data loaded/.test(await text(emptyPage, '[data-testid="demo-result"]')), 'the demo result');
  const s = await getJson(empty.url, 'status');
  eq(s.datasets.map((d) => d.source).sort().join(','), 'events.csv,transactions.csv,usage_log.csv', 'demo files held');
  for (const d of s.datasets) eq(await text(emptyPage, `[data-testid="dataset-${d.kind}"] [data-stat="rows"] .stat-value`), fmtInt(d.rows), `${d.kind} rows on Home`);
  noProblems(emptyPage);
});

// ---------------------------------------------------------------- a server with a workspace
let kept;
let keptPage;

test('with a workspace, an upload says what it added and a repeated file adds nothing', async () => {
  const options = serveOptions(bin);
  if (!options.has('--workspace')) return;
  fs.mkdirSync(path.join(work, 'kept'), { recursive: true });
  kept = await startServer(bin, ['--workspace', path.join(work, 'kept', 'team.glw'), '--data-dir', path.join(work, 'kept-data'), '--no-warm-up'],
    { cwd: path.join(work, 'kept'), ready: () => true });
  keptPage = await newPage(context, kept.url);
  const send = async () => {
    await keptPage.goto(`${kept.url}/#/`);
    await waitReady(keptPage, 'home');
    await keptPage.locator('[data-testid="upload-input"]').setInputFiles(files.usage);
    await settle(keptPage);
    return text(keptPage, '[data-testid="upload-stored"]');
  };
  const first = await send();
  assert(new RegExp(`^${fmtInt(usage.rows)} new rows were saved`).test(first), `first upload: ${first}`);
  const again = await send();
  assert(/already saved on .*nothing was added/.test(again), `repeated upload: ${again}`);
  const s = await getJson(kept.url, 'status');
  eq(s.workspace, true, 'the server keeps a workspace');
  eq(s.datasets[0].rows, usage.rows, 'rows held once');
  noProblems(keptPage);
});

test('with a workspace, a view is saved by name and opened again from any page', async () => {
  if (!keptPage) return;
  await keptPage.goto(`${kept.url}/#/usage?from=2024-01-02`);
  await waitReady(keptPage, 'usage');
  keptPage.once('dialog', (dialog) => dialog.accept('Weekly usage'));
  await keptPage.locator('[data-testid="saved-view-save"]').click();
  await keptPage.waitForFunction(() => /Saved/.test(document.querySelector('[data-testid="saved-view-note"]').textContent));
  await keptPage.goto(`${kept.url}/#/`);
  await waitReady(keptPage, 'home');
  await keptPage.locator('[data-testid="saved-view-open"]').selectOption('Weekly usage');
  await keptPage.waitForFunction(() => location.hash === '#/usage?from=2024-01-02');
  await waitReady(keptPage, 'usage');
  const list = await getJson(kept.url, 'saved/view');
  eq(list.items.map((x) => x.name).join(','), 'Weekly usage', 'the saved views');
  noProblems(keptPage);
});

test('with a workspace, an experiment analysis is saved by name and re-opened without its file', async () => {
  if (!keptPage) return;
  await keptPage.goto(`${kept.url}/#/experiments`);
  await waitReady(keptPage, 'experiments');
  await keptPage.locator('[data-tab="analyze"]').click();
  await settle(keptPage);
  const verdict = await text(keptPage, '[data-testid="verdict"]');
  keptPage.once('dialog', (dialog) => dialog.accept('Example test'));
  await keptPage.locator('[data-testid="saved-analysis-save"]').click();
  await keptPage.waitForFunction(() => /Saved/.test(document.querySelector('[data-testid="saved-analysis-note"]').textContent));
  await keptPage.goto(`${kept.url}/#/`);
  await waitReady(keptPage, 'home');
  await keptPage.goto(`${kept.url}/#/experiments`);
  await waitReady(keptPage, 'experiments');
  await keptPage.locator('[data-tab="analyze"]').click();
  await settle(keptPage);
  // Another analysis on screen first, so that what is shown next can only be the saved one.
  await keptPage.locator('[data-testid="analyze-per-user-example"]').click();
  await settle(keptPage);
  const other = `${await text(keptPage, '[data-testid="verdict"]')} / ${await keptPage.locator('[data-table="analyze-results"] tbody tr').count()}`;
  assert(other !== `${verdict} / 3`, `the per-user example differs from the saved one: ${other}`);
  await keptPage.locator('[data-testid="saved-analysis-open"]').selectOption('Example test');
  await keptPage.waitForFunction(() => /Showing/.test(document.querySelector('[data-testid="saved-analysis-note"]').textContent));
  eq(await text(keptPage, '[data-testid="verdict"]'), verdict, 'the saved verdict');
  eq(await keptPage.locator('[data-table="analyze-results"] tbody tr').count(), 3, 'the saved result rows');
  const list = await getJson(kept.url, 'saved/experiment');
  eq(list.items.map((x) => x.name).join(','), 'Example test', 'the saved analyses');
  noProblems(keptPage);
});

test('with a workspace, an event log uploads beside the usage log and Home chooses which one the pages show', async () => {
  if (!keptPage) return;
  await keptPage.goto(`${kept.url}/#/`);
  await waitReady(keptPage, 'home');
  await keptPage.locator('[data-param="kind"]').selectOption('events');
  await keptPage.locator('[data-testid="upload-input"]').setInputFiles(files.events);
  await settle(keptPage);
  const stored = await text(keptPage, '[data-testid="upload-stored"]');
  assert(new RegExp(`^${fmtInt(events.rows)} new rows were saved`).test(stored), `event upload: ${stored}`);
  const s = await getJson(kept.url, 'status');
  eq(s.datasets.map((d) => d.kind).sort().join(','), 'events,usage', 'both logs held');
  eq(s.default_usage, 'usage', 'the usage log by default');
  // Both product-usage data sets: Home asks which one the pages show (the usage log at first).
  await keptPage.goto(`${kept.url}/#/`);
  await waitReady(keptPage, 'home');
  const choice = keptPage.locator('[data-testid="usage-data"] [data-control="usage-data"]');
  eq(await choice.locator('[aria-pressed="true"]').getAttribute('data-value'), 'usage', 'usage log chosen first');
  assert(!/--|dataset=|\.csv/.test(await text(keptPage, '[data-testid="usage-data"]')), 'plain words');
  await keptPage.goto(`${kept.url}/#/usage`);
  await waitReady(keptPage, 'usage');
  assert(/^Usage log/.test(await text(keptPage, '#page-subtitle')), 'the usage page shows the usage log');
  await keptPage.goto(`${kept.url}/#/`);
  await waitReady(keptPage, 'home');
  const asked = [];
  keptPage.on('request', (r) => { if (r.url().includes('/api/v1/usage')) asked.push(r.url()); });
  await choice.locator('[data-value="events"]').click();
  await waitReady(keptPage, 'home');
  await keptPage.goto(`${kept.url}/#/usage`);
  await waitReady(keptPage, 'usage');
  assert(/^Event log/.test(await text(keptPage, '#page-subtitle')), 'the usage page shows the event log');
  assert(asked.length && asked.every((u) => u.includes('dataset=events')), `requests name the event log: ${asked.slice(0, 3)}`);
  const features = await keptPage.locator('[data-table="features"] tbody tr td:first-child').allTextContents();
  assert(features.some((f) => /open_report/.test(f)), `the event log's events: ${features.slice(0, 5)}`);
  // Back to the usage log for what follows.
  await keptPage.goto(`${kept.url}/#/`);
  await waitReady(keptPage, 'home');
  await choice.locator('[data-value="usage"]').click();
  await waitReady(keptPage, 'home');
  noProblems(keptPage);
});

test('with a workspace, a saved persona model is applied to the loaded users on RFM Segments', async () => {
  if (!keptPage) return;
  const saved = spawnSync(bin, ['segment', '--workspace', path.join(work, 'kept', 'team.glw'), '--kind', 'usage', '--save-model', 'Spring tiers', '--no-write', '--quiet'], { encoding: 'utf8' });
  eq(saved.status, 0, `segment --save-model: ${saved.stderr}`);
  const s = await getJson(kept.url, 'status');
  const usageSet = s.datasets.find((d) => d.kind === 'usage');
  await keptPage.goto(`${kept.url}/#/rfm`);
  await waitReady(keptPage, 'rfm');
  assert(/Spring tiers \(4 personas/.test(await text(keptPage, '[data-testid="saved-model-open"] option')), 'the saved model is offered');
  // Read in one step of the page, and again until it holds, for up to 10 s: a read that fails
  // while the page redraws only costs a read. The read that
  // held is the one checked (CI saw a read after it empty: the event log uploaded before reached
  // the page at the stream's next ping, and the page redrew; both are fixed).
  const cellsNow = () => keptPage.evaluate(() => [...document.querySelectorAll('#page [data-testid="saved-models"] [data-table="saved-model-personas"] tbody tr')]
    .map((tr) => (tr.querySelector('td:nth-child(2)') || {}).textContent || ''));
  const sum = (cells) => cells.map(parseNumber).reduce((a, b) => a + b, 0);
  let cells = [];
  for (let waited = 0; waited < 10000; waited += 100) {
    cells = await cellsNow().catch(() => []);
    if (cells.length === 4 && sum(cells) === usageSet.users) break;
    await keptPage.waitForTimeout(100);
  }
  eq(cells.length, 4, 'one row per persona');
  eq(sum(cells), usageSet.users, 'every user of the usage log placed');
  assert(!/--|segment |\.glw/.test(await text(keptPage, '[data-testid="saved-models"]')), 'plain words');
  noProblems(keptPage);
});

// ---------------------------------------------------------------- a server that asks for keys
let keyed;

test('with keys, a visitor signs in on the login page; a read key may not upload', async () => {
  const options = serveOptions(bin);
  if (!options.has('--require-access-key') || !options.has('--workspace')) return;
  const dir = path.join(work, 'keyed');
  fs.mkdirSync(dir, { recursive: true });
  const workspace = path.join(dir, 'keys.glw');
  const made = spawnSync(bin, ['workspace', 'keys', 'create', '--role', 'read', '--name', 'browser', '--workspace', workspace], { encoding: 'utf8' });
  eq(made.status, 0, `workspace keys create: ${made.stderr}`);
  const key = made.stdout.trim();
  // --require-access-key: the browser is on this machine, and is asked for the key all the same.
  keyed = await startServer(bin, ['--workspace', workspace, '--require-access-key', '--data-dir', path.join(dir, 'data'), '--no-warm-up'],
    { cwd: dir, headers: { Authorization: `Bearer ${key}` } });
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const login = await newPage(visitor, keyed.url);
  const first = await login.goto(`${keyed.url}/#/usage`);
  eq(first.status(), 401, 'a page without a key');
  await login.locator('#login-key').waitFor();
  const words = await text(login, 'main');
  assert(/access key/.test(words) && !/--|\/api\/|Bearer/.test(words), `plain language: ${words}`);
  await login.locator('#login-key').fill('glw_not-the-key');
  await login.locator('#login-submit').click();
  await login.waitForFunction(() => !document.getElementById('login-error').hidden);
  assert(/not accepted/.test(await text(login, '#login-error')), 'a wrong key is said to be wrong');
  await login.locator('#login-key').fill(key);
  await login.locator('#login-submit').click();
  await waitReady(login, 'usage');
  const cookies = await visitor.cookies(keyed.url);
  const session = cookies.find((c) => c.name === 'growthlens_session');
  assert(session && session.httpOnly && session.sameSite === 'Strict', `the session cookie: ${JSON.stringify(cookies)}`);
  assert(!cookies.some((c) => c.value.includes(key)), 'the cookie is not the key');
  // A read key's session: an upload is refused, and the page says so.
  await login.goto(`${keyed.url}/#/`);
  await waitReady(login, 'home');
  await login.locator('[data-testid="upload-input"]').setInputFiles(files.usage);
  await login.waitForFunction(() => /write key|only read/.test(document.getElementById('main').textContent), null, { timeout: 30000 });
  if (shotsDir) {
    const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const shotPage = await stranger.newPage();
    await shotPage.goto(`${keyed.url}/`);
    await shotPage.locator('#login-key').waitFor();
    await shotPage.screenshot({ path: path.join(shotsDir, 'login.png') });
    await stranger.close();
  }
  noProblems(login, [/status of 40[13]/]);
  await visitor.close();
});

// ---------------------------------------------------------------- live events
let live;

test('Live: posted events appear on the Live page and the Overview follows, without a reload', async () => {
  const options = serveOptions(bin);
  if (!options.has('--live-refresh')) return;
  const dir = path.join(work, 'live');
  fs.mkdirSync(dir, { recursive: true });
  const workspace = path.join(dir, 'live.glw');
  const ingest = spawnSync(bin, ['ingest', files.events, '--workspace', workspace], { encoding: 'utf8' });
  eq(ingest.status, 0, `ingest: ${ingest.stderr}`);
  const made = spawnSync(bin, ['workspace', 'keys', 'create', '--role', 'write', '--name', 'sdk', '--workspace', workspace], { encoding: 'utf8' });
  eq(made.status, 0, `workspace keys create: ${made.stderr}`);
  const key = made.stdout.trim();
  // Default settings: with a page open the Overview below follows within a second or two.
  live = await startServer(bin, ['--workspace', workspace, '--data-dir', path.join(dir, 'data'), '--no-warm-up'],
    { cwd: dir, ready: (s) => (s.datasets || []).length === 1 });
  const post = async (body) => {
    const r = await fetch(`${live.url}/api/v1/events`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, acked: Date.now(), answer: await r.json() };
  };
  const p = await newPage(context, live.url);
  await openPage(p, live.url, 'live');
  eq(await text(p, '[data-kpi="active-5m"] .kpi-value'), '0', 'nobody active before the first event');
  await p.evaluate(() => { window.notReloaded = true; });

  // Two users now, one refused event; the page shows them without a reload.
  const first = await post([
    { user_id: 'live-ann', event: 'checkout' },
    { user_id: 'live-bob', event: 'search', count: 3 },
    { user_id: 'live-ann', event: 'search' },
    { event: 'no_user' },
  ]);
  eq(first.status, 200, `POST /api/v1/events: ${JSON.stringify(first.answer)}`);
  eq(first.answer.stored, 3, 'events stored');
  await p.waitForFunction(() => (document.querySelector('[data-table="live-latest"]') || {}).textContent?.includes('live-bob'), null, { timeout: 15000, polling: 20 });
  console.log(`# the Live page showed events ${Date.now() - first.acked} ms after their acknowledgement`);
  await p.waitForFunction(() => document.querySelector('[data-kpi="active-5m"] .kpi-value').textContent === '2', null, { timeout: 15000 });
  eq(await text(p, '[data-kpi="events-hour"] .kpi-value'), '5', 'events in the last hour (counts summed)');
  eq(await text(p, '[data-kpi="rejected"] .kpi-value'), '1', 'refused events');
  assert(/missing user/.test(await text(p, '[data-table="live-rejected"]')), 'the reason is named');
  const newest = await text(p, '[data-table="live-latest"] tbody tr:first-child');
  assert(/live-ann/.test(newest) && /search/.test(newest), `newest first: ${newest}`);
  const perMinute = await expectChart(p, 'live-per-minute');
  assert(perMinute, 'events per minute drawn');
  await expectChart(p, 'live-by-name');
  const words = await text(p, 'main');
  assert(!/--|\/api\/|Bearer|SQLite|Redis/.test(words), `plain language on the Live page: ${words.slice(0, 300)}`);

  // The API: the live generation is the ETag; the same tag answers 304.
  // The held data's background reload (every second while the page is open) moves the tag too: a 200 with another
  // tag between the two requests is that reload, and the pair is asked again.
  let r1;
  let again;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    r1 = await fetch(`${live.url}/api/v1/live`);
    eq(r1.status, 200, 'GET /api/v1/live');
    again = await fetch(`${live.url}/api/v1/live`, { headers: { 'If-None-Match': r1.headers.get('ETag') } });
    if (again.status === 304) break;
    assert(again.headers.get('ETag') !== r1.headers.get('ETag'), 'a 200 to If-None-Match comes with a new ETag');
  }
  eq(again.status, 304, 'the same ETag: not modified');
  const body = await r1.json();
  eq(body.totals.users >= 2, true, 'users counted');
  // The page keeps a stream of changes open: the server reloads at the watched pace.
  eq(body.data_refresh.every_seconds, 1, 'the held data follows every second while a page is open');
  eq(body.data_refresh.unwatched_every_seconds, 30, 'and every 30 seconds when none is');

  // Overview: the KPI cards follow the new events once the data is reloaded in the background.
  await openPage(p, live.url, 'overview');
  const usersBefore = parseNumber(await text(p, '[data-kpi="users"] .kpi-value'));
  // The redraw is made out of sight and shown whole: the KPI cards never leave the screen.
  await p.evaluate(() => {
    window.overviewGaps = 0;
    new MutationObserver(() => {
      if (!document.querySelector('#page [data-kpi="users"] .kpi-value')) window.overviewGaps += 1;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const second = await post([{ user_id: 'live-cy', event: 'checkout' }, { user_id: 'live-dee', event: 'checkout' }]);
  eq(second.status, 200, 'second batch');
  await p.waitForFunction((n) => {
    const el = document.querySelector('[data-kpi="users"] .kpi-value');
    return el && Number(el.textContent.replace(/[^0-9]/g, '')) > n;
  }, usersBefore, { timeout: 6000, polling: 20 }); // unwatched, the reload would wait 30 s
  console.log(`# the Overview's KPIs changed ${Date.now() - second.acked} ms after the acknowledgement (default settings, a page open)`);
  const usersAfter = parseNumber(await text(p, '[data-kpi="users"] .kpi-value'));
  assert(usersAfter >= usersBefore + 2, `active users ${usersBefore} -> ${usersAfter}`);
  eq(await p.evaluate(() => window.overviewGaps), 0, 'mutations that left the Overview without its KPI cards');
  await openPage(p, live.url, 'live');
  eq(await p.evaluate(() => window.notReloaded), true, 'the page was never reloaded');
  if (shotsDir) {
    const shotPage = p;
    await shotPage.mouse.move(1, 1);
    await shotPage.waitForTimeout(250);
    await shotPage.screenshot({ path: path.join(shotsDir, 'live.png'), fullPage: true });
  }
  noProblems(p);
  await p.close();
});

// ---------------------------------------------------------------- run
const failed = await runAll({ filter: only });
try {
  if (browser) await browser.close();
} finally {
  if (demo) await demo.stop();
  if (empty) await empty.stop();
  if (kept) await kept.stop();
  if (keyed) await keyed.stop();
  if (live) await live.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
