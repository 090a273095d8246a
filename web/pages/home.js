// Home: what is loaded (rows, users, dates, cleaning report), CSV upload, demo data, navigation.
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, empty, errorBox, spinner, table, badge, select, field, segmented } from '../lib/ui.js';
import { mappingForm } from './column_mapping.js';
import * as currency from '../lib/currency.js';

const NAV = [
  ['overview', 'Overview', 'KPI cards, personas at a glance and the findings in words.'],
  ['usage', 'Feature Usage', 'Totals, adoption and trends per feature, with date, feature and segment filters.'],
  ['rfm', 'RFM Segments', 'Recency, frequency and monetary value in 3D, KMeans personas and the 11 RFM segments.'],
  ['cohorts', 'Cohorts', 'Retention heatmaps and curves by cohort, growth accounting over time.'],
  ['revenue', 'Revenue', 'Monthly revenue, orders and AOV, countries, the product Pareto and seasonality.'],
  ['experiments', 'Experiments', 'Plan an A/B test, analyse its results, simulate campaigns on segments.'],
  ['downloads', 'Downloads', 'Processed tables as CSV, the segmentation model and an offline HTML report.'],
];

const SCHEMAS = {
  usage: 'user_id, signup_date, event_date, feature_name, events_count',
  events: 'user_id, timestamp, event[, count]',
  transactions: 'InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country',
};

