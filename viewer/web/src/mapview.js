// makeMap builds one MapLibre map from the catalog, the same way in every
// mode: worker, glyphs and tiles from bando only, the token (if any) on
// requests to bando, and map errors logged as warnings (a tile that failed
// while the server restarts is not the page's fault) and reported.
import { Map, addProtocol, getVersion, setWorkerUrl } from 'maplibre-gl';
import { base, transformRequest } from './common.js';
import { installGlyphProtocol } from './glyphs.js';
import { installUnitLabels } from './labels.js';
import { buildStyle, startBounds, DEFAULT_VIEW } from './style.js';

setWorkerUrl(new URL(`maplibre-gl-worker.js?v=${getVersion()}`, base).href);
installGlyphProtocol(addProtocol, base);

export function makeMap(container, collections, opts = {}) {
  const { style, groups, unitLabelSources } = buildStyle(collections, base, opts);
  const bounds = startBounds(collections);
  const view = opts.view ?? (bounds ? { bounds, fitBoundsOptions: { padding: opts.padding ?? 24 } } : DEFAULT_VIEW);
  const map = new Map({
    container, style, ...view, transformRequest, attributionControl: false,
    hash: opts.hash ?? false, interactive: opts.interactive ?? true,
    ...(opts.pixelRatio ? { pixelRatio: opts.pixelRatio } : {}),
    ...(opts.maxCanvasSize ? { maxCanvasSize: opts.maxCanvasSize } : {}),
    fadeDuration: opts.fadeDuration ?? 300,
    ...(opts.maxTileCacheSize ? { maxTileCacheSize: opts.maxTileCacheSize } : {}),
  });
  if (opts.viewPadding) map.setPadding(opts.viewPadding);
  map.on('error', (e) => {
    console.warn('bando map:', e.error?.message ?? e);
    opts.onError?.(e);
  });
  window.__map = map; // for the browser tests and operators' consoles
  installUnitLabels(map, unitLabelSources);
  return { map, groups };
}

// setVisible shows or hides every layer of a collection.
export function setVisible(map, groups, id, visible) {
  const g = groups[id];
  if (!g) return;
  g.visible = visible;
  for (const l of g.layers) if (map.getLayer(l)) map.setLayoutProperty(l, 'visibility', visible ? 'visible' : 'none');
}

const OPACITY_PROP = { fill: 'fill-opacity', line: 'line-opacity', circle: 'circle-opacity', 'fill-extrusion': 'fill-extrusion-opacity', symbol: 'text-opacity' };

// setOpacity scales a collection's layers' opacity (remembering the style's own).
export function setOpacity(map, groups, id, k) {
  for (const l of groups[id]?.layers ?? []) {
    const layer = map.getLayer(l);
    const prop = layer && OPACITY_PROP[layer.type];
    if (!prop) continue;
    const key = `${l}\u0000${prop}`;
    setOpacity.base ??= new globalThis.Map();
    if (!setOpacity.base.has(key)) setOpacity.base.set(key, map.getPaintProperty(l, prop) ?? 1);
    const b = setOpacity.base.get(key);
    if (typeof b === 'number') map.setPaintProperty(l, prop, b * k);
  }
}
