// Indicators: the list for KPI strips, and one indicator drawn as a
// choropleth of the communes in green / yellow / red.
import { COLOURS, api } from './common.js';

export async function loadIndicators() {
  try {
    return (await api('api/indicators')).indicators ?? [];
  } catch (err) {
    console.warn('bando indicators:', err.message);
    return [];
  }
}

// kpi sums an indicator's units into the strip's figure: the share of
// units with a value that are green, and the worst colour present.
export function kpi(ind) {
  const c = ind.counts ?? {};
  const rated = (c.green ?? 0) + (c.yellow ?? 0) + (c.red ?? 0);
  const colour = c.red ? 'red' : c.yellow ? 'yellow' : rated ? 'green' : 'none';
  return { rated, green: c.green ?? 0, yellow: c.yellow ?? 0, red: c.red ?? 0, colour };
}

const LAYER = 'indicator:fill';

// showChoropleth colours the admin layer's units by indicator id ('' clears).
export async function showChoropleth(map, id) {
  if (map.getLayer(LAYER)) map.removeLayer(LAYER);
  if (!id) return null;
  const body = await api(`api/indicators/${encodeURIComponent(id)}`);
  const admin = body.indicator?.admin ?? 'communes';
  if (!map.getSource(admin)) return null;
  const match = ['match', ['to-string', ['get', 'code']]];
  for (const u of body.units ?? []) if (u.colour) match.push(String(u.code), COLOURS[u.colour] ?? COLOURS.none);
  match.push('rgba(0,0,0,0)');
  const before = map.getStyle().layers.find((l) => l.type === 'symbol')?.id;
  map.addLayer({
    id: LAYER, type: 'fill', source: admin, 'source-layer': admin,
    paint: { 'fill-color': match.length > 3 ? match : 'rgba(0,0,0,0)', 'fill-opacity': 0.55, 'fill-outline-color': '#ffffff' },
  }, before);
  return body;
}
