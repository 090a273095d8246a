// The dashboard shell: hash routing (#/overview ...), navigation, data-set switch, page life cycle.
// Each page is a module under pages/ exporting render(ctx).
import * as api from './lib/api.js';
import { h, clear, errorBox, segmented, spinner } from './lib/ui.js';
import { purgeAll } from './lib/charts.js';
import * as state from './lib/state.js';
import * as fmt from './lib/format.js';
import * as view from './lib/view.js';
import * as currency from './lib/currency.js';
import { loadMeta } from './lib/meta.js';
import * as saved from './lib/saved.js';

const ICONS = {
  home: 'M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z',
  overview: 'M4 13h6V4H4zm0 7h6v-5H4zm10 0h6v-9h-6zm0-16v5h6V4z',
  usage: 'M4 19V9m5 10V5m5 14v-7m5 7V8',
  rfm: 'M12 3a9 9 0 1 0 9 9h-9z M14 3.3A9 9 0 0 1 20.7 10H14z',
  cohorts: 'M4 4h16v16H4zM4 9.3h16M4 14.6h16M9.3 4v16M14.6 4v16',
  revenue: 'M12 3v18m4.5-14.5c-1-1.2-2.6-1.8-4.5-1.8-2.5 0-4.5 1.3-4.5 3.3 0 4.8 9 2.5 9 7.2 0 2-2 3.3-4.5 3.3-2 0-3.7-.7-4.7-2',
  experiments: 'M9 3h6M10 3v6l-5.5 9.5A1.7 1.7 0 0 0 6 21h12a1.7 1.7 0 0 0 1.5-2.5L14 9V3',
  downloads: 'M12 4v11m0 0l-4.5-4.5M12 15l4.5-4.5M5 19h14',
  live: 'M3 12h4l3-8 4 16 3-8h4',
  funnels: 'M3 4h18l-7 8v6l-4 2v-8z',
  paths: 'M3 6h5c4 0 4 12 8 12h5M3 6h5c4 0 4-2 8-2h5M8 6c4 0 4 7 8 7h5',
  predictions: 'M3 17l5-5 4 4 8-8m-5 0h5v5',
  users: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-6 10v-1a6 6 0 0 1 12 0v1m2-10a3 3 0 1 0 0-6m2 16v-1a5 5 0 0 0-3-4.6',
};

// id = the hash path; `kinds`: which data the page needs ('any' = either, null = none).
const PAGES = [
  { id: '', title: 'Home', icon: 'home', module: './pages/home.js', kinds: null },
  { id: 'live', title: 'Live', icon: 'live', module: './pages/live.js', kinds: null },
  { id: 'overview', title: 'Overview', icon: 'overview', module: './pages/overview.js', kinds: 'any' },
  { id: 'usage', title: 'Feature Usage', icon: 'usage', module: './pages/usage.js', kinds: 'usage' },
  { id: 'rfm', title: 'RFM Segments', icon: 'rfm', module: './pages/rfm.js', kinds: 'any' },
  { id: 'cohorts', title: 'Cohorts', icon: 'cohorts', module: './pages/cohorts.js', kinds: 'any' },
  { id: 'funnels', title: 'Funnels', icon: 'funnels', module: './pages/funnels.js', kinds: 'events' },
  { id: 'paths', title: 'Paths', icon: 'paths', module: './pages/paths.js', kinds: 'events' },
  { id: 'revenue', title: 'Revenue', icon: 'revenue', module: './pages/revenue.js', kinds: 'transactions' },
  { id: 'predictions', title: 'Predictions', icon: 'predictions', module: './pages/predictions.js', kinds: 'any' },
  { id: 'users', title: 'Users', icon: 'users', module: './pages/users.js', kinds: 'any' },
  { id: 'user', title: 'User', icon: 'users', module: './pages/user.js', kinds: 'any', hidden: true },
  { id: 'experiments', title: 'Experiments', icon: 'experiments', module: './pages/experiments.js', kinds: null },
  { id: 'downloads', title: 'Downloads', icon: 'downloads', module: './pages/downloads.js', kinds: 'any', noSwitch: true },
];

const main = document.getElementById('main');
let pageEl = document.getElementById('page');
// A redraw for new data, drawn out of sight until every part of it is ready (see route), and
// whether newer data arrived while it was drawn (one more redraw follows it).
let staging = null;
let redrawAgain = false;
const titleEl = document.getElementById('page-title');
const subtitleEl = document.getElementById('page-subtitle');
const actionsEl = document.getElementById('page-actions');
const navEl = document.getElementById('nav');
const footEl = document.getElementById('sidebar-foot');

function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '1.8');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}

function buildNav() {
  clear(navEl, PAGES.filter((p) => !p.hidden).map((p) => h('a', { href: `#/${p.id}`, dataset: { page: p.id || 'home' } }, icon(p.icon), h('span.label', p.title))));
}

