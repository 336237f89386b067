// The results panel: the questions API's features as a table, its grouped
// figures as a bar chart (plain SVG), and CSV / GeoJSON downloads.
import { el, fmtNum } from './common.js';
import { t } from './i18n.js';

const MAX_ROWS = 200;

export function renderResults(root, { features, groups, title, lang }) {
  const fc = { type: 'FeatureCollection', features: features?.features ?? [] };
  const keys = [...new Set(fc.features.flatMap((f) => Object.keys(f.properties ?? {})))].slice(0, 8);
  const table = el('table', { className: 'results-table' },
    el('thead', {}, el('tr', {}, el('th', { textContent: 'id' }), keys.map((k) => el('th', { textContent: k })))),
    el('tbody', {}, fc.features.slice(0, MAX_ROWS).map((f) => el('tr', {},
      el('td', { textContent: String(f.id ?? '') }),
      keys.map((k) => el('td', { textContent: cell(f.properties?.[k], lang) }))))));
  const matched = features?.numberMatched ?? fc.features.length;
  root.replaceChildren(
    el('header', {},
      el('h3', { textContent: title }),
      el('span', { className: 'count', textContent: `${fmtNum(matched, lang)} ${t(lang, 'features')}` }),
      el('button', { type: 'button', className: 'dl', textContent: 'CSV', onclick: () => download('bando.csv', toCSV(fc, keys), 'text/csv') }),
      el('button', { type: 'button', className: 'dl', textContent: 'GeoJSON', onclick: () => download('bando.geojson', JSON.stringify(fc), 'application/geo+json') }),
      el('button', { type: 'button', className: 'close', textContent: '×', title: t(lang, 'close'), onclick: () => root.classList.remove('open') })),
    el('div', { className: 'results-body' }, chart(groups, lang), el('div', { className: 'table-wrap' }, table)));
  root.classList.add('open');
  root.dataset.matched = String(matched);
}

// chart draws one bar per group, the count (or the first figure) as length.
export function chart(groups, lang) {
  const gs = (groups?.groups ?? []).slice(0, 12);
  if (!gs.length) return null;
  const label = (g) => Object.values(g.key ?? {}).join(' · ') || '–';
  const value = (g) => g.count ?? Object.values(g).find((v) => typeof v === 'number') ?? 0;
  const max = Math.max(...gs.map(value), 1);
  const W = 320;
  const H = 22;
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${gs.length * H}`);
  svg.setAttribute('class', 'chart');
  gs.forEach((g, i) => {
    const w = Math.max(2, ((W - 150) * value(g)) / max);
    for (const [tag, attrs, text] of [
      ['text', { x: 0, y: i * H + 15, class: 'lbl' }, label(g).slice(0, 22)],
      ['rect', { x: 120, y: i * H + 4, width: w, height: H - 8, rx: 2 }],
      ['text', { x: 124 + w, y: i * H + 15, class: 'val' }, fmtNum(value(g), lang)],
    ]) {
      const n = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      svg.append(n);
    }
  });
  return el('figure', { className: 'chart-wrap' }, svg);
}

export function toCSV(fc, keys) {
  const q = (v) => {
    const s = v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = [['id', ...keys, 'lon', 'lat'].join(',')];
  for (const f of fc.features) {
    const c = f.geometry?.type === 'Point' ? f.geometry.coordinates : ['', ''];
    rows.push([f.id, ...keys.map((k) => f.properties?.[k]), c[0], c[1]].map(q).join(','));
  }
  return `\ufeff${rows.join('\n')}\n`; // BOM: spreadsheets read UTF-8 Vietnamese
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  el('a', { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// cell shows a year or a small count as it is (no 2.016), other numbers in
// the language's format.
function cell(v, lang) {
  return Number.isInteger(v) && Math.abs(v) < 10000 ? String(v) : fmtNum(v, lang, 2);
}
