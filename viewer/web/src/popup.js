// Clicking the map shows the properties of the topmost feature under the
// pointer, labelled with the catalog's field titles in the current language.
import { Popup } from 'maplibre-gl';
import { t } from './i18n.js';
import { el } from './panel.js';
import { title } from './style.js';

export function installPopup(map, collections, groups, getLang, busy = () => false) {
  const byId = Object.fromEntries(collections.map((c) => [c.id, c]));
  const clickable = Object.values(groups).flatMap((g) => g.interactive);
  const popup = new Popup({ maxWidth: '340px', className: 'bando-popup' });

  map.on('click', (e) => {
    if (busy(e)) return; // a map tool (or a live vessel) owns the click
    const layers = clickable.filter((id) => map.getLayer(id));
    const [f] = map.queryRenderedFeatures(e.point, { layers });
    if (!f) return;
    const c = byId[f.layer.metadata?.['bando:collection'] ?? f.source];
    popup.setLngLat(e.lngLat).setDOMContent(content(c, f.properties, getLang())).addTo(map);
  });

  // Pointer cursor over anything that answers a click.
  map.on('mouseenter', clickable, () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', clickable, () => { map.getCanvas().style.cursor = ''; });
}

function content(c, props, lang) {
  const fields = c?.bando?.fields ?? [];
  const known = new Set(fields.map((f) => f.name));
  // Catalog order first, then whatever else the tile carries.
  const rows = [
    ...fields.filter((f) => f.name in props),
    ...Object.keys(props).filter((k) => !known.has(k)).sort().map((name) => ({ name })),
  ].map((f) => el('tr', {},
    el('th', { textContent: f.title?.[lang] || f.title?.vi || f.name, title: f.name }),
    el('td', { textContent: format(props[f.name], lang) })));
  return el('div', {},
    el('h3', { textContent: c ? title(c, lang) : '' }),
    el('table', {}, el('tbody', {}, ...rows)));
}

function format(v, lang) {
  if (typeof v === 'boolean') return t(lang, v ? 'yes' : 'no');
  if (typeof v === 'number') return v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 6 });
  return String(v);
}
