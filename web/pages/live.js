// Live: what arrives now (GET /api/v1/live): events per minute over the last hour, users active in
// the last 5 and 30 minutes, the latest events, the events by name, the counts kept up to date
// event by event, and the health of the event intake. It redraws whenever the server says
// something changed (api.onLiveChange), without a reload.
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, chartCard, kpi, empty, table, showError } from '../lib/ui.js';
import { plot, emptyChart } from '../lib/charts.js';

const time = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const clock = (ms) => new Date(ms).toISOString().slice(11, 16);

function ago(ms, now) {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export async function render(ctx) {
  const status = ctx.status || state.currentStatus();
  if (!status || !status.workspace) {
    ctx.root.append(empty('Live events need a workspace',
      'This server keeps its data in memory only, so it cannot receive events. Start GrowthLens with a workspace to see events as they arrive.'));
    return;
  }
  ctx.setSubtitle('Events as they arrive, updated within seconds');

  const tiles = h('div.kpis', { dataset: { testid: 'live-kpis' } });
  const perMinute = chartCard({ title: 'Events per minute', note: 'The last hour, by the time each event happened', chartId: 'live-per-minute' });
  const byName = chartCard({ title: 'Events by name', note: 'The last hour', chartId: 'live-by-name' });
  const latestBox = h('div');
  const latestCard = card({ title: 'Latest events', note: 'Newest first, as they were stored' }, latestBox);
  const healthBox = h('div', { dataset: { testid: 'live-health' } });
  const healthCard = card({ title: 'Event intake', note: 'Events sent to this server since it started' }, healthBox);
  const totalsBox = h('div', { dataset: { testid: 'live-totals' } });
  const totalsCard = card({ title: 'Live events in total', note: 'Counted event by event: the events waiting when the server started and all since' }, totalsBox);
  const errorEl = h('div');

  ctx.root.append(
    errorEl,
    tiles,
    h('div.grid.cols-2-1', perMinute.card, healthCard),
    h('div.grid.cols-2-1', latestCard, byName.card),
    totalsCard,
  );

  let etag = null;
  let body = null;
  const draw = async (live) => {
    const now = live.now_ms;
    clear(tiles,
      kpi('Active users now', fmt.int(live.active_users.last_5_minutes), 'in the last 5 minutes', { accent: true, testid: 'active-5m' }),
      kpi('Active users', fmt.int(live.active_users.last_30_minutes), 'in the last 30 minutes', { testid: 'active-30m' }),
      kpi('Events', fmt.int(live.events_last_hour), 'in the last hour', { testid: 'events-hour' }),
      kpi('Latest event', live.latest.length ? ago(live.latest[0].received_ms, now) : 'none yet', live.latest.length ? `stored ${time(live.latest[0].received_ms)} UTC` : 'waiting for events', { testid: 'latest-at', words: true }));

    const minutes = live.per_minute;
    if (live.events_last_hour === 0) {
      emptyChart(perMinute.chart, 'No events in the last hour', 'Events sent to this server appear here within seconds.');
    } else {
      await plot(perMinute.chart, [{
        type: 'bar', x: minutes.map((m) => new Date(m.minute_ms).toISOString()), y: minutes.map((m) => m.events),
        hovertemplate: '%{x|%H:%M} UTC: %{y:,} events<extra></extra>', name: 'Events',
      }], { xaxis: { type: 'date', tickformat: '%H:%M' }, yaxis: { title: { text: 'Events' }, rangemode: 'tozero' }, showlegend: false });
    }
    const names = live.events_by_name_last_hour.slice(0, 15).reverse();
    if (!names.length) {
      emptyChart(byName.chart, 'No events in the last hour');
    } else {
      await plot(byName.chart, [{
        type: 'bar', orientation: 'h', y: names.map((n) => n.event), x: names.map((n) => n.events),
        hovertemplate: '%{y}: %{x:,} events<extra></extra>',
      }], { margin: { l: 110 }, xaxis: { title: { text: 'Events' } }, showlegend: false });
    }

    clear(latestBox, live.latest.length
      ? table([
        { key: 'received_ms', label: 'Stored (UTC)', format: (v) => time(v) },
        { key: 'time_ms', label: 'Happened (UTC)', format: (v) => time(v) },
        { key: 'user_id', label: 'User' },
        { key: 'event', label: 'Event' },
        { key: 'count', label: 'Count', num: true, format: fmt.int },
      ], live.latest, { maxRows: 20, testid: 'live-latest' })
      : h('div.muted', { dataset: { table: 'live-latest' } }, 'No events yet.'));

    const ing = live.ingest;
    const reasons = ing.rejected_by_reason;
    const watcherNote = live.watcher.error ? `Reading new events failed: ${live.watcher.error}` : null;
    const refresh = live.data_refresh;
    clear(healthBox,
      h('div.kpis',
        kpi('Accepted', fmt.int(ing.accepted), `${fmt.int(ing.stored)} new, ${fmt.int(ing.duplicates)} sent before`, { testid: 'accepted' }),
        kpi('Refused', fmt.int(ing.rejected), reasons.length ? 'see the reasons below' : 'none', { testid: 'rejected' })),
      reasons.length
        ? table([{ key: 'reason', label: 'Why refused' }, { key: 'events', label: 'Events', num: true, format: fmt.int }], reasons, { testid: 'live-rejected' })
        : null,
      h('p.small.muted', `Last batch stored: ${ago(ing.last_accepted_ms, now)}. The other pages are brought up to date ${refresh.every_seconds === 1 ? 'every second' : `every ${refresh.every_seconds} seconds`} or less often while events arrive${refresh.last_ms ? ` (last ${ago(refresh.last_ms, now)})` : ''}.`),
      watcherNote ? h('p.small', watcherNote) : null,
      live.consumers.length
        ? table([
          { key: 'source', label: 'Stream reader' },
          { key: 'stored', label: 'Stored', num: true, format: fmt.int },
          { key: 'lag', label: 'Waiting in the stream', num: true, format: (v) => (v === null ? 'unknown' : fmt.int(v)) },
          { key: 'pending', label: 'Being stored', num: true, format: (v) => (v === null ? 'unknown' : fmt.int(v)) },
          { key: 'dead_letters', label: 'Set aside', num: true, format: fmt.int },
          { key: 'updated_ms', label: 'Last report', render: (c) => (now - c.updated_ms > 10_000 ? `${ago(c.updated_ms, now)}: stopped?` : ago(c.updated_ms, now)) },
        ], live.consumers, { testid: 'live-consumers' })
        : h('p.small.muted', 'No stream reader reports to this workspace.'),
      ...live.consumers.filter((c) => c.error).map((c) => h('p.small', `${c.source}: ${c.error}`)));

    const t = live.totals;
    const lc = t.lifecycle;
    clear(totalsBox,
      h('div.kpis',
        kpi('Events', fmt.int(t.events), `${fmt.int(t.rows)} stored rows`, { testid: 'total-events' }),
        kpi('Users', fmt.int(t.users), `${fmt.num(t.users ? t.active_user_days / t.users : 0)} active days each`, { testid: 'total-users' }),
        kpi(`New in ${lc.month}`, fmt.int(lc.new), `${fmt.int(lc.returning)} returning, ${fmt.int(lc.resurrecting)} back after a break`, { testid: 'month-new' }),
        kpi(`Gone quiet in ${lc.month}`, fmt.int(lc.dormant), 'active the month before, not this one', { testid: 'month-dormant' })),
      t.features.length
        ? table([
          { key: 'event', label: 'Event' },
          { key: 'events', label: 'Events', num: true, format: fmt.int },
          { key: 'users', label: 'Users', num: true, format: fmt.int },
        ], t.features, { maxRows: 12, testid: 'live-features' })
        : null);
    ctx.root.dataset.liveGeneration = String(live.generation);
  };

  const load = async () => {
    try {
      const got = await api.getLive(etag);
      if (ctx.signal.aborted) return;
      if (got.body) {
        etag = got.etag;
        body = got.body;
        clear(errorEl);
        await draw(body);
      }
    } catch (err) {
      if (!api.isAbort(err)) showError(errorEl, err);
    }
  };
  await ctx.track(load());
  // Redraw on every change the server tells of; once a minute at least, as the hour moves on.
  const stop = api.onLiveChange(() => load());
  const timer = setInterval(load, 60_000);
  ctx.signal.addEventListener('abort', () => { stop(); clearInterval(timer); }, { once: true });
}