function updateNav(activeIdAsked) {
  // A user's page belongs to the Users entry.
  const activeId = activeIdAsked === 'user' ? 'users' : activeIdAsked;
  for (const a of navEl.children) {
    const p = PAGES.find((x) => (x.id || 'home') === a.dataset.page);
    // The links carry the shared date range, data set and filters to the next page.
    a.setAttribute('href', view.linkTo(p.id));
    a.classList.toggle('active', p.id === activeId);
    a.toggleAttribute('aria-current', p.id === activeId);
    const missing = p.kinds && p.kinds !== 'any' && !state.dataset(p.kinds);
    const none = p.kinds === 'any' && !state.hasData();
    a.classList.toggle('disabled', Boolean(missing || none));
    a.title = missing ? `Needs ${state.kindWithArticle(p.kinds)}` : none ? 'Load data first' : '';
  }
}

function updateFoot(status) {
  const ds = (status && status.datasets) || [];
  const line = (kind) => {
    const d = ds.find((x) => (x.name || x.kind) === kind);
    return h('div.dataset-line', h(`span.dot${d ? '.on' : ''}`),
      d ? `${state.KIND_LABEL[d.kind]}: ${fmt.compact(d.rows)} rows` : `${state.KIND_LABEL[kind]}: none`);
  };
  const events = ds.some((x) => x.kind === 'events');
  clear(footEl, line('usage'), events ? line('events') : null, line('transactions'),
    status && status.workspace ? savedViews() : null,
    status && status.version ? h('div', { style: { marginTop: '8px' } }, `v${status.version}`) : null);
}

// ---------- saved views (a server with a workspace keeps them) ----------
let savedViewsBox = null;

/** Open a saved view (page and filters) or save the one on screen under a name. */
function savedViews() {
  if (savedViewsBox) return savedViewsBox;
  const note = h('div.small.muted', { dataset: { testid: 'saved-view-note' } });
  const picker = h('select', { 'aria-label': 'Open a saved view', dataset: { testid: 'saved-view-open' }, style: { width: '100%' } });
  const fill = async () => {
    const { items } = await saved.list('view');
    clear(picker, h('option', { value: '' }, items.length ? 'Open a saved view…' : 'No saved views yet'),
      items.map((item) => h('option', { value: item.name }, item.name)));
  };
  picker.addEventListener('change', async () => {
    const name = picker.value;
    if (!name) return;
    try {
      const { item } = await saved.open('view', name);
      if (!saved.isViewHash(item.hash)) throw new Error(`The view “${name}” does not point to a page.`);
      note.textContent = '';
      location.hash = item.hash;
    } catch (err) {
      note.textContent = err.message;
    }
    picker.value = '';
  });
  const saveBtn = h('button', { type: 'button', dataset: { testid: 'saved-view-save' } }, 'Save this view');
  saveBtn.addEventListener('click', async () => {
    const name = (window.prompt('Name this view (the page and its filters):', titleEl.textContent) || '').trim();
    if (!name) return;
    try {
      await saved.save('view', name, { hash: location.hash || '#/', page: current ? current.id : '' });
      note.textContent = `Saved “${name}”.`;
      await fill();
    } catch (err) {
      note.textContent = err.message;
    }
  });
  fill().catch((err) => { note.textContent = err.message; });
  savedViewsBox = h('div.saved-views', { dataset: { testid: 'saved-views' }, style: { marginTop: '12px' } },
    h('div.small', h('strong', 'Saved views')), picker, h('div', { style: { marginTop: '6px' } }, saveBtn), note);
  return savedViewsBox;
}

// ---------- page life cycle ----------
let current = null; // {controller, id}
let pending = 0;
let renderDone = false;

function setReady() {
  const ready = pending === 0 && renderDone;
  if (ready) showStaging();
  main.dataset.state = ready ? 'ready' : 'loading';
}

/** Starts a redraw of the page on screen out of sight: the reader keeps the page meanwhile. */
function startStaging() {
  // Laid out where the page is and as wide (charts size themselves when drawn), but unseen and
  // out of reach of the keyboard and screen readers.
  staging = h('div#page-next', {
    'aria-hidden': 'true',
    inert: true,
    style: {
      position: 'absolute', visibility: 'hidden', overflow: 'hidden',
      left: `${pageEl.offsetLeft}px`, top: `${pageEl.offsetTop}px`,
      width: `${pageEl.clientWidth}px`, height: `${pageEl.offsetHeight}px`,
    },
  });
  pageEl.after(staging);
  return staging;
}

function dropStaging() {
  if (!staging) return;
  purgeAll(staging);
  staging.remove();
  staging = null;
}

/** The redraw is ready: it takes the page's place in one step, at the same scroll position. */
function showStaging() {
  if (!staging) return;
  const y = window.scrollY;
  purgeAll(pageEl);
  staging.removeAttribute('style');
  staging.removeAttribute('aria-hidden');
  staging.inert = false;
  staging.id = 'page';
  pageEl.replaceWith(staging);
  pageEl = staging;
  staging = null;
  window.scrollTo(0, y);
  if (redrawAgain) {
    redrawAgain = false;
    setTimeout(() => redrawForNewData(), 0);
  }
}

