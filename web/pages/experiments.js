// Experiments: the planner with live results (/experiment/plan), the analysis of a summary CSV
// (POST /experiment/analyze) and the campaign simulator on segments (/experiment/simulate).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import * as saved from '../lib/saved.js';
import { h, clear, card, chartCard, table, segmented, field, select, trackedDebounce, errorBox, spinner, badge, markInvalid, empty } from '../lib/ui.js';
import { plot, emptyChart, loading } from '../lib/charts.js';
import { palette, alpha } from '../lib/palette.js';
import { campaignActions, campaigns, campaignVerdicts, metricKinds, perUserMetrics, personaTiers, rfmSegments, verdicts } from '../lib/meta.js';

let tab = 'plan';

export async function render(ctx) {
  ctx.setSubtitle('Plan an A/B test, read its results, and see which campaigns are worth running on which segments');
  const tabs = [['plan', 'Plan a test'], ['analyze', 'Analyse results'], ['simulate', 'Simulate a campaign']];
  const panels = {};
  const tabBar = h('div.tabs', { role: 'tablist' }, tabs.map(([id, text]) => h('button', {
    type: 'button', role: 'tab', dataset: { tab: id }, 'aria-selected': String(tab === id),
    onclick: () => { tab = id; show(); },
  }, text)));
  const show = () => {
    for (const b of tabBar.children) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    for (const [id, el] of Object.entries(panels)) el.hidden = id !== tab;
    window.dispatchEvent(new Event('resize'));
  };
  panels.plan = h('div', { role: 'tabpanel', dataset: { panel: 'plan' } });
  panels.analyze = h('div', { role: 'tabpanel', dataset: { panel: 'analyze' } });
  panels.simulate = h('div', { role: 'tabpanel', dataset: { panel: 'simulate' } });
  ctx.root.append(tabBar, panels.plan, panels.analyze, panels.simulate);
  show();
  planner(ctx, panels.plan);
  analyzer(ctx, panels.analyze);
  simulator(ctx, panels.simulate);
}

// ---------------------------------------------------------------- planner
const plan = {
  metric: 'proportion', solve: 'n', baseline: '0.10', 'std-dev': '', effectKind: 'absolute', effect: '0.01',
  n: '5000', alpha: '0.05', power: '0.8', alternative: 'two-sided', ratio: '1', arms: '1', 'daily-traffic': '1000', 'traffic-share': '1',
  dataMetric: '',
};

// Per-user metrics `experiment plan` estimates from the held data (docs/ANALYTICS.md, Plan): the
// names come from the API; these are their words on the page (a name without words shows as is).
const DATA_METRIC_WORDS = {
  usage: { events: 'events per user', active_days: 'active days per user', recency: 'days since last active', monetary: 'events per user (RFM)', frequency: 'active days per user (RFM)' },
  transactions: { revenue: 'revenue per customer', orders: 'orders per customer', aov: 'average order value', recency: 'days since last order', monetary: 'revenue per customer (RFM)', frequency: 'orders per customer (RFM)' },
};
// The RFM aliases estimate the same numbers as the plain names: offered once.
const dataMetrics = (kind) => perUserMetrics(kind).filter((m) => m !== 'monetary' && m !== 'frequency')
  .map((m) => [m, (DATA_METRIC_WORDS[kind] || {})[m] || m.replace(/_/g, ' ')]);
