// style builds the MapLibre style from bando's /collections answer: one vector
// source per collection and, per geometry, the layers that draw it. It is pure
// (no DOM, no map) so that it runs under node --test.
import { BASEMAP_SOURCE, SEA_LIGHT, basemapSource, darkStyle, isBasemap } from './basemap.js';
import { FONT, GLYPHS_URL } from './glyphs.js';
import { EMPTY } from './labels.js';

export const BACKGROUND = '#f2f1ec';
export const BACKGROUND_DARK = '#0b1220';
export const DEFAULT_VIEW = { center: [106.7, 10.78], zoom: 9 };

// Defaults when a collection's style leaves a key out: first by geometry, then
// by kind, then what the catalog says.
const BY_GEOMETRY = {
  Polygon: { color: '#6b8cae', opacity: 0.4, width: 1 },
  LineString: { color: '#4b6584', opacity: 1, width: 2 },
  Point: { color: '#c0392b', opacity: 1, radius: 4 },
  Geometry: { color: '#7f5a83', opacity: 0.5, width: 1.5, radius: 4 },
};
const BY_KIND = {
  admin: { color: '#9d8ec4', outline: '#6c5b9b', opacity: 0.08, width: 1 },
  water: { color: '#9fcbe8', outline: '#6aaad6', opacity: 0.85, width: 0.5 },
  maritime: { color: '#c3e0f2', outline: '#8fbfe0', opacity: 0.7, width: 0.5 },
  building: { color: '#d4a373', outline: '#a97c50', opacity: 0.85 },
  road: { color: '#e8a33d', width: 1.5 },
  parcel: { color: '#c9b98f', outline: '#a39466', opacity: 0.3 },
  planning: { color: '#e07aa5', outline: '#c04f80', opacity: 0.3 },
  infrastructure: { color: '#6b7280', width: 1.5 },
  poi: { color: '#d9480f', radius: 5 },
  sensor: { color: '#0f9d8a', radius: 5 },
  vessel: { color: '#1d4ed8', radius: 4 },
};
const DIM_ON_DARK = new Set(['maritime', 'water']);
const DEFAULT_HEIGHT = 10; // metres, for a building with no height or levels
const LEVEL_HEIGHT = 3.2; // metres per storey

// resolveStyle returns the collection's style hints with defaults filled in.
export function resolveStyle(c) {
  const b = c.bando ?? {};
  const given = Object.fromEntries(Object.entries(b.style ?? {}).filter(([, v]) => v !== null && v !== ''));
  const s = { ...(BY_GEOMETRY[b.geometry] ?? BY_GEOMETRY.Geometry), ...BY_KIND[b.kind], ...given };
  s.outline ??= s.color;
  s.order ??= 0;
  s.radius ??= 4;
  s.width ??= 1;
  return s;
}

// title picks the collection's title in lang, falling back to the OGC title.
export function title(c, lang) {
  return c.bando?.title?.[lang] || c.bando?.title?.vi || c.title || c.id;
}

export function legendText(c, lang) {
  const s = c.bando?.style ?? {};
  return (lang === 'en' ? s.legend_en : s.legend_vi) || title(c, lang);
}

// sortCollections orders collections bottom to top: the basemap first, then
// lower style.order, then by id so the result does not depend on the
// server's order.
export function sortCollections(collections) {
  return [...collections].sort((a, b) => isBasemap(b) - isBasemap(a) || resolveStyle(a).order - resolveStyle(b).order || a.id.localeCompare(b.id));
}

function bbox(c) {
  const bb = c.extent?.spatial?.bbox?.[0];
  if (!Array.isArray(bb) || bb.length < 4) return null;
  const [w, s, e, n] = bb.length >= 6 ? [bb[0], bb[1], bb[3], bb[4]] : bb;
  const ok = [w, s, e, n].every(Number.isFinite) && w < e && s < n && w >= -180 && e <= 180 && s >= -90 && n <= 90;
  return ok ? [w, s, e, n] : null;
}

// startBounds is the union of the admin collections' extents, the province,
// as [[w, s], [e, n]], or null when there is none.
export function startBounds(collections) {
  // The basemap's provinces cover the country, not the province at hand.
  const admin = collections.filter((c) => c.bando?.kind === 'admin' && !isBasemap(c));
  const view = admin.map((c) => c.bando?.style?.view).find((v) => Array.isArray(v) && v.length === 4);
  if (view) return [[view[0], view[1]], [view[2], view[3]]];
  const boxes = admin.map(bbox).filter(Boolean);
  if (!boxes.length) return null;
  const w = Math.min(...boxes.map((b) => b[0]));
  const s = Math.min(...boxes.map((b) => b[1]));
  const e = Math.max(...boxes.map((b) => b[2]));
  const n = Math.max(...boxes.map((b) => b[3]));
  return [[w, s], [e, n]];
}