export async function render(ctx) {
  const root = ctx.root;
  const status = ctx.status || (await ctx.refreshStatus());
  ctx.setSubtitle('What is loaded, and where to go next');

  const notice = h('div', { dataset: { testid: 'home-notice' } });
  const datasetsEl = h('div.grid.cols-2', { dataset: { testid: 'datasets' } });
  const uploadResult = h('div', { dataset: { testid: 'upload-result' } });

  const usageChoice = h('div', { dataset: { testid: 'usage-choice' } });
  const drawDatasets = (s) => {
    const held = s.datasets || [];
    // An event log gets its card once one is loaded; the usage log and transactions always show.
    const kinds = ['usage', 'events', 'transactions'].filter((kind) => kind !== 'events' || held.some((d) => d.kind === kind));
    clear(datasetsEl, kinds.map((kind) => datasetCard(kind, held.find((d) => d.kind === kind), ctx)));
    clear(usageChoice, usageChooser(ctx));
    clear(notice);
    if (s.busy) {
      notice.append(h('div.banner.info', spinner(), h('div', h('strong', 'Loading data… '), 'the analyses appear as soon as the server has read and cleaned it.')));
    } else if (!(s.datasets || []).length) {
      notice.append(h('div.banner.info', { dataset: { testid: 'no-data-hint' } },
        h('div',
          h('strong', 'Nothing is loaded yet. '),
          'Upload a feature-usage log or an Online Retail transactions CSV below, or load the demo data to explore every page.')));
    }
  };

  // Poll while the server is loading (after a demo request or an upload from elsewhere).
  const waitWhileBusy = async () => {
    let s = state.currentStatus();
    while (s && s.busy && !ctx.signal.aborted) {
      await new Promise((r) => setTimeout(r, 700));
      s = await ctx.refreshStatus();
      drawDatasets(s);
    }
    return s;
  };

  // ---------- upload ----------
  const fileInput = h('input', { type: 'file', accept: '.csv,.gz,.tsv,.txt,.ndjson,.jsonl,text/csv', dataset: { testid: 'upload-input' }, style: { display: 'none' } });
  const kindSelect = select([['auto', 'Detect from the header'], ['usage', 'Usage log'], ['events', 'Event log'], ['transactions', 'Transactions']], 'auto', null, { dataset: { param: 'kind' } });
  const chooseBtn = h('button.primary', { type: 'button', onclick: () => fileInput.click() }, 'Choose a CSV file…');
  const drop = h('div.dropzone',
    h('div', h('strong', 'Drop a CSV here'), ' or ', chooseBtn),
    h('div.small', { style: { marginTop: '8px' } }, '.csv or .csv.gz, or events as JSON lines (.ndjson, .jsonl); the delimiter, encoding and date format are detected.'));

  const upload = async (file, mapped = null) => {
    if (!file) return;
    const kind = mapped ? mapped.kind : kindSelect.value;
    const columns = {};
    if (mapped) for (const [role, column] of Object.entries(mapped.mapping)) columns[`${role}-col`] = column;
    chooseBtn.disabled = true;
    clear(uploadResult, spinner(`Uploading and cleaning ${file.name} (${fmt.bytes(file.size)})…`));
    const job = (async () => {
      try {
        const result = await api.post('upload', {
          params: { kind, name: file.name, ...columns },
          body: file,
          contentType: file.name.endsWith('.gz') ? 'application/gzip' : 'text/csv',
        });
        api.clearCache();
        let s = await ctx.refreshStatus();
        if (s.busy) s = await waitWhileBusy();
        drawDatasets(s);
        const loaded = findLoaded(s, result, file.name);
        clear(uploadResult, h('div.banner.good', { dataset: { testid: 'upload-ok' } },
          h('div', h('strong', `Loaded ${file.name}`),
            loaded
              ? ` as a ${state.KIND_LABEL[loaded.kind].toLowerCase()}: ${fmt.int(loaded.rows)} rows kept, ${fmt.int(loaded.users)} ${state.whoWord(loaded.kind)}.`
              : '.',
            result.ingest ? h('div', { dataset: { testid: 'upload-stored' } }, storedWords(result.ingest)) : null,
            ' ', loaded ? h('a', { href: loaded.kind === 'transactions' ? '#/revenue' : '#/usage' }, 'See the analysis →') : null)));
      } catch (err) {
        if (api.isAbort(err)) return;
        if (err.parameter === 'columns' && err.body && Array.isArray(err.body.columns) && err.body.columns.length) {
          // Columns no known schema explains: ask which is what instead of stopping at an error.
          clear(uploadResult, mappingForm({
            fileName: file.name,
            info: err.body,
            kind: mapped ? mapped.kind : kind === 'transactions' ? 'transactions' : 'usage',
            onSubmit: (m) => upload(file, m),
            onCancel: () => clear(uploadResult),
          }), mapped ? errorBox(err, { title: 'These columns did not load' }) : null);
          return;
        }
        clear(uploadResult, errorBox(err, { title: `${file.name} was not loaded` }));
      } finally {
        chooseBtn.disabled = false;
        fileInput.value = '';
      }
    })();
    return ctx.track(job);
  };
  fileInput.addEventListener('change', () => upload(fileInput.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    upload(e.dataTransfer.files[0]);
  });

  const uploadNote = status.store === 'clickhouse'
    ? `The data lives in ClickHouse (${status.clickhouse}): files are added there with GrowthLens's ingest command, not from this page. Pages whose numbers are not computed in ClickHouse yet say so.`
    : status.workspace
    ? 'It is added to the saved data of the same kind; rows saved before are not added twice.'
    : 'It replaces the loaded data of the same kind.';
  const uploadCard = card({ title: 'Upload a CSV', note: uploadNote, testid: 'upload' },
    drop,
    h('div.row', { style: { marginTop: '12px', alignItems: 'flex-end' } }, field('Kind', kindSelect), fileInput),
    h('div.small.muted', { style: { marginTop: '10px' } },
      h('div', h('strong', 'Usage log: '), h('code', SCHEMAS.usage)),
      h('div', h('strong', 'Event log: '), h('code', SCHEMAS.events), ' (times in ISO 8601 or epoch seconds)'),
      h('div', h('strong', 'Transactions: '), h('code', SCHEMAS.transactions), ' (or Online Retail II names)')),
    h('div', { style: { marginTop: '12px' } }, uploadResult));

  // ---------- demo ----------
  const demoResult = h('div', { dataset: { testid: 'demo-result' } });
  const demoBtn = h('button.primary', { type: 'button', dataset: { testid: 'demo-button' } }, 'Load demo data');
  demoBtn.addEventListener('click', () => {
    demoBtn.disabled = true;
    clear(demoResult, spinner('Generating, cleaning and analysing the demo data…'));
    ctx.track((async () => {
      try {
        await api.post('demo');
        api.clearCache();
        let s = await ctx.refreshStatus();
        if (s.busy) s = await waitWhileBusy();
        drawDatasets(s);
        clear(demoResult, h('div.banner.good', h('div', h('strong', 'Demo data loaded. '), h('a', { href: '#/overview' }, 'Open the overview →'))));
      } catch (err) {
        if (!api.isAbort(err)) clear(demoResult, errorBox(err, { title: 'The demo data was not loaded' }));
      } finally {
        demoBtn.disabled = false;
      }
    })());
  });
  const demoCard = card({ title: 'Demo data', note: 'A synthetic SaaS usage log and Online-Retail-style transactions, the same for every run.', testid: 'demo' },
    h('p.muted', { style: { marginTop: 0 } }, 'Personas with their own activity and churn, a core feature most users adopt and niche ones few do, weekday seasonality; invoices with returns, cancellations, missing customer ids and duplicates for the cleaning report to find.'),
    demoBtn,
    h('div', { style: { marginTop: '12px' } }, demoResult));

  const navCards = h('div.nav-cards', NAV.map(([id, title, text]) => h('a.nav-card', { href: `#/${id}` },
    h('div.nav-card-title', title), h('div.nav-card-text', text))));

  drawDatasets(status);
  const hasData = (status.datasets || []).length > 0;
  const actions = h('div.grid.cols-2', uploadCard, demoCard);
  root.append(notice);
  if (hasData) {
    root.append(usageChoice, datasetsEl, actions, card({ title: 'Pages' }, navCards));
  } else {
    root.append(actions, datasetsEl, card({ title: 'Pages' }, navCards));
  }
  for (const el of root.children) el.style.marginTop = el === root.firstChild ? '' : '16px';
  if (status.busy) ctx.track(waitWhileBusy());
}