const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function planner(ctx, root) {
  const inputs = {};
  const num = (name, attrs = {}) => {
    const el = h('input', { type: 'number', step: 'any', value: plan[name], dataset: { param: name }, ...attrs });
    el.addEventListener('input', () => { plan[name] = el.value; changed(); });
    inputs[name] = el;
    return el;
  };
  const effectInput = h('input', { type: 'number', step: 'any', value: plan.effect, dataset: { param: plan.effectKind === 'absolute' ? 'effect' : 'relative-effect' } });
  effectInput.addEventListener('input', () => { plan.effect = effectInput.value; changed(); });

  const f = {
    baseline: field('Baseline', num('baseline', { min: 0 }), 'control conversion rate (0-1) or mean'),
    std: field('Standard deviation', num('std-dev', { min: 0 }), 'of the metric, per user'),
    effect: field('Effect', effectInput, 'treatment − control'),
    effectKind: field('Effect as', segmented([['absolute', 'Absolute'], ['relative', 'Relative']], plan.effectKind, (v) => {
      plan.effectKind = v;
      effectInput.dataset.param = v === 'absolute' ? 'effect' : 'relative-effect';
      if (v === 'relative' && plan.effect === '0.01') { plan.effect = '0.1'; effectInput.value = '0.1'; }
      if (v === 'absolute' && plan.effect === '0.1') { plan.effect = '0.01'; effectInput.value = '0.01'; }
      changed();
    }, { name: 'effect-kind' })),
    n: field('Users in control', num('n', { min: 2, step: 1 })),
    alpha: field('Significance α', num('alpha', { min: 0, max: 1 })),
    power: field('Power', num('power', { min: 0, max: 1 })),
    alternative: field('Alternative', select([['two-sided', 'Two-sided'], ['larger', 'Treatment larger'], ['smaller', 'Treatment smaller']], plan.alternative, (v) => { plan.alternative = v; changed(); }, { dataset: { param: 'alternative' } })),
    ratio: field('Allocation ratio', num('ratio', { min: 0 }), 'users per treatment arm / control'),
    arms: field('Treatment arms', num('arms', { min: 1, step: 1 })),
    traffic: field('Daily eligible users', num('daily-traffic', { min: 0 }), 'for the duration (optional)'),
    share: field('Share in the test', num('traffic-share', { min: 0, max: 1 })),
  };
  // "From the data": the baseline and standard deviation of a per-user metric of the loaded data.
  const dataChoices = ['usage', 'transactions'].filter((k) => state.dataset(k))
    .flatMap((k) => dataMetrics(k).map(([m, label]) => [`${k}:${m}`, `${state.KIND_LABEL[k]}: ${label}`]));
  if (!dataChoices.some(([v]) => v === plan.dataMetric)) plan.dataMetric = dataChoices.length ? dataChoices[0][0] : '';
  const dataSelect = select(dataChoices.length ? dataChoices : [['', 'no data loaded']], plan.dataMetric, (v) => { plan.dataMetric = v; changed(); }, { dataset: { param: 'metric' } });
  f.data = field('Per-user metric', dataSelect, 'mean and standard deviation estimated from the loaded data');
  if (plan.metric === 'data' && !dataChoices.length) plan.metric = 'proportion';
  const metricChoices = metricKinds().map((k) => [k.value, capitalised(k.label)]);
  if (dataChoices.length) metricChoices.push(['data', 'From the data']);
  const metricSw = field('Metric', segmented(metricChoices, plan.metric, (v) => {
    plan.metric = v;
    if (v === 'data') {
      plan.effectKind = 'relative';
      effectInput.dataset.param = 'relative-effect';
      f.effectKind.querySelector('.segmented').setValue('relative');
      if (Number(plan.effect) < 0.02) { plan.effect = '0.05'; effectInput.value = '0.05'; }
      changed();
      return;
    }
    if (v === 'mean' && Number(plan.baseline) <= 1 && !plan['std-dev']) { plan.baseline = '50'; inputs.baseline.value = '50'; plan['std-dev'] = '20'; inputs['std-dev'].value = '20'; plan.effect = plan.effectKind === 'absolute' ? '2' : '0.05'; effectInput.value = plan.effect; }
    if (v === 'proportion' && Number(plan.baseline) >= 1) { plan.baseline = '0.10'; inputs.baseline.value = '0.10'; plan.effect = plan.effectKind === 'absolute' ? '0.01' : '0.1'; effectInput.value = plan.effect; }
    changed();
  }, { name: 'metric' }));
  const solveSw = field('Solve for', segmented([['n', 'Sample size'], ['power', 'Power'], ['mde', 'Detectable effect']], plan.solve, (v) => { plan.solve = v; changed(); }, { name: 'solve' }));

  const form = h('form.form-grid', { onsubmit: (e) => e.preventDefault(), dataset: { testid: 'plan-form' } },
    f.data, f.baseline, f.std, f.effectKind, f.effect, f.n, f.alpha, f.power, f.alternative, f.ratio, f.arms, f.traffic, f.share);
  const result = h('div', { dataset: { testid: 'plan-result' } });
  const curve = chartCard({ title: 'Power by sample size', note: '', chartId: 'plan-power', size: 'short' });

  root.append(h('div.grid.cols-2',
    card({ title: 'Test design', note: 'Results update as you type (effect sizes: Cohen\'s h for rates, Cohen\'s d for means).' },
      h('div.row', { style: { gap: '18px', marginBottom: '14px' } }, metricSw, solveSw), form),
    h('div', card({ title: 'Result', testid: 'plan-result-card' }, result), h('div', { style: { marginTop: '16px' } }, curve.card))));

  const visible = () => {
    f.std.hidden = plan.metric !== 'mean';
    f.baseline.hidden = plan.metric === 'data';
    f.data.hidden = plan.metric !== 'data';
    f.effect.hidden = plan.solve === 'mde';
    f.effectKind.hidden = plan.solve === 'mde';
    f.n.hidden = plan.solve === 'n';
    f.power.hidden = plan.solve === 'power';
    f.share.hidden = !plan['daily-traffic'];
  };

  const params = (over = {}) => {
    const p = {
      metric: plan.metric, solve: plan.solve, baseline: plan.baseline, alpha: plan.alpha, alternative: plan.alternative,
      ratio: plan.ratio, arms: plan.arms,
    };
    if (plan.metric === 'mean') p['std-dev'] = plan['std-dev'];
    if (plan.metric === 'data') {
      const [kind, name] = plan.dataMetric.split(':');
      p.metric = name;
      p.dataset = state.actualKind(kind);
      delete p.baseline;
    }
    if (plan.solve !== 'mde') p[plan.effectKind === 'absolute' ? 'effect' : 'relative-effect'] = plan.effect;
    if (plan.solve !== 'n') p.n = plan.n;
    if (plan.solve !== 'power') p.power = plan.power;
    if (plan['daily-traffic']) { p['daily-traffic'] = plan['daily-traffic']; p['traffic-share'] = plan['traffic-share']; }
    return { ...p, ...over };
  };

  let seq = 0;
  const run = async () => {
    const mine = ++seq;
    visible();
    result.style.opacity = '0.6';
    try {
      const r = await api.get('experiment/plan', params(), { signal: ctx.signal });
      if (mine !== seq) return;
      markInvalid(form, null);
      markInvalid(root, null);
      clear(result, planResult(r));
      await powerCurve(r, mine);
    } catch (err) {
      if (api.isAbort(err) || mine !== seq) return;
      markInvalid(root, err.parameter);
      clear(result, errorBox(err));
      emptyChart(curve.chart, 'No curve', 'Fix the design to see the power curve.');
    } finally {
      if (mine === seq) result.style.opacity = '';
    }
  };

  // Power at a range of sample sizes around the answer, each from the API (cached server side).
  const powerCurve = async (r, mine) => {
    const n0 = plan.solve === 'n' ? r.n_control : Number(plan.n);
    if (!(n0 > 1)) return;
    const over = { solve: 'power', power: null };
    if (plan.solve === 'mde') {
      over.effect = r.mde_absolute;
      over['relative-effect'] = null;
    }
    const ns = [...new Set([0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1, 1.2, 1.4, 1.7, 2, 2.5, 3].map((m) => Math.max(2, Math.round(n0 * m))))];
    loading(curve.chart);
    const points = await Promise.all(ns.map((n) => api.get('experiment/plan', params({ ...over, n }), { signal: ctx.signal }).then((x) => x.power, () => null)));
    if (mine !== seq) return;
    const p = palette();
    const target = Number(plan.power);
    await plot(curve.chart, [
      { type: 'scatter', mode: 'lines', x: ns, y: points, line: { color: p.series[0], width: 3, shape: 'spline' }, fill: 'tozeroy', fillcolor: alpha(p.series[0], 0.08), hovertemplate: '%{x:,} users in control<br>power %{y:.1%}<extra></extra>' },
      { type: 'scatter', mode: 'markers', x: [n0], y: [plan.solve === 'power' ? r.power : plan.solve === 'n' ? r.power : points[ns.indexOf(Math.round(n0))]], marker: { size: 11, color: p.series[2], line: { color: '#fff', width: 2 } }, hovertemplate: 'this design: %{x:,} users<br>power %{y:.1%}<extra></extra>' },
    ], {
      xaxis: { title: { text: 'users in control' }, tickformat: '~s' },
      yaxis: { tickformat: '.0%', range: [0, 1.02], title: { text: 'power' } },
      shapes: plan.solve !== 'power' && target > 0 && target < 1 ? [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: target, y1: target, line: { color: p.faint, dash: 'dot' } }] : [],
      showlegend: false,
      margin: { t: 8 },
    });
    curve.setNote(plan.solve === 'mde' ? `At the detectable effect ${fmt.signed(r.mde_absolute, 4)}` : 'At the effect you entered');
  };

  const changed = trackedDebounce(ctx, run, 180);
  visible();
  loading(curve.chart);
  ctx.track(run());
}

