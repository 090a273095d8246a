// DuckDB beside `growthlens serve` on the usage page's filtered queries (issue 23.2;
// docs/BENCHMARKS.md): the usage log in an in-memory table, then the same aggregations the
// server answers, each run with N distinct filters (dates, features, RFM-free: DuckDB has no
// segments, so the filters are dates and features), timed per query; prints p50/p90/p99 in ms.
//
//   node bench/compare/duckdb_filtered.mjs USAGE.csv [N=40]
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 40);
if (!file) { console.error('usage: node duckdb_filtered.mjs USAGE.csv [N]'); process.exit(2); }
const FEATURES = ['API', 'Collaboration', 'Dashboard', 'Export', 'Integrations', 'Notifications',
  'Reports', 'Search', 'Settings', 'Sharing'];

let seed = 7;
const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const day = (offset) => new Date(Date.UTC(2025, 0, 1 + offset)).toISOString().slice(0, 10);
function filter() {
  const start = Math.floor(random() * 330);
  const end = Math.min(364, start + 7 + Math.floor(random() * 300));
  const picked = FEATURES.filter(() => random() < 0.4);
  const features = picked.length ? picked : ['Search', 'Export', 'API'];
  return { from: day(start), to: day(end), features };
}
const where = (f, withFeatures) =>
  `event_date BETWEEN DATE '${f.from}' AND DATE '${f.to}'` +
  (withFeatures ? ` AND feature_name IN (${f.features.map((n) => `'${n}'`).join(',')})` : '');

const queries = {
  'feature totals, date range': (f) => `SELECT feature_name, sum(events_count), count(DISTINCT user_id),
      count(DISTINCT (user_id, event_date)) FROM usage WHERE ${where(f, false)} GROUP BY 1`,
  'weekly series, date range + features': (f) => `SELECT date_trunc('week', event_date) AS w, feature_name,
      sum(events_count), count(DISTINCT user_id) FROM usage WHERE ${where(f, true)} GROUP BY 1, 2`,
  'correlation, features from a date': (f) => {
    const cols = f.features.map((n, i) => `sum(CASE WHEN feature_name = '${n}' THEN events_count ELSE 0 END) AS f${i}`);
    const pairs = [];
    for (let a = 0; a < f.features.length; ++a)
      for (let b = a + 1; b < f.features.length; ++b) pairs.push(`corr(f${a}, f${b})`);
    return `SELECT ${pairs.length ? pairs.join(',') : 'count(*)'} FROM (SELECT user_id, ${cols.join(',')}
      FROM usage WHERE event_date >= DATE '${f.from}' AND feature_name IN (${f.features.map((n) => `'${n}'`).join(',')})
      GROUP BY user_id)`;
  },
  'all features (engagement), date range': (f) => `SELECT feature_name, sum(events_count),
      count(DISTINCT user_id), count(*) FROM usage WHERE ${where(f, false)} GROUP BY 1`,
};

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let started = performance.now();
await connection.run(`CREATE TABLE usage AS SELECT user_id, CAST(event_date AS DATE) AS event_date,
  feature_name, events_count FROM read_csv_auto('${file.replaceAll("'", "''")}')`);
console.log(`loaded in ${((performance.now() - started) / 1000).toFixed(2)} s`);
const cpu0 = process.cpuUsage();
for (const [name, sql] of Object.entries(queries)) {
  const times = [];
  for (let run = 0; run < runs; ++run) {
    const text = sql(filter());
    started = performance.now();
    await connection.runAndReadAll(text);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.ceil(times.length * p / 100) - 1)].toFixed(1);
  console.log(`${name}: p50 ${at(50)} ms, p90 ${at(90)} ms, p99 ${at(99)} ms (${runs} distinct filters)`);
}
const cpu = process.cpuUsage(cpu0);
console.log(`query CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user+sys)`);
connection.closeSync();