const isType = (...types) => ['match', ['geometry-type'], types, true, false];
const POLYGONS = isType('Polygon', 'MultiPolygon');
const LINES = isType('LineString', 'MultiLineString');
const POINTS = isType('Point', 'MultiPoint');

function heightExpr(field) {
  return [
    'case',
    ['has', field], ['to-number', ['get', field], DEFAULT_HEIGHT],
    ['has', 'levels'], ['*', ['to-number', ['get', 'levels'], 1], LEVEL_HEIGHT],
    DEFAULT_HEIGHT,
  ];
}

// drawLayers returns the layers that draw collection c, labels excluded.
function drawLayers(c, s) {
  const geom = c.bando?.geometry ?? 'Geometry';
  const any = geom === 'Geometry';
  const out = [];
  if (geom === 'Polygon' || any) {
    if (isBasemap(c) && s.opacity < 0.05) {
      // A basemap polygon too faint to see (the provinces) is its outline:
      // a fill that shows nothing still costs the wall a full-screen pass.
      out.push({ id: `${c.id}:outline`, type: 'line', filter: any ? POLYGONS : undefined, paint: { 'line-color': s.outline, 'line-width': s.width } });
    } else if (s.extrude) {
      out.push({
        id: `${c.id}:extrusion`, type: 'fill-extrusion', filter: any ? POLYGONS : undefined,
        paint: { 'fill-extrusion-color': s.color, 'fill-extrusion-opacity': s.opacity, 'fill-extrusion-height': heightExpr(s.extrude), 'fill-extrusion-base': 0 },
      });
    } else {
      out.push(
        // No fill antialiasing: the outline layer draws the edge, and
        // MapLibre would compile and run a second program for it.
        { id: `${c.id}:fill`, type: 'fill', filter: any ? POLYGONS : undefined, paint: { 'fill-color': s.color, 'fill-opacity': s.opacity, 'fill-antialias': false } },
        { id: `${c.id}:outline`, type: 'line', filter: any ? POLYGONS : undefined, paint: { 'line-color': s.outline, 'line-width': s.width } },
      );
    }
  }
  if (geom === 'LineString' || any) {
    out.push({
      id: `${c.id}:line`, type: 'line', filter: any ? LINES : undefined,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': s.color, 'line-width': s.width, 'line-opacity': any ? 1 : s.opacity },
    });
  }
  if (geom === 'Point' || any) {
    out.push({
      id: `${c.id}:circle`, type: 'circle', filter: any ? POINTS : undefined,
      paint: {
        'circle-color': s.color, 'circle-radius': s.radius, 'circle-opacity': any ? 1 : s.opacity,
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1,
      },
    });
  }
  return out;
}

// unitLabels says whether c is labelled from a point per unit (labels.js)
// rather than from its tiles.
function unitLabels(c, s) {
  return Boolean(s.label) && c.bando?.kind === 'admin' && c.bando?.geometry === 'Polygon';
}