/**
 * Which product-usage data the pages show, when both a usage log and an event log are loaded:
 * daily counts per feature, or the events with their times.
 */
function usageChooser(ctx) {
  const kinds = state.usageKinds();
  if (kinds.length < 2) return null;
  const words = { usage: 'Usage log (daily counts per feature)', events: 'Event log (each event with its time)' };
  return card({ title: 'Product usage data shown on the pages', note: 'Feature Usage, Overview, RFM, Cohorts and Users read the one chosen here.', testid: 'usage-data' },
    segmented(kinds.map((k) => [k, words[k]]), state.usageKind(), (k) => {
      state.chooseUsage(k);
      api.clearCache();
      ctx.rerender();
    }, { name: 'usage-data', label: 'Product usage data' }));
}

/** What an upload added to the saved data, in words. */
function storedWords(ingest) {
  if (ingest.already_ingested) return `This file was already saved on ${ingest.loaded_at} (UTC); nothing was added.`;
  const skipped = ingest.rows_skipped ? ` ${fmt.int(ingest.rows_skipped)} rows were saved before and were skipped.` : '';
  return `${fmt.int(ingest.rows_added)} new rows were saved.${skipped}`;
}

function findLoaded(status, result, name) {
  const list = status.datasets || [];
  const kind = result && (result.kind || (result.dataset && result.dataset.kind) || (result.cleaning && result.cleaning.kind));
  return list.find((d) => d.kind === kind) || list.find((d) => d.source === name) || null;
}

/** The currency of a transactions file: detected from its top country, or chosen here. */
function currencyField(d, ctx) {
  const chosen = currency.chosen(d.source);
  const detected = chosen ? '' : fmt.currencyCode();
  const el = select([['', detected ? `Detected: ${detected}` : 'None detected'], ...currency.CHOICES.map((c) => [c, c])], chosen, (v) => {
    currency.choose(d.source, v);
    ctx.rerender();
  }, { dataset: { param: 'currency' } });
  return field('Currency', el, 'of every money figure');
}

