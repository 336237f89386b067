// The bando viewer: fetches the layer catalog from the server it is served by,
// builds a style from it and shows the map. Every URL is relative to the page,
// so the viewer never talks to another host.
import 'maplibre-gl/dist/maplibre-gl.css';
import './viewer.css';
import { AttributionControl, Map, NavigationControl, ScaleControl, addProtocol, getVersion, setWorkerUrl } from 'maplibre-gl';
import { installGlyphProtocol } from './glyphs.js';
import { installUnitLabels } from './labels.js';
import { initialLang } from './i18n.js';
import { Panel } from './panel.js';
import { installPopup } from './popup.js';
import { DEFAULT_VIEW, buildStyle, startBounds } from './style.js';

const base = new URL('.', document.baseURI).href;
// The version query keeps a cached worker of another MapLibre release away.
setWorkerUrl(new URL(`maplibre-gl-worker.js?v=${getVersion()}`, base).href);
installGlyphProtocol(addProtocol, base);

async function loadCollections() {
  const res = await fetch(new URL('collections', base), { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /collections: HTTP ${res.status}`);
  const body = await res.json();
  return Array.isArray(body.collections) ? body.collections.filter((c) => c && typeof c.id === 'string') : [];
}

async function main() {
  let lang = initialLang();
  const panel = new Panel(document.getElementById('panel'), lang, (l) => { lang = l; });
  let collections;
  try {
    collections = await loadCollections();
  } catch (err) {
    panel.fail();
    document.documentElement.dataset.state = 'error';
    console.error('bando viewer:', err);
    return;
  }

  const { style, groups, unitLabelSources } = buildStyle(collections, base);
  const bounds = startBounds(collections);
  // On a wide screen keep the province clear of the side panel.
  const panelWidth = document.getElementById('panel').offsetWidth;
  const padding = innerWidth > 3 * panelWidth ? { top: 24, bottom: 24, right: 24, left: panelWidth + 34 } : 24;
  const map = new Map({
    container: 'map',
    style,
    ...(bounds ? { bounds, fitBoundsOptions: { padding } } : DEFAULT_VIEW),
    hash: true,
    attributionControl: false,
  });
  window.__map = map; // for the end-to-end check and for operators' consoles
  map.addControl(new NavigationControl({ visualizePitch: true }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.addControl(new AttributionControl(), 'bottom-right'); // compact on narrow screens

  panel.attach(map, collections, groups);
  installPopup(map, collections, groups, () => lang);
  installUnitLabels(map, unitLabelSources);
  map.once('load', () => { document.documentElement.dataset.state = 'ready'; });
}

main();
