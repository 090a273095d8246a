// DuckDB peer of the side-by-side benchmark (see bench/compare/README.md, "The job").
//
// Reads the usage log and Online Retail CSVs into an in-memory DuckDB database (all cores),
// cleans them, computes RFM per user / customer and the per-feature totals and daily series in
// plain SQL, writes the results as CSV and the per-stage timings as timings.json.
// Each stage materialises its result with CREATE TABLE ... AS, so its time is real work.
//
//   cd bench/compare && npm ci      # installs @duckdb/node-api into bench/compare/node_modules
//   node bench/compare/duckdb_pipeline.mjs --usage USAGE.csv --retail RETAIL.csv --out OUTDIR
//
// Output in OUTDIR: usage_users.csv, retail_customers.csv, feature_totals.csv,
// feature_daily.csv, timings.json.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

function fail(message) {
  console.error(`duckdb_pipeline: ${message}`);
  process.exit(1);
}

const USAGE = 'usage: node duckdb_pipeline.mjs --usage USAGE.csv --retail RETAIL.csv --out OUTDIR';
const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i];
  if (!['--usage', '--retail', '--out'].includes(key)) fail(`unknown argument ${key}\n${USAGE}`);
  if (process.argv[i + 1] === undefined) fail(`${key} needs a value\n${USAGE}`);
  args[key.slice(2)] = process.argv[i + 1];
}
for (const key of ['usage', 'retail', 'out']) if (!args[key]) fail(`missing --${key}\n${USAGE}`);
for (const key of ['usage', 'retail']) if (!fs.statSync(args[key], { throwIfNoEntry: false })?.isFile()) fail(`no such file: ${args[key]}`);
fs.mkdirSync(args.out, { recursive: true });

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const usageCsv = sqlString(path.resolve(args.usage));
const retailCsv = sqlString(path.resolve(args.retail));
const outFile = (name) => sqlString(path.resolve(args.out, name));

// Each stage: the SQL statements for both files, run one after the other and timed together.
// Dates are read as text and converted with TRY_CAST, so an unparseable date becomes NULL
// (and is dropped by clean) instead of aborting the read.
const stages = {
  read: [
    `CREATE TABLE usage_raw AS
       SELECT user_id, TRY_CAST(signup_date AS DATE) AS signup_date, TRY_CAST(event_date AS DATE) AS event_date,
              feature_name, events_count
       FROM read_csv(${usageCsv}, header = true,
         types = {'user_id': 'BIGINT', 'signup_date': 'VARCHAR', 'event_date': 'VARCHAR', 'events_count': 'BIGINT'})`,
    `CREATE TABLE retail_raw AS
       SELECT InvoiceNo, StockCode, Description, Quantity, TRY_CAST(InvoiceDate AS TIMESTAMP) AS InvoiceDate,
              UnitPrice, CustomerID, Country
       FROM read_csv(${retailCsv}, header = true,
         types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Quantity': 'BIGINT', 'InvoiceDate': 'VARCHAR',
                  'UnitPrice': 'DOUBLE', 'CustomerID': 'BIGINT'})`,
  ],
  clean: [
    `CREATE TABLE usage_clean AS
       SELECT DISTINCT * FROM usage_raw
       WHERE user_id IS NOT NULL AND signup_date IS NOT NULL AND event_date IS NOT NULL
         AND events_count > 0 AND event_date >= signup_date`,
    `CREATE TABLE retail_clean AS
       SELECT DISTINCT * FROM retail_raw
       WHERE CustomerID IS NOT NULL AND InvoiceDate IS NOT NULL AND NOT starts_with(InvoiceNo, 'C')
         AND Quantity > 0 AND UnitPrice > 0`,
  ],
  rfm: [
    `CREATE TABLE usage_users AS
       SELECT user_id,
              (SELECT max(event_date) FROM usage_clean) + 1 - max(event_date) AS recency,
              count(DISTINCT event_date) AS frequency,
              sum(events_count) AS monetary
       FROM usage_clean GROUP BY user_id`,
    `CREATE TABLE retail_customers AS
       WITH lines AS (SELECT CustomerID, InvoiceNo, CAST(InvoiceDate AS DATE) AS day, Quantity * UnitPrice AS amount
                      FROM retail_clean)
       SELECT CustomerID AS customer_id,
              (SELECT max(day) FROM lines) + 1 - max(day) AS recency,
              count(DISTINCT InvoiceNo) AS frequency,
              CAST(sum(amount) AS DOUBLE) AS monetary
       FROM lines GROUP BY CustomerID`,
  ],
  features: [
    `CREATE TABLE feature_totals AS
       SELECT feature_name AS feature, sum(events_count) AS events, count(DISTINCT user_id) AS users
       FROM usage_clean GROUP BY feature_name`,
    `CREATE TABLE feature_daily AS
       SELECT event_date AS day, feature_name AS feature, sum(events_count) AS events, count(DISTINCT user_id) AS users
       FROM usage_clean GROUP BY event_date, feature_name`,
  ],
  write: [
    `COPY (SELECT * FROM usage_users ORDER BY user_id) TO ${outFile('usage_users.csv')} (HEADER)`,
    `COPY (SELECT * FROM retail_customers ORDER BY customer_id) TO ${outFile('retail_customers.csv')} (HEADER)`,
    `COPY (SELECT * FROM feature_totals ORDER BY feature) TO ${outFile('feature_totals.csv')} (HEADER)`,
    `COPY (SELECT strftime(day, '%Y-%m-%d') AS day, feature, events, users FROM feature_daily ORDER BY day, feature)
       TO ${outFile('feature_daily.csv')} (HEADER)`,
  ],
};

try {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const scalar = async (sql) => (await connection.runAndReadAll(sql)).getRows()[0][0];

  const version = await scalar('SELECT version()');
  const threads = Number(await scalar("SELECT current_setting('threads')"));
  console.error(`duckdb ${version}, ${threads} threads`);

  const seconds = {};
  for (const [stage, statements] of Object.entries(stages)) {
    const start = performance.now();
    for (const sql of statements) await connection.run(sql);
    seconds[stage] = (performance.now() - start) / 1000;
    console.error(`[duckdb] ${stage.padEnd(8)} ${seconds[stage].toFixed(3)} s`);
  }

  const count = async (table) => Number(await scalar(`SELECT count(*) FROM ${table}`));
  const counts = {
    usage_rows_in: await count('usage_raw'),
    usage_rows_kept: await count('usage_clean'),
    usage_users: await count('usage_users'),
    retail_rows_in: await count('retail_raw'),
    retail_rows_kept: await count('retail_clean'),
    retail_customers: await count('retail_customers'),
  };
  console.error(`[duckdb] usage: ${counts.usage_rows_in} rows, ${counts.usage_rows_kept} kept, ${counts.usage_users} users; ` +
    `retail: ${counts.retail_rows_in} rows, ${counts.retail_rows_kept} kept, ${counts.retail_customers} customers`);

  const timings = { tool: 'duckdb', version, threads, stages: seconds, counts };
  fs.writeFileSync(path.join(args.out, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
  connection.closeSync();
  instance.closeSync();
} catch (err) {
  fail(err.message);
}