function planResult(r) {
  const tiles = [];
  const tile = (label, value, key) => h('div.stat', { dataset: { stat: key } }, h('div.stat-label', label), h('div.stat-value', value));
  let big;
  let sentence;
  if (r.n_control !== undefined && r.n_total !== undefined) {
    big = `${fmt.int(r.n_control)} users per arm`;
    if (r.n_per_treatment !== undefined && r.n_per_treatment !== r.n_control) big = `${fmt.int(r.n_control)} in control, ${fmt.int(r.n_per_treatment)} per treatment`;
    sentence = `${fmt.int(r.n_total)} users in all${r.duration_days !== undefined ? `, about ${fmt.plural(r.duration_days, 'day')} at the traffic given` : ''}.`;
    tiles.push(tile('Total users', fmt.int(r.n_total), 'n_total'));
    if (r.duration_days !== undefined) tiles.push(tile('Duration', fmt.plural(r.duration_days, 'day'), 'duration_days'));
  } else if (r.mde_absolute !== undefined) {
    big = `${fmt.signed(r.mde_absolute, 4)} detectable`;
    sentence = `With ${fmt.int(r.n_control)} users in control the smallest effect found at power ${fmt.pct(r.power, 0)} is ${fmt.signed(r.mde_absolute, 4)} (${fmt.signedPct(r.mde_relative)} relative).`;
    tiles.push(tile('Relative', fmt.signedPct(r.mde_relative), 'mde_relative'));
  } else if (r.power !== undefined) {
    big = `power ${fmt.pct(r.power)}`;
    sentence = `With ${fmt.int(r.n_control)} users in control the test finds the effect ${fmt.pct(r.power)} of the time${r.power < 0.8 ? ' — below the usual 80%' : ''}.`;
  }
  tiles.push(tile('Effect size', fmt.num(r.effect_size, 4), 'effect_size'));
  tiles.push(tile('α', fmt.smart(r.alpha, 3), 'alpha'));
  if (r.power !== undefined && r.n_total !== undefined) tiles.push(tile('Power', fmt.pct(r.power, 0), 'power'));
  tiles.push(tile('Arms', `1 + ${r.treatment_arms}`, 'arms'));
  const fromData = r.data_metric
    ? h('div.small', { style: { marginTop: '6px' }, dataset: { testid: 'plan-data' } }, h('strong', 'From the data: '),
      `${r.data_metric}; mean ${fmt.smart(r.data_mean, 3)}, standard deviation ${fmt.smart(r.data_std_dev, 3)} over ${fmt.int(r.data_users)} users.`)
    : null;
  return h('div',
    h('div.result-big', { dataset: { testid: 'plan-big' } }, big || '–'),
    fromData,
    h('div.muted', sentence || ''),
    h('div.small.muted', { style: { marginTop: '4px' } }, `${r.metric}, ${r.alternative}, baseline ${fmt.smart(r.baseline, 4)}`),
    h('div.result-grid', tiles));
}

// ---------------------------------------------------------------- analyzer
// Either a per-arm summary (variant, metric, n, sum, sum_squares | successes) or one row per user.
const EXAMPLE = `variant,metric,n,sum,sum_squares,successes
control,conversion,5000,,,500
treatment,conversion,5100,,,580
control,revenue,5000,25000,400000,
treatment,revenue,5100,27000,430000,
control,refund_rate,5000,,,150
treatment,refund_rate,5100,,,160
`;

/** A per-user example, the same every time: 2,000 users, a conversion, revenue, orders and a pre-period covariate. */
function perUserExample() {
  let seed = 12345;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const rows = ['user_id,variant,converted,revenue,orders,pre_revenue'];
  for (let i = 1; i <= 2000; i += 1) {
    const treat = rand() < 0.5;
    const pre = Math.round(-Math.log(1 - rand()) * 2000) / 100;
    const converted = rand() < (treat ? 0.125 : 0.1) ? 1 : 0;
    const orders = converted ? 1 + Math.floor(rand() * 3) : 0;
    const revenue = orders ? Math.round(orders * (12 + 0.6 * pre + rand() * 8) * (treat ? 1.04 : 1) * 100) / 100 : 0;
    rows.push(`${i},${treat ? 'treatment' : 'control'},${converted},${revenue},${orders},${pre}`);
  }
  return `${rows.join('\n')}\n`;
}

const SUMMARY_OPTIONS = { control: '', guardrails: 'refund_rate', 'lower-is-better': 'refund_rate' };
const PER_USER_OPTIONS = { control: '', guardrails: '', 'lower-is-better': '', covariate: 'revenue:pre_revenue', ratio: 'aov=revenue/orders', winsorize: '0.99' };
const analysis = {
  csv: EXAMPLE, name: 'example.csv', margin: '0.02', alpha: '0.05', correction: 'holm', sequential: false,
  'sequential-tuning': '', 'variant-col': '', metrics: '', covariate: '', ratio: '', winsorize: '', weights: '', ...SUMMARY_OPTIONS,
};
// What an uploaded file starts from: none of the example's choices.
const FILE_DEFAULTS = {
  control: '', guardrails: '', 'lower-is-better': '', margin: '0.02', alpha: '0.05', weights: '', 'variant-col': '', metrics: '',
  covariate: '', ratio: '', winsorize: '', 'sequential-tuning': '',
};

/**
 * The arms of an experiment CSV from its first lines: the variant column (variant, group,
 * version or arm), its distinct values, and the control (named control / baseline / A, else the
 * first seen). Null when there is no such column.
 */
export function detectArms(text) {
  const lines = String(text).split(/\r?\n/).filter((l) => l.trim());
  if (lines.length < 2) return null;
  const delim = [',', ';', '\t', '|'].reduce((best, d) => (lines[0].split(d).length > lines[0].split(best).length ? d : best), ',');
  const cells = (line) => line.split(delim).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const header = cells(lines[0]).map((c) => c.toLowerCase());
  const col = header.findIndex((c) => ['variant', 'group', 'version', 'arm', 'variation', 'bucket'].includes(c));
  if (col < 0) return null;
  const values = [];
  for (const line of lines.slice(1)) {
    const v = cells(line)[col];
    if (v && !values.includes(v)) values.push(v);
    if (values.length > 50) break;
  }
  if (values.length < 2) return null;
  const control = values.find((v) => /^(control|ctrl|baseline|base|a|gate_30|old)$/i.test(v)) || values.find((v) => /control/i.test(v)) || values[0];
  return { column: cells(lines[0])[col], control, variants: values.filter((v) => v !== control) };
}

const ANALYZE_PARAMS = ['control', 'guardrails', 'lower-is-better', 'margin', 'alpha', 'correction', 'weights', 'variant-col', 'metrics', 'covariate', 'ratio', 'winsorize', 'sequential', 'sequential-tuning'];

