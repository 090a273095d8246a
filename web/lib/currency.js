// Which currency a transactions file is in: chosen on Home (kept per file in this browser), else
// detected from where most of its revenue comes from.
import * as api from './api.js';
import * as fmt from './format.js';

const KEY = 'growthlens.currency.';

const BY_COUNTRY = {
  'United Kingdom': 'GBP', UK: 'GBP', 'Channel Islands': 'GBP', Jersey: 'GBP', Guernsey: 'GBP',
  'United States': 'USD', USA: 'USD', 'United States of America': 'USD',
  Germany: 'EUR', France: 'EUR', Spain: 'EUR', Italy: 'EUR', Netherlands: 'EUR', Belgium: 'EUR', Portugal: 'EUR',
  Ireland: 'EUR', EIRE: 'EUR', Austria: 'EUR', Finland: 'EUR', Greece: 'EUR', Cyprus: 'EUR', Malta: 'EUR', Lithuania: 'EUR',
  Switzerland: 'CHF', Japan: 'JPY', Australia: 'AUD', Canada: 'CAD', Sweden: 'SEK', Norway: 'NOK', Denmark: 'DKK',
  Poland: 'PLN', Brazil: 'BRL', Singapore: 'SGD', Israel: 'ILS', 'Czech Republic': 'CZK', Iceland: 'ISK',
};

export const CHOICES = ['GBP', 'EUR', 'USD', 'CHF', 'JPY', 'AUD', 'CAD', 'SEK', 'NOK', 'DKK', 'PLN'];

export function chosen(source) {
  return localStorage.getItem(KEY + source) || '';
}

export function choose(source, code) {
  if (code) localStorage.setItem(KEY + source, code); else localStorage.removeItem(KEY + source);
}

/** The currency of the loaded transactions (the top country's), or '' if unknown. */
export async function detect(d) {
  try {
    const c = await api.get('revenue', { dataset: 'transactions', view: 'countries' });
    const top = (c.countries || [])[0];
    return (top && BY_COUNTRY[top.country]) || '';
  } catch {
    return '';
  }
}

/** Sets the money format for the loaded transactions `d` (or none). */
export async function apply(d) {
  if (!d) { fmt.setCurrency(''); return ''; }
  const code = chosen(d.source) || (await detect(d));
  fmt.setCurrency(code);
  return code;
}