/** The page on screen follows new data: redrawn out of sight, or after the redraw under way. */
function redrawForNewData() {
  // Pages of data only: Home and Experiments hold forms a redraw would empty.
  const page = current && PAGES.find((p) => p.id === current.id);
  if (!page || !page.kinds || page.id === 'live') return;
  // A redraw under way finishes first (restarting it at every reload would starve a page that
  // takes longer to draw than the reloads' pace); the next one then starts on the newer data.
  if (staging) {
    redrawAgain = true;
    return;
  }
  route({ quiet: true });
}

/** Track a page promise: the page is 'ready' (main[data-state]) when every tracked promise settled. */
function track(promise) {
  // A promise of an earlier page (or an earlier render of this one) settles into nothing.
  const owner = current;
  pending += 1;
  setReady();
  const done = () => {
    if (current !== owner) return;
    pending -= 1;
    setReady();
  };
  promise.then(done, done);
  return promise;
}

function datasetSwitch(page, ctx) {
  if (page.kinds !== 'any' || page.noSwitch) return null;
  const kinds = ['usage', 'transactions'].filter((k) => state.dataset(k));
  if (kinds.length < 2) return null;
  return h('div.field', h('span.label', 'Data'),
    segmented(kinds.map((k) => [k, state.KIND_LABEL[state.actualKind(k)]]), ctx.kind, (k) => {
      state.chooseKind(k);
      // Each data set has its own dates: the range does not carry over.
      view.update({ data: k, from: null, to: null });
    }, { name: 'dataset', label: 'Data set' }));
}

async function route({ quiet = false } = {}) {
  const { id, params } = view.parseHash();
  const page = PAGES.find((p) => p.id === id);
  if (!page) {
    location.replace('#/');
    return;
  }
  const redraw = quiet && current && current.id === id;
  redrawAgain = false;
  if (current) {
    current.controller.abort();
    dropStaging();
    if (!redraw) purgeAll(pageEl);
  }
  const controller = new AbortController();
  current = { controller, id };
  pending = 0;
  renderDone = false;
  main.dataset.state = 'loading';
  main.dataset.page = id || 'home';
  document.title = `${page.title} · GrowthLens`;
  titleEl.textContent = page.title;
  // A redraw for new data (live events may bring one every second) keeps the page on screen,
  // controls and all, until the new one is ready: the reader never sees it empty.
  if (!redraw) {
    subtitleEl.textContent = '';
    clear(actionsEl);
    clear(pageEl, spinner('Loading…'));
  }
  const root = redraw ? startStaging() : pageEl;
  updateNav(id);

  const ctx = {
    id,
    params,
    signal: controller.signal,
    root,
    kind: state.chosenKind(params.get('data')),
    status: state.currentStatus(),
    track,
    setSubtitle: (t) => { subtitleEl.textContent = t || ''; },
    setActions: (...nodes) => clear(actionsEl, ...nodes),
    navigate: (hash) => { location.hash = hash; },
    /** Changes the view's parameters (a history entry; the page redraws from the URL). */
    setParams: (patch, opts) => view.update(patch, opts),
    link: (pageId, extra) => view.linkTo(pageId, extra),
    rerender: () => route(),
    refreshStatus: async () => {
      const s = await state.refreshStatus();
      ctx.status = s;
      return s;
    },
  };
  const sw = datasetSwitch(page, ctx);
  try {
    // The enums the pages show come from the API's contract (GET /api/v1/meta).
    const [mod] = await Promise.all([import(page.module), currency.apply(state.dataset('transactions')), loadMeta()]);
    if (controller.signal.aborted) return;
    clear(root);
    if (sw) ctx.setActions(sw);
    await mod.render(ctx);
  } catch (err) {
    if (controller.signal.aborted || (err && err.name === 'AbortError')) return;
    console.warn(err);
    clear(root, errorBox(err));
  } finally {
    if (current && current.controller === controller) {
      renderDone = true;
      setReady();
    }
  }
}

async function start() {
  buildNav();
  state.onStatus((s) => {
    updateFoot(s);
    if (current) updateNav(current.id);
  });
  try {
    await state.refreshStatus();
  } catch (err) {
    clear(pageEl, errorBox(err));
    main.dataset.state = 'error';
    return;
  }
  // With nothing loaded the app opens on Home with a hint.
  if (!state.hasData() && !location.hash.replace(/^#\/?/, '')) location.replace('#/');
  window.addEventListener('hashchange', () => route());
  route();
  // Live events reloaded into the data the pages analyse: the page on screen fetches its data
  // again, keeping its place (the Live page follows every event itself).
  if (state.currentStatus() && state.currentStatus().workspace) {
    api.onLiveChange(async (change, before) => {
      if (!before || change.data_generation === before.data_generation) return;
      api.clearCache();
      await state.refreshStatus().catch(() => null);
      redrawForNewData();
    });
  }
}

window.GrowthLens = { api, state };
start();