function analyzer(ctx, root) {
  const text = h('textarea', { spellcheck: false, rows: 8, dataset: { testid: 'analyze-csv' } });
  text.value = analysis.csv;
  text.addEventListener('input', () => { analysis.csv = text.value; analysis.name = 'pasted.csv'; });
  const inputs = {};
  const file = h('input', { type: 'file', accept: '.csv,.gz,text/csv', dataset: { testid: 'analyze-file' } });
  const detected = h('div.small', { dataset: { testid: 'analyze-detected' } });
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    analysis.file = f;
    analysis.name = f.name;
    analysis.csv = f.size > 200000 ? '' : await f.text();
    text.value = analysis.csv || `${f.name}: ${fmt.bytes(f.size)}, sent as it is`;
    // A new file: the example's options (its guardrails, covariate...) do not apply to it.
    const head = analysis.csv || (await f.slice(0, 200000).text());
    const found = detectArms(head);
    setOptions({ ...FILE_DEFAULTS, control: found ? found.control : '' });
    clear(detected, found
      ? [h('strong', 'Detected: '), `control “${found.control}”, ${found.variants.length === 1 ? 'variant' : 'variants'} ${found.variants.map((v) => `“${v}”`).join(', ')} in the column “${found.column}”. Change the control below if it is another.`]
      : []);
    go();
  });
  text.addEventListener('input', () => { analysis.file = null; });
  const opt = (name, label, hint, attrs = {}) => {
    const el = h('input', { type: attrs.type || 'text', value: analysis[name], dataset: { param: name }, step: 'any', ...attrs });
    el.addEventListener('change', () => { analysis[name] = el.value; });
    inputs[name] = el;
    return field(label, el, hint);
  };
  const seq = h('input', { type: 'checkbox', checked: analysis.sequential, dataset: { param: 'sequential' } });
  seq.addEventListener('change', () => { analysis.sequential = seq.checked; });
  const setOptions = (options) => {
    for (const [k, v] of Object.entries(options)) {
      analysis[k] = v;
      if (inputs[k]) inputs[k].value = v;
    }
  };
  const load = (csv, name, options) => {
    analysis.file = null;
    analysis.csv = csv;
    analysis.name = name;
    text.value = csv;
    clear(detected);
    setOptions({ covariate: '', ratio: '', winsorize: '', ...options });
    go();
  };
  const perUser = h('details', { style: { marginTop: '12px' }, open: Boolean(analysis.covariate || analysis.ratio || analysis.winsorize || analysis.metrics || analysis['variant-col']) },
    h('summary.small', { style: { cursor: 'pointer', fontWeight: 600 } }, 'Files with one row per user: CUPED, ratio metrics, winsorising'),
    h('div.form-grid', { style: { marginTop: '10px' } },
      opt('variant-col', 'Variant column', 'default: variant, group, version or arm'),
      opt('metrics', 'Metrics', 'columns, comma-separated; default: every numeric one'),
      opt('covariate', 'CUPED covariate', 'COL, or METRIC:COL'),
      opt('ratio', 'Ratio metric', 'NAME=NUM/DEN, e.g. aov=revenue/orders'),
      opt('winsorize', 'Winsorise at', 'percentile, e.g. 0.99')));
  const form = h('form', { onsubmit: (e) => { e.preventDefault(); go(); } },
    h('div.row', { style: { marginBottom: '8px' } }, h('span.muted.small', 'Upload an experiment CSV (per-arm sums or one row per user) or edit:'), file),
    detected,
    text,
    h('div.form-grid', { style: { marginTop: '12px' } },
      opt('control', 'Control variant', 'default: “control”, else the first'),
      opt('guardrails', 'Guardrail metrics', 'comma-separated'),
      opt('lower-is-better', 'Lower is better', 'comma-separated'),
      opt('margin', 'Guardrail margin', 'relative, 0.02 = 2%', { type: 'number' }),
      opt('alpha', 'Significance α', '', { type: 'number' }),
      field('Correction', select([['holm', 'Holm'], ['bh', 'Benjamini-Hochberg'], ['none', 'None']], analysis.correction, (v) => { analysis.correction = v; }, { dataset: { param: 'correction' } })),
      opt('weights', 'Expected shares', 'per variant in file order, e.g. 0.5,0.5'),
      h('div.field', h('span.label', 'Sequential'), h('div', { style: { minHeight: '34px', display: 'flex', alignItems: 'center' } },
        h('label.row.small', { style: { gap: '6px', flexWrap: 'nowrap' } }, seq, 'always-valid intervals (peeking is safe)'))),
      opt('sequential-tuning', 'Sequential N*', 'planned total users (default 5,000)', { type: 'number' })),
    perUser,
    h('div.row', { style: { marginTop: '12px' } },
      h('button.primary', { type: 'submit', dataset: { testid: 'analyze-run' } }, 'Analyse'),
      h('button', { type: 'button', onclick: () => { perUser.open = false; load(EXAMPLE, 'example.csv', SUMMARY_OPTIONS); } }, 'Summary example'),
      h('button', { type: 'button', dataset: { testid: 'analyze-per-user-example' }, onclick: () => { perUser.open = true; load(perUserExample(), 'per_user_example.csv', PER_USER_OPTIONS); } }, 'Per-user example')));
  const out = h('div', { dataset: { testid: 'analyze-result' } });
  const forest = chartCard({ title: 'Relative lift with its interval', note: 'Per metric and treatment; guardrails in grey', chartId: 'analyze-forest', size: 'short' });
  root.append(
    h('div.grid.cols-2',
      card({ title: 'Experiment results', note: 'Welch t (means) or z (rates), relative lift by the delta method, Holm or BH, chance to beat control, CUPED and sequential intervals.' }, form),
      h('div', card({ title: 'Verdict' }, out), h('div', { style: { marginTop: '16px' } }, forest.card))),
  );
  const resultsTable = h('div');
  root.append(h('div', { style: { marginTop: '16px' } }, card({ title: 'Per metric and arm' }, resultsTable)));
  let latest = null; // the analysis on screen, to save
  const keep = ctx.status && ctx.status.workspace ? savedAnalyses(ctx, (item) => { latest = item; drawAnalysis(item.result, out, forest, resultsTable); }, () => latest) : null;
  if (keep) root.insertBefore(keep, root.firstChild);

  const go = () => ctx.track((async () => {
    clear(out, spinner('Analysing…'));
    loading(forest.chart);
    markInvalid(root, null);
    try {
      const params = { name: analysis.name };
      for (const k of ANALYZE_PARAMS) params[k] = analysis[k];
      if (params.correction === 'holm') delete params.correction;
      const body = analysis.file || analysis.csv;
      const r = await api.post('experiment/analyze', { params, body, contentType: 'text/csv', signal: ctx.signal });
      latest = { result: r, file: analysis.name || 'experiment.csv', options: params };
      drawAnalysis(r, out, forest, resultsTable);
    } catch (err) {
      if (api.isAbort(err)) return;
      markInvalid(root, err.parameter);
      clear(out, errorBox(err, { title: 'The experiment could not be analysed' }));
      emptyChart(forest.chart, 'No results', 'Fix the file or the options; the message above says what is wrong.');
      clear(resultsTable, empty('No results', 'The table fills in once the file is analysed.'));
    }
  })());
  go();
}