function labelLayer(c, s, dark) {
  const geom = c.bando?.geometry ?? 'Geometry';
  const admin = c.bando?.kind === 'admin';
  const base = isBasemap(c);
  const layout = {
    'text-field': ['to-string', ['get', s.label]],
    'text-font': [FONT],
    'text-size': admin && !base ? 13 : 12,
    'text-max-width': 8,
  };
  if (geom === 'LineString') layout['symbol-placement'] = 'line';
  if (geom === 'Point') Object.assign(layout, { 'text-anchor': 'top', 'text-offset': [0, 0.6], 'text-optional': true });
  if (unitLabels(c, s)) layout['symbol-sort-key'] = ['get', 'rank'];
  // Basemap names are quiet: grey, and they give way to the thematic labels
  // drawn above them.
  if (base) {
    return {
      id: `${c.id}:label`, type: 'symbol', filter: ['has', s.label], layout,
      paint: dark
        ? { 'text-color': '#7d8798', 'text-halo-color': '#0b1220', 'text-halo-width': 1.2 }
        : { 'text-color': '#7a7584', 'text-halo-color': '#f4f2ed', 'text-halo-width': 1.2 },
    };
  }
  return {
    id: `${c.id}:label`, type: 'symbol', filter: ['has', s.label], layout,
    paint: dark
      ? { 'text-color': admin ? '#dfe6f3' : '#c8d0dc', 'text-halo-color': '#0b1220', 'text-halo-width': 1.5 }
      : { 'text-color': admin ? '#3d3356' : '#333333', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  };
}

// buildStyle returns the style; per collection id, the ids of its layers (for
// the layer switcher) and which of them answer clicks; and the label sources
// that installUnitLabels must feed.
// opts.dark gives the wall's dark background and labels; opts.labelSize
// scales label text (the wall's, legible across the room).
export function buildStyle(collections, base, opts = {}) {
  const sources = {};
  // The wall paints its background with CSS (one shader program fewer to
  // compile before its first frame, which software rendering feels).
  // With a basemap the background is the open sea (the land is a layer).
  const paper = collections.some(isBasemap) ? SEA_LIGHT : BACKGROUND;
  const layers = opts.noBackground ? [] : [{ id: 'background', type: 'background', paint: { 'background-color': opts.dark ? BACKGROUND_DARK : paper } }];
  const labels = [];
  const groups = {};
  const unitLabelSources = [];
  const sorted = sortCollections(collections);
  const shared = basemapSource(sorted.filter(isBasemap), base, bbox);
  if (shared) sources[BASEMAP_SOURCE] = shared;
  for (const c of sorted) {
    const basemap = isBasemap(c);
    let s = resolveStyle(c);
    // The dark basemap is derived from the light one (basemap.js).
    if (opts.dark && basemap) s = darkStyle(s, c.bando?.geometry);
    // Light sea fills glare on the dark wall: dim them, keep the hue.
    else if (opts.dark && DIM_ON_DARK.has(c.bando?.kind)) s.opacity *= 0.4;
    const zoom = c.bando?.zoom ?? {};
    const minzoom = zoom.min ?? 0;
    const maxzoom = zoom.max ?? 14;
    const srcId = basemap && shared ? BASEMAP_SOURCE : c.id;
    if (srcId === c.id) {
      const src = { type: 'vector', tiles: [`${base}tiles/${c.id}/{z}/{x}/{y}.mvt`], minzoom, maxzoom };
      const bb = bbox(c);
      if (bb) src.bounds = bb;
      if (c.bando?.attribution) src.attribution = c.bando.attribution;
      sources[c.id] = src;
    }

    const own = drawLayers(c, s);
    for (const l of own) {
      // Small basemap dots: no white ring.
      if (basemap && l.type === 'circle') Object.assign(l.paint, { 'circle-stroke-width': 0 });
    }
    if (s.label) {
      const l = labelLayer(c, s, opts.dark);
      if (opts.labelSize) l.layout['text-size'] *= opts.labelSize;
      labels.push(l);
    }
    // opts.visible (a Set of ids) overrides the catalog: the wall starts
    // with its first scene's layers only, so no other layer loads tiles.
    // The basemap stays under every scene.
    const shown = opts.visible ? opts.visible.has(c.id) || (basemap && !s.hidden) : !s.hidden;
    const visibility = shown ? 'visible' : 'none';
    const ids = [];
    for (const l of [...own, ...(s.label ? [labels.at(-1)] : [])]) {
      if (l.filter === undefined) delete l.filter;
      Object.assign(l, { source: srcId, 'source-layer': c.id, minzoom, metadata: { 'bando:collection': c.id } });
      l.layout = { ...l.layout, visibility };
      ids.push(l.id);
    }
    if (unitLabels(c, s)) {
      const target = `${c.id}:labels`;
      sources[target] = { type: 'geojson', data: EMPTY };
      Object.assign(labels.at(-1), { source: target });
      delete labels.at(-1)['source-layer'];
      unitLabelSources.push({ source: srcId, sourceLayer: c.id, target, field: s.label });
    }
    layers.push(...own);
    // Of the basemap only its points answer a click: the land and the sea
    // would answer everywhere, the provinces are their names.
    const interactive = basemap && c.bando?.geometry !== 'Point' ? [] : own.map((l) => l.id);
    // basemap: a basemap layer the wall keeps on whatever the scene.
    groups[c.id] = { layers: ids, interactive, visible: shown, ...(basemap && !s.hidden ? { basemap } : {}) };
  }
  // Labels go above every drawn layer so that no fill covers a name.
  layers.push(...labels);
  return { style: { version: 8, glyphs: GLYPHS_URL, sources, layers }, groups, unitLabelSources };
}
