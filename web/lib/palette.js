// Colours for the charts, read from the custom properties in styles.css (the one palette).

let cached = null;

function read() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  const series = [];
  for (let i = 1; i <= 10; i += 1) series.push(v(`--series-${i}`));
  return {
    text: v('--text'),
    muted: v('--muted'),
    faint: v('--faint'),
    border: v('--border'),
    surface: v('--surface'),
    primary: v('--primary'),
    good: v('--good'),
    warn: v('--warn'),
    bad: v('--bad'),
    font: v('--font'),
    series,
    segments: Array.from({ length: 11 }, (_, i) => v(`--seg-${i + 1}`)),
    tiers: [v('--tier-1'), v('--tier-2'), v('--tier-3'), v('--tier-4')],
    lifecycle: {
      new: v('--life-new'),
      returning: v('--life-returning'),
      resurrecting: v('--life-resurrecting'),
      dormant: v('--life-dormant'),
    },
    sequential: [v('--seq-0'), v('--seq-1'), v('--seq-2'), v('--seq-3'), v('--seq-4')],
    diverging: [v('--div-neg'), v('--div-mid'), v('--div-pos')],
  };
}

export function palette() {
  if (!cached) cached = read();
  return cached;
}

export function seriesColor(i) {
  const s = palette().series;
  return s[i % s.length];
}

/** Plotly colourscale from the sequential ramp. */
export function sequentialScale() {
  const s = palette().sequential;
  return s.map((c, i) => [i / (s.length - 1), c]);
}

export function divergingScale() {
  const [neg, mid, pos] = palette().diverging;
  return [[0, neg], [0.5, mid], [1, pos]];
}

function hexToRgb(hex) {
  const h = hex.replace('#', '');
  const n = parseInt(h.length === 3 ? h.split('').map((c) => c + c).join('') : h, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function mix(a, b, t) {
  const x = hexToRgb(a);
  const y = hexToRgb(b);
  const c = x.map((v, i) => Math.round(v + (y[i] - v) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function alpha(hex, a) {
  const [r, g, b] = hexToRgb(hex);
  return `rgba(${r}, ${g}, ${b}, ${a})`;
}

/**
 * Persona colour by value rank: persona 0 (the most valuable) green through blue and amber to
 * red for the last, interpolated along the four tiers whatever k is.
 */
export function personaColor(index, count) {
  const tiers = palette().tiers;
  if (count <= 1) return tiers[0];
  const t = (index / (count - 1)) * (tiers.length - 1);
  const i = Math.min(Math.floor(t), tiers.length - 2);
  return mix(tiers[i], tiers[i + 1], t - i);
}

// Each segment its own colour (--seg-N, best to worst), so that neighbours on the treemap differ.
const SEGMENT_ORDER = ['Champions', 'Loyal', 'Potential Loyalist', 'New', 'Promising', "Can't Lose Them", 'At Risk', 'Need Attention', 'About to Sleep', 'Hibernating', 'Lost'];

export function segmentColor(name) {
  const i = SEGMENT_ORDER.indexOf(name);
  return i < 0 ? palette().faint : palette().segments[i];
}

/** Dark or white text, whichever reads better on `hex`. */
export function textOn(hex) {
  const [r, g, b] = hexToRgb(hex);
  const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return lum > 0.6 ? '#1f2430' : '#ffffff';
}