/** A rate as a percentage ("11.37%"), a mean as a number. */
/** Save the analysis on screen under a name, or re-open one saved before (kept in the workspace). */
function savedAnalyses(ctx, show, current) {
  const note = h('span.small.muted', { dataset: { testid: 'saved-analysis-note' } });
  const picker = h('select', { 'aria-label': 'Open a saved analysis', dataset: { testid: 'saved-analysis-open' } });
  const fill = async () => {
    const { items } = await saved.list('experiment', ctx.signal);
    clear(picker, h('option', { value: '' }, items.length ? 'Open a saved analysis…' : 'No saved analyses yet'),
      items.map((item) => h('option', { value: item.name }, `${item.name} (${item.saved_at} UTC)`)));
  };
  picker.addEventListener('change', async () => {
    const name = picker.value;
    if (!name) return;
    try {
      const { item } = await saved.open('experiment', name, ctx.signal);
      show(item);
      note.textContent = `Showing “${name}”, analysed from ${item.file}.`;
    } catch (err) {
      if (!api.isAbort(err)) note.textContent = err.message;
    }
    picker.value = '';
  });
  const saveBtn = h('button', { type: 'button', dataset: { testid: 'saved-analysis-save' } }, 'Save this analysis');
  saveBtn.addEventListener('click', async () => {
    const item = current();
    if (!item) {
      note.textContent = 'Analyse a file first.';
      return;
    }
    const name = (window.prompt('Name this analysis:', item.file) || '').trim();
    if (!name) return;
    try {
      await saved.save('experiment', name, item);
      note.textContent = `Saved “${name}”.`;
      await fill();
    } catch (err) {
      note.textContent = err.message;
    }
  });
  fill().catch((err) => { if (!api.isAbort(err)) note.textContent = err.message; });
  return h('div.row', { style: { marginBottom: '12px', gap: '8px', alignItems: 'center' }, dataset: { testid: 'saved-analyses' } },
    h('strong', 'Saved analyses'), picker, saveBtn, note);
}

function metricValue(x, v) {
  return x.type === 'proportion' ? fmt.pct(v, 2) : fmt.smart(v, 3);
}

/** A difference of rates in percentage points, of means as a signed number. */
function absoluteLift(x, v) {
  if (x.type !== 'proportion') return fmt.signed(v, 3);
  if (v === null || v === undefined || !Number.isFinite(v)) return fmt.DASH;
  return `${v > 0 ? '+' : ''}${fmt.num(v * 100, 2)} pts`;
}

// The verdicts' spellings come from the API (value and label of each); pass / fail are guardrails'.
const VERDICT_TONE = { ship: 'good', dont_ship: 'bad', inconclusive: 'warn' };
const GUARDRAIL_TONE = { pass: 'good', fail: 'bad' };
const tone = (d) => {
  const text = String(d).toLowerCase();
  const verdict = verdicts().find((v) => v.value === text || v.label === text);
  return (verdict && VERDICT_TONE[verdict.value]) || GUARDRAIL_TONE[text] || 'info';
};

function drawAnalysis(r, out, forest, resultsTable) {
  const v = r.verdict || {};
  const srm = r.srm || {};
  clear(out,
    h('div.row', h('span.verdict', { dataset: { testid: 'verdict' } }, badge(String(v.decision || '').toUpperCase(), tone(v.decision))), h('span', v.reason || '')),
    h(`div.banner.${srm.mismatch ? 'warn' : 'good'}`, { style: { marginTop: '12px' } },
      h('div', h('strong', srm.mismatch ? 'Sample ratio mismatch. ' : 'Sample ratio OK. '), srm.message || '')),
    h('div.small.muted', { style: { marginTop: '8px' } },
      `Control “${r.control}”, α = ${r.alpha}, correction ${r.correction}${r.sequential ? ', always-valid (sequential) intervals' : ''}.`,
      r.arms ? ` Users per arm: ${r.arms.map((a) => `${a.variant} ${fmt.int(a.users)}`).join(', ')}${r.rows ? ` (${fmt.int(r.rows)} rows)` : ''}.` : ''),
    (r.cuped || []).length
      ? h('div.small.muted', { style: { marginTop: '4px' } }, `CUPED: ${r.cuped.map((c) => `${c.metric} adjusted by ${c.covariate} (θ = ${fmt.smart(c.theta, 4)})`).join('; ')}.`)
      : null,
    r.winsorize && (r.winsorize.columns || []).length
      ? h('div.small.muted', { style: { marginTop: '4px' } }, `Winsorised at the ${fmt.pct(r.winsorize.percentile, 1)} percentile: ${r.winsorize.columns.map((c) => `${c.column} capped at ${fmt.smart(c.cap, 3)} (${fmt.int(c.capped)} values)`).join(', ')}.`)
      : null);
  const rows = r.results || [];
  const p = palette();
  const labels = rows.map((x) => `${x.metric} · ${x.variant}`);
  const colour = rows.map((x) => (x.role === 'guardrail' ? p.faint : x.decision === 'ship' ? p.good : x.decision === 'inconclusive' ? p.series[0] : p.bad));
  // The interval drawn is the one the verdict rests on: corrected like the p-value (Holm or BH)
  // for goals, at 1 - α for guardrails; the per-comparison one is in the hover and the table.
  const low = (x) => x.adjusted_relative_ci_low ?? x.relative_ci_low;
  const high = (x) => x.adjusted_relative_ci_high ?? x.relative_ci_high;
  const level = (x) => fmt.pct(x.adjusted_confidence ?? 1 - r.alpha, 1);
  plot(forest.chart, [{
    type: 'scatter', mode: 'markers', y: labels, x: rows.map((x) => x.relative_lift),
    error_x: { type: 'data', symmetric: false, array: rows.map((x) => high(x) - x.relative_lift), arrayminus: rows.map((x) => x.relative_lift - low(x)), color: p.muted, thickness: 2, width: 6 },
    marker: { size: 11, color: colour },
    customdata: rows.map((x) => [low(x), high(x), x.adjusted_p ?? x.relative_p, x.chance_to_beat_control, level(x), x.relative_ci_low, x.relative_ci_high]),
    hovertemplate: '%{y}<br>lift %{x:+.2%}<br>%{customdata[4]} interval, corrected like p: %{customdata[0]:+.2%} to %{customdata[1]:+.2%}<br>per comparison: %{customdata[5]:+.2%} to %{customdata[6]:+.2%}<br>adjusted p %{customdata[2]:.4f}<br>chance to beat control %{customdata[3]:.1%}<extra></extra>',
  }], {
    xaxis: { tickformat: '+.0%', zeroline: true, zerolinecolor: p.text, zerolinewidth: 1, title: { text: 'relative lift' } },
    yaxis: { autorange: 'reversed', automargin: true },
    margin: { l: 150, t: 8 },
    showlegend: false,
  });
  clear(resultsTable, table([
    { key: 'metric', label: 'Metric', render: (x) => h('div', h('strong', x.metric), h('div.small.muted', `${x.variant} vs ${r.control}${x.type ? ` · ${x.type}` : ''}${x.role === 'guardrail' ? ' · guardrail' : ''}${x.covariate ? ` · CUPED −${fmt.pct(x.variance_reduction, 1)} variance` : ''}`)) },
    { key: 'mean_control', label: 'Control', num: true, format: (v2, x) => metricValue(x, v2) },
    { key: 'mean_treatment', label: 'Treatment', num: true, format: (v2, x) => metricValue(x, v2) },
    { key: 'relative_lift', label: 'Lift', num: true, render: (x) => h('span', fmt.signedPct(x.relative_lift), h('div.small', { dataset: { testid: 'adjusted-interval' } }, `${fmt.signedPct(low(x))} to ${fmt.signedPct(high(x))}`), h('div.small.muted', `${level(x)} interval${x.role === 'guardrail' || r.correction === 'none' ? '' : `, ${r.correction === 'bh' ? 'BH' : 'Holm'}-corrected like p`}; per comparison ${fmt.signedPct(x.relative_ci_low)} to ${fmt.signedPct(x.relative_ci_high)}`)) },
    { key: 'absolute_lift', label: 'Absolute', num: true, render: (x) => h('span', absoluteLift(x, x.absolute_lift), h('div.small.muted', `${absoluteLift(x, x.adjusted_absolute_ci_low ?? x.absolute_ci_low)} to ${absoluteLift(x, x.adjusted_absolute_ci_high ?? x.absolute_ci_high)}`)) },
    { key: 'adjusted_p', label: 'p (adjusted)', num: true, render: (x) => h('span', fmt.pValue(x.adjusted_p), h('div.small.muted', `raw ${fmt.pValue(x.relative_p)}`)) },
    { key: 'chance_to_beat_control', label: 'Chance to beat', num: true, format: (v2) => fmt.pct(v2) },
    { key: 'decision', label: 'Decision', render: (x) => h('div', badge(x.decision, tone(x.decision)), h('div.small.muted', { style: { maxWidth: '320px' } }, x.reason)) },
  ], rows, { testid: 'analyze-results' }));
}