function datasetCard(kind, d, ctx) {
  const title = state.KIND_LABEL[kind];
  if (!d) {
    return card({ title, testid: `dataset-${kind}` },
      empty(`No ${title.toLowerCase()} loaded`, `Columns: ${SCHEMAS[kind]}.`));
  }
  const c = d.cleaning || {};
  const stat = (labelText, value, key) => h('div.stat', { dataset: { stat: key } }, h('div.stat-label', labelText), h('div.stat-value', value));
  const records = c.records ?? d.rows;
  const dropped = c.rows_dropped ?? 0;
  const rules = (c.rules || []).filter((r) => r.enabled !== false && r.applies !== false);
  const malformed = (c.malformed || []).filter((m) => m.rows > 0);
  const examples = (list) => (list && list.length ? `lines ${list.slice(0, 5).map((e) => fmt.int(e.line)).join(', ')}${list.length > 5 ? '…' : ''}` : '');
  const rows = [
    ...rules.map((r) => ({ reason: r.rule, what: r.description, rows: r.rows, share: r.share, where: examples(r.examples) })),
    ...malformed.map((m) => ({ reason: m.reason, what: 'malformed record', rows: m.rows, share: records ? m.rows / records : null, where: examples(m.examples) })),
  ];
  if (c.blank_lines) rows.push({ reason: 'blank_lines', what: 'blank lines skipped', rows: c.blank_lines, share: null, where: '' });
  const src = c.source || {};
  return card({
    title: h('span.row', title, badge(d.source || d.name, 'info')),
    note: [c.schema, src.encoding, src.delimiter ? `delimiter “${src.delimiter}”` : null, src.gzip ? 'gzip' : null, src.bytes ? fmt.bytes(src.bytes) : null].filter(Boolean).join(' · '),
    // A usage log's or an event log's pages show that log.
    actions: h('a.button', { href: kind === 'transactions' ? '#/revenue' : '#/usage', onclick: kind === 'transactions' ? undefined : () => state.chooseUsage(kind) }, 'Analyse →'),
    testid: `dataset-${kind}`,
  },
  h('div.dataset-stats',
    stat('Rows kept', fmt.int(d.rows), 'rows'),
    stat(kind === 'transactions' ? 'Customers' : 'Users', fmt.int(d.users), 'users'),
    stat('First day', fmt.date(d.first_day), 'first_day'),
    stat('Last day', fmt.date(d.last_day), 'last_day')),
  h('div.small.muted', { style: { marginBottom: '8px' } },
    `Cleaning: ${fmt.int(records)} records read, ${fmt.int(c.rows_kept ?? d.rows)} kept, ${fmt.int(dropped)} dropped`,
    records ? ` (${fmt.pct(dropped / records)})` : '', '.'),
  table([
    { key: 'reason', label: 'Rule', render: (r) => h('div', h('div', r.what), h('code.small.muted', r.reason)) },
    { key: 'rows', label: 'Rows', num: true, render: (r) => (r.rows ? fmt.int(r.rows) : h('span.muted', '0')) },
    { key: 'share', label: 'Share', num: true, format: (v) => (v === null || v === undefined ? '' : fmt.pct(v, 2)) },
    { key: 'where', label: 'First lines', render: (r) => h('span.small.muted', r.where) },
  ], rows, { testid: `cleaning-${kind}` }),
  c.netting ? nettingNote(c.netting) : null,
  kind === 'transactions' ? h('div', { style: { marginTop: '10px' } }, currencyField(d, ctx)) : null);
}

/** What netting cancelled orders did: cancellations matched to the purchases they take back. */
function nettingNote(n) {
  if (!n.enabled) return h('div.small.muted', { style: { marginTop: '8px' } }, 'Cancelled orders are dropped; the purchases they cancel are kept (netting is off).');
  const unmatched = (n.unmatched || []).slice(0, 3).map((u) => `line ${fmt.int(u.line)} ${u.invoice} (customer ${u.customer}, item ${u.stock_code}, ${fmt.int(u.unmatched_units)} units)`);
  return h('div.small', { style: { marginTop: '8px' }, dataset: { testid: 'netting' } },
    h('strong', 'Cancelled orders netted: '),
    `${fmt.int(n.cancellation_lines)} cancellation lines take back ${fmt.int(n.units_netted)} of ${fmt.int(n.units_cancelled)} units from the same customer's earlier purchases of the item: ${fmt.int(n.purchase_lines_removed)} purchase lines removed, ${fmt.int(n.purchase_lines_reduced)} reduced. `,
    n.unmatched_lines + n.partly_matched_lines
      ? `${fmt.int(n.unmatched_lines + n.partly_matched_lines)} cancellations find no (or too small an) earlier purchase in the data, ${fmt.int(n.units_unmatched)} units${unmatched.length ? `, e.g. ${unmatched.join('; ')}` : ''}.`
      : 'Every cancellation found its purchase.');
}
