// Number and date formatting, one style everywhere.

const nf = new Map();
function fmt(options) {
  const key = JSON.stringify(options);
  if (!nf.has(key)) nf.set(key, new Intl.NumberFormat('en-US', options));
  return nf.get(key);
}

const missing = (x) => x === null || x === undefined || (typeof x === 'number' && !Number.isFinite(x));
export const DASH = '–';

export function int(x) {
  return missing(x) ? DASH : fmt({ maximumFractionDigits: 0 }).format(x);
}

export function num(x, digits = 1) {
  if (missing(x)) return DASH;
  return fmt({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

/** Up to `digits` significant decimals, no trailing zeros. */
export function smart(x, digits = 2) {
  if (missing(x)) return DASH;
  const a = Math.abs(x);
  if (a >= 1000) return int(x);
  if (a >= 100) return fmt({ maximumFractionDigits: 1 }).format(x);
  return fmt({ maximumFractionDigits: digits }).format(x);
}

export function pct(x, digits = 1) {
  if (missing(x)) return DASH;
  return fmt({ style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

export function signedPct(x, digits = 2) {
  if (missing(x)) return DASH;
  return (x > 0 ? '+' : '') + pct(x, digits);
}

export function signed(x, digits = 4) {
  if (missing(x)) return DASH;
  return (x > 0 ? '+' : '') + fmt({ maximumFractionDigits: digits }).format(x);
}

// The currency of the money figures: detected per data set or chosen on Home (lib/currency.js).
let currency = '';

export function setCurrency(code) {
  currency = /^[A-Z]{3}$/.test(code || '') ? code : '';
}

export function currencyCode() {
  return currency;
}

/** "£", "€", "$", or '' when no currency is known. */
export function currencySymbol() {
  if (!currency) return '';
  const part = fmt({ style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).formatToParts(0).find((p) => p.type === 'currency');
  return part ? part.value : currency;
}

/** A money amount with its currency: "£1,234" (digits decimals). */
export function money(x, digits = 0) {
  if (missing(x)) return DASH;
  const options = { minimumFractionDigits: digits, maximumFractionDigits: digits };
  if (!currency) return fmt(options).format(x);
  return fmt({ ...options, style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(x);
}

/** A short money amount: "£8.2M", "£950". */
export function moneyCompact(x) {
  if (missing(x)) return DASH;
  const options = Math.abs(x) < 10000 ? { maximumFractionDigits: 0 } : { notation: 'compact', maximumFractionDigits: 1 };
  if (!currency) return fmt(options).format(x);
  return fmt({ ...options, style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(x);
}

/** A Plotly hover template piece for a money value of field `field` ('y', 'x', 'value'...). */
export function currencyHover(field = 'y', digits = 0) {
  return `${currencySymbol()}%{${field}:,.${digits}f}`;
}

export function compact(x) {
  if (missing(x)) return DASH;
  if (Math.abs(x) < 10000) return smart(x, 1);
  return fmt({ notation: 'compact', maximumFractionDigits: 1 }).format(x);
}

export function pValue(p) {
  if (missing(p)) return DASH;
  if (p < 0.0001) return '< 0.0001';
  return fmt({ maximumFractionDigits: 4, minimumFractionDigits: 4 }).format(p);
}

export function bytes(n) {
  if (missing(n)) return DASH;
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2025-01-07" -> "7 Jan 2025"; "2025-01" -> "Jan 2025". */
export function date(s) {
  if (!s) return DASH;
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(s);
  if (!m) return s;
  const month = MONTHS[Number(m[2]) - 1];
  return m[3] ? `${Number(m[3])} ${month} ${m[1]}` : `${month} ${m[1]}`;
}

export function dateRange(a, b) {
  return `${date(a)} – ${date(b)}`;
}

export function plural(n, one, many = `${one}s`) {
  return `${int(n)} ${n === 1 ? one : many}`;
}

/** snake_case -> "Snake case". */
export function label(key) {
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * What a result's `window` covers, for the label under a number that does not follow a date
 * filter: "all time (1 Dec 2010 – 9 Dec 2011)" or "1 Oct 2011 – 9 Dec 2011".
 */
export function windowText(w) {
  if (!w || !w.from) return 'all time';
  const range = dateRange(w.from, w.to);
  return w.all_time ? `all time (${range})` : range;
}

/** "Dec 2011 (9 of 31 days)": a period the data covers only in part. */
export function partialText(p) {
  return `${date(p.period)} (${int(p.days_in_data)} of ${int(p.days)} days)`;
}

/** A duration in seconds as people read it: "45s", "12m", "3.5h", "2.1d" (no trailing ".0"). */
export function duration(seconds) {
  if (missing(seconds)) return DASH;
  const s = Math.abs(seconds);
  const [value, unit] = s < 60 ? [seconds, 's'] : s < 3600 ? [seconds / 60, 'm'] : s < 86400 ? [seconds / 3600, 'h'] : [seconds / 86400, 'd'];
  return `${fmt({ maximumFractionDigits: Math.abs(value) < 10 ? 1 : 0 }).format(value)}${unit}`;
}