// ---------------------------------------------------------------- simulator
// `growthlens experiment simulate` (docs/ANALYTICS.md, "Campaign simulation"): every campaign on
// every segment (the ranked matrix) or one campaign on one segment in detail.
const sim = { kind: null, segments: 'rfm', segment: '', campaign: '', effect: '', relative: false, 'window-days': '30', runs: '1000', 'min-users': '100', seed: '0' };

function simulator(ctx, root) {
  const kinds = ['usage', 'transactions'].filter((k) => state.dataset(k));
  if (!kinds.length) {
    root.append(card({}, empty('No data loaded', 'The simulator splits real users of a segment into arms; load data on Home first.', h('a.button.primary', { href: '#/' }, 'Go to Home'))));
    return;
  }
  if (!kinds.includes(sim.kind)) sim.kind = kinds.includes(ctx.kind) ? ctx.kind : kinds[0];
  const segSelect = h('select', { dataset: { param: 'segment' } });
  const fillSegments = () => {
    const names = sim.segments === 'rfm' ? rfmSegments() : personaTiers(sim.kind);
    if (sim.segment && !names.includes(sim.segment)) sim.segment = '';
    segSelect.replaceChildren(h('option', { value: '' }, 'Every segment'), ...names.map((n) => h('option', { value: n }, n)));
    segSelect.value = sim.segment;
  };
  segSelect.addEventListener('change', () => { sim.segment = segSelect.value; });
  const campaign = select([['', 'Every campaign'], ...campaigns()], sim.campaign, (v) => { sim.campaign = v; overrides(); }, { dataset: { param: 'campaign' } });
  const numInput = (name, attrs = {}) => {
    const el = h('input', { type: 'number', step: 'any', value: sim[name], dataset: { param: name }, ...attrs });
    el.addEventListener('change', () => { sim[name] = el.value; });
    return el;
  };
  const effect = numInput('effect', { placeholder: 'the campaign’s' });
  const relative = h('input', { type: 'checkbox', checked: sim.relative, dataset: { param: 'relative' } });
  relative.addEventListener('change', () => { sim.relative = relative.checked; });
  const effectField = field('Assumed effect', effect, 'absolute (0.02 = +2 points), or relative below');
  const relativeField = h('label.row.small', { style: { gap: '6px' } }, relative, 'relative (0.1 = +10%)');
  const overrides = () => {
    const one = Boolean(sim.campaign);
    effect.disabled = !one;
    relative.disabled = !one;
    effectField.title = one ? '' : 'Pick one campaign to change its assumed effect';
  };
  const dataField = kinds.length > 1
    ? field('Data', segmented(kinds.map((k) => [k, state.KIND_LABEL[k]]), sim.kind, (k) => { sim.kind = k; fillSegments(); }, { name: 'sim-dataset' }))
    : field('Data', h('div.muted', { style: { paddingTop: '6px' } }, `${state.KIND_LABEL[sim.kind]} (${state.dataset(sim.kind).source})`));
  const out = h('div', { dataset: { testid: 'simulate-result' } },
    h('div.muted', 'Pick segments and campaigns, then simulate: every campaign on every segment gives the ranked matrix.'));
  const form = h('form', { onsubmit: (e) => { e.preventDefault(); go(); } },
    h('div.row', { style: { gap: '18px', marginBottom: '12px' } },
      dataField,
      field('Segments', segmented([['rfm', 'RFM segments'], ['personas', 'Personas']], sim.segments, (v) => { sim.segments = v; fillSegments(); }, { name: 'segments' }), 'personas: the four tiers shown on Overview')),
    h('div.form-grid',
      field('Segment', segSelect),
      field('Campaign', campaign),
      h('div', effectField, relativeField),
      field('Outcome window (days)', numInput('window-days', { min: 1, step: 1 }), 'the last days of the data'),
      field('Runs', numInput('runs', { min: 10, step: 1 }), 'simulated experiments per cell'),
      field('Smallest segment', numInput('min-users', { min: 1, step: 1 }), 'users'),
      field('Seed', numInput('seed', { min: 0, step: 1 }))),
    h('div.row', { style: { marginTop: '12px' } }, h('button.primary', { type: 'submit', dataset: { testid: 'simulate-run' } }, 'Simulate'),
      h('span.small.muted', 'Segments come from the data before the window; outcomes are what their users did in it.')));
  fillSegments();
  overrides();
  const matrix = chartCard({ title: 'Power achieved per segment and campaign', note: 'Share of simulated experiments that find the assumed effect; 80% is the usual bar', chartId: 'simulate-matrix' });
  root.append(
    card({ title: 'Campaign simulation', note: 'Real users of each segment are split into arms many times; the assumed effect is applied to the outcome drawn from their own behaviour.' }, form),
    h('div.grid.cols-2-1', { style: { marginTop: '16px' } }, matrix.card, card({ title: 'Verdict' }, out)));
  const detail = h('div');
  root.append(h('div', { style: { marginTop: '16px' } }, detail));
  emptyChart(matrix.chart, 'Not simulated yet', 'Run the simulation to see which campaigns are worth it.');

  const go = () => ctx.track((async () => {
    clear(out, spinner('Simulating…'));
    loading(matrix.chart);
    markInvalid(root, null);
    try {
      const params = { dataset: state.dsParam(sim.kind), segments: sim.segments === 'rfm' ? '' : sim.segments, segment: sim.segment, campaign: sim.campaign };
      for (const k of ['window-days', 'runs', 'min-users', 'seed']) params[k] = sim[k];
      if (sim.campaign && sim.effect !== '') { params.effect = sim.effect; params.relative = sim.relative; }
      const r = await api.get('experiment/simulate', params, { signal: ctx.signal });
      if (r && r.view === 'campaign_simulation' && Array.isArray(r.results)) drawSimulation(r, out, matrix, detail);
      else { clear(out, genericResult(r)); emptyChart(matrix.chart, 'No matrix'); clear(detail); }
    } catch (err) {
      if (api.isAbort(err)) return;
      markInvalid(root, err.parameter);
      clear(out, errorBox(err, { title: 'The simulation did not run' }));
      emptyChart(matrix.chart, 'No results');
      clear(detail);
    }
  })());
}

// The simulator's verdicts and actions are spelled by the API (GET /api/v1/meta), in a fixed order.
const simTone = (decision) => ['good', 'warn', 'info', 'info'][campaignVerdicts().indexOf(decision)] || 'info';

function effectText(r) {
  const e = r.effect || {};
  if (e.relative) return fmt.signedPct(e.relative_lift, 1);
  return r.metric && r.metric.type === 'rate' ? `${fmt.signed(e.absolute_lift * 100, 2)} pts` : fmt.signed(e.absolute_lift, 3);
}

function baselineText(r) {
  return r.metric && r.metric.type === 'rate' ? fmt.pct(r.baseline) : fmt.smart(r.baseline, 3);
}

function drawSimulation(r, out, matrix, detail) {
  const results = r.results;
  const p = palette();
  const s = r.settings || {};
  const w = r.window || {};
  const [worthRunning] = campaignVerdicts();
  const [runNow, withinReach] = campaignActions();
  const best = results.find((x) => x.decision === worthRunning);
  const summary = r.summary || {};
  const recommendations = r.recommendations || [];
  const closest = recommendations[0];
  // Even with nothing powered, the page says what is closest and what it would take.
  const headline = best
    ? [badge('WORTH RUNNING', 'good'), h('span', `${best.campaign} on ${best.segment}`)]
    : closest
      ? [badge(closest.action === withinReach ? 'WITHIN REACH' : 'NEEDS A BIGGER LIFT', 'warn'), h('span', `closest: ${closest.campaign} on ${closest.segment}`)]
      : [badge('NOT TESTABLE', 'warn'), h('span', 'no campaign can be tested on these segments')];
  clear(out,
    h('div.row', h('span.verdict', { dataset: { testid: 'simulate-verdict' } }, headline[0]), headline[1]),
    recommendations.length
      ? h('ol.recommendations', { dataset: { testid: 'simulate-recommendations' } }, recommendations.map((x) => h('li', h('strong', `${x.campaign} on ${x.segment}: `), x.text)))
      : null,
    h('div.result-grid',
      h('div.stat', h('div.stat-label', 'Simulated'), h('div.stat-value', `${results.length} × ${fmt.int(s.runs)}`)),
      h('div.stat', h('div.stat-label', 'Run now'), h('div.stat-value', `${fmt.int(summary[runNow] || 0)} of ${results.length}`)),
      h('div.stat', h('div.stat-label', 'Within reach'), h('div.stat-value', fmt.int(summary[withinReach] || 0))),
      h('div.stat', h('div.stat-label', 'Outcome window'), h('div.stat-value', { style: { fontSize: '15px' } }, `${fmt.date(w.first)} – ${fmt.date(w.last)}`)),
      h('div.stat', h('div.stat-label', 'Users before it'), h('div.stat-value', fmt.int(r.pre_period_users)))),
    (r.skipped_segments || []).length
      ? h('div.small.muted', { style: { marginTop: '10px' } }, `Skipped (fewer than ${fmt.int(s.min_users)} users): ${r.skipped_segments.map((x) => `${x.segment} (${fmt.int(x.users)})`).join(', ')}.`)
      : null,
    (r.not_simulated || []).length
      ? h('div.small.muted', { style: { marginTop: '6px' } }, `Not simulated: ${r.not_simulated.map((x) => `${x.campaign} on ${x.segment}: ${x.reason}`).join('; ')}.`)
      : null);

  // The matrix: segments x campaigns, coloured by power achieved.
  const segs = [...new Set(results.map((x) => x.segment))];
  const camps = [...new Set(results.map((x) => x.campaign))];
  const cell = new Map(results.map((x) => [`${x.segment}|${x.campaign}`, x]));
  const z = segs.map((sg) => camps.map((c) => (cell.has(`${sg}|${c}`) ? cell.get(`${sg}|${c}`).power_achieved : null)));
  const text = segs.map((sg) => camps.map((c) => { const x = cell.get(`${sg}|${c}`); return x ? fmt.pct(x.power_achieved, 0) : ''; }));
  const custom = segs.map((sg) => camps.map((c) => { const x = cell.get(`${sg}|${c}`); return x ? [x.decision, effectText(x), x.users, x.needed ? fmt.int(x.needed.total) : '–', fmt.signedPct(x.detectable_relative_lift, 1)] : ['', '', '', '', '']; }));
  plot(matrix.chart, [{
    type: 'heatmap', x: camps, y: segs, z, text, customdata: custom, zmin: 0, zmax: 1,
    colorscale: [[0, p.surface], [0.5, alpha(p.warn, 0.55)], [0.8, alpha(p.good, 0.7)], [1, p.good]],
    texttemplate: '%{text}', xgap: 2, ygap: 2, hoverongaps: false,
    hovertemplate: '%{x} on %{y}<br>power achieved %{z:.0%}<br>assumed effect %{customdata[1]}, %{customdata[2]} users (needs %{customdata[3]})<br>detects %{customdata[4]} or more<br>%{customdata[0]}<extra></extra>',
    colorbar: { thickness: 10, tickformat: '.0%', outlinewidth: 0 },
  }], { margin: { l: 140, t: 8, b: 80 }, xaxis: { tickangle: -20, showgrid: false }, yaxis: { autorange: 'reversed', showgrid: false } });
  matrix.setNote(`Share of ${fmt.int(s.runs)} simulated experiments per cell that find the assumed effect at α = ${s.alpha}; target ${fmt.pct(s.target_power, 0)}`);

  // The ranked table, or one simulation in detail.
  if (results.length === 1) {
    const x = results[0];
    const d = x.draw || {};
    const rel = d.relative || {};
    const g = x.guardrail;
    clear(detail, card({ title: `${x.campaign} on ${x.segment}`, note: x.hypothesis },
      h(`div.banner.${simTone(x.decision) === 'good' ? 'good' : 'warn'}`, h('div', badge(x.decision, simTone(x.decision)), ' ', x.reason)),
      h('div.result-grid',
        h('div.stat', h('div.stat-label', 'Users'), h('div.stat-value', fmt.int(x.users))),
        h('div.stat', h('div.stat-label', `Baseline ${x.metric.name}`), h('div.stat-value', baselineText(x))),
        h('div.stat', h('div.stat-label', 'Assumed effect'), h('div.stat-value', effectText(x))),
        h('div.stat', h('div.stat-label', 'Power achieved'), h('div.stat-value', `${fmt.pct(x.power_achieved)} ± ${fmt.pct(x.power_standard_error)}`)),
        h('div.stat', h('div.stat-label', 'Planner’s power'), h('div.stat-value', fmt.pct(x.analytic_power))),
        h('div.stat', h('div.stat-label', 'Users needed'), h('div.stat-value', x.needed ? fmt.int(x.needed.total) : fmt.DASH)),
        h('div.stat', h('div.stat-label', 'Detectable lift'), h('div.stat-value', fmt.signedPct(x.detectable_relative_lift, 1))),
        h('div.stat', h('div.stat-label', 'Times the segment'), h('div.stat-value', x.needed_multiple ? `${fmt.num(x.needed_multiple, 1)}×` : fmt.DASH)),
        h('div.stat', h('div.stat-label', 'Run 1: lift'), h('div.stat-value', { style: { fontSize: '15px' } }, `${fmt.signedPct(rel.estimate, 1)} (${fmt.signedPct(rel.ci_low, 1)} to ${fmt.signedPct(rel.ci_high, 1)}), p ${fmt.pValue(rel.p_value)}`))),
      x.advice ? h('div', { style: { marginTop: '12px' }, dataset: { testid: 'simulate-advice' } }, h('strong', 'What to do: '), x.advice.text) : null,
      g ? h('div.small', { style: { marginTop: '12px' } }, h('strong', `Guardrail (${g.metric}): `), `${g.decision || 'not judged'}, ${g.reason || ''} Holds in ${fmt.pct(g.holds_share, 0)} of runs, fails in ${fmt.pct(g.fails_share, 0)}.`) : null));
  } else {
    clear(detail, card({ title: 'Ranked simulations', note: 'By power achieved, then by how close the segment is to the users needed; the smallest lift each segment detects at its size' }, table([
      { key: 'rank', label: '#', num: true },
      { key: 'segment', label: 'Segment · campaign', render: (x) => h('div', h('strong', x.segment), h('div.small.muted', x.campaign)) },
      { key: 'metric', label: 'Outcome', render: (x) => h('span', { title: x.metric.description }, x.metric.name) },
      { key: 'users', label: 'Users', num: true, format: fmt.int },
      { key: 'baseline', label: 'Baseline', num: true, render: (x) => baselineText(x) },
      { key: 'effect', label: 'Effect', num: true, render: (x) => effectText(x) },
      { key: 'power_achieved', label: 'Power', num: true, render: (x) => h('span', fmt.pct(x.power_achieved, 0), h('div.small.muted', `planner ${fmt.pct(x.analytic_power, 0)}`)) },
      { key: 'needed', label: 'Users needed', num: true, render: (x) => (x.needed ? h('span', fmt.int(x.needed.total), h('div.small.muted', x.needed_multiple ? `${fmt.num(x.needed_multiple, 1)}× the segment` : '')) : fmt.DASH) },
      { key: 'detectable_relative_lift', label: 'Detects', num: true, render: (x) => (x.detectable_relative_lift === null ? fmt.DASH : `${fmt.signedPct(x.detectable_relative_lift, 1)}+`) },
      { key: 'guardrail', label: 'AOV guardrail', render: (x) => (x.guardrail ? badge(x.guardrail.decision || '–', x.guardrail.decision === 'holds' ? 'good' : x.guardrail.decision === 'fails' ? 'bad' : 'warn') : h('span.muted', '–')) },
      { key: 'decision', label: 'Verdict', render: (x) => h('div', { title: x.reason }, badge(x.decision, simTone(x.decision)), x.advice ? h('div.small.muted', { style: { maxWidth: '320px' } }, x.advice.text) : null) },
    ], results, { testid: 'simulate-results' })));
  }
}

/** Any JSON object: scalars as tiles, sentences as text, arrays of objects as tables. */
export function genericResult(r) {
  const tiles = [];
  const texts = [];
  const tables = [];
  const walk = (obj, prefix = '') => {
    for (const [k, v] of Object.entries(obj || {})) {
      const name = prefix ? `${prefix} ${k}` : k;
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) {
        if (v.length && typeof v[0] === 'object') {
          const cols = [...new Set(v.flatMap((row) => Object.keys(row)))].filter((c) => v.every((row) => row[c] === null || typeof row[c] !== 'object'));
          tables.push(h('div', { style: { marginTop: '12px' } }, h('h3', fmt.label(name)), table(cols.map((c) => ({ key: c, label: fmt.label(c), num: typeof v[0][c] === 'number', format: (x) => (typeof x === 'number' ? fmt.smart(x, 4) : x === null ? '' : String(x)) })), v)));
        } else {
          tiles.push([name, v.map((x) => (typeof x === 'number' ? fmt.smart(x, 4) : String(x))).join(', ')]);
        }
      } else if (typeof v === 'object') {
        walk(v, name);
      } else if (typeof v === 'string' && v.length > 40) {
        texts.push(h('p', h('strong', `${fmt.label(name)}: `), v));
      } else {
        tiles.push([name, typeof v === 'number' ? fmt.smart(v, 4) : String(v)]);
      }
    }
  };
  walk(r);
  return h('div',
    texts,
    h('div.result-grid', tiles.map(([k, v]) => h('div.stat', h('div.stat-label', fmt.label(k)), h('div.stat-value', { style: { fontSize: '15px' } }, v)))),
    tables);
}
