// Aggregates of a point layer on the desk: H3 hexagons coloured by count or
// a MapLibre heatmap. At resolution "auto" they are the server's aggregate
// tiles (/tiles/h3/{layer}/… and /tiles/heat/{layer}/…, the H3 resolution
// following the zoom as TileJSON h3_resolution says); at a chosen
// resolution they are /api/h3's cells over the view (GeoJSON, asked again
// when the view moves; the heatmap weighs each cell's centre by its count).
import { api, base } from './common.js';
import { GeoSource } from './live.js';

const SOURCE = 'agg';
const LAYER = 'agg:layer';
export const RESOLUTIONS = ['auto', 6, 7, 8, 9, 10, 11];
const lnCount = ['ln', ['+', 1, ['to-number', ['coalesce', ['get', 'value'], ['get', 'count']], 0]]];
const EMPTY = { type: 'FeatureCollection', features: [] };

function paint(kind) {
  return kind === 'h3' ? {
    type: 'fill',
    paint: {
      'fill-color': ['interpolate', ['linear'], lnCount, 0, '#fff7bc', 1.6, '#fec44f', 3, '#fe9929', 4.6, '#d95f0e', 6.2, '#993404'],
      'fill-opacity': 0.7, 'fill-outline-color': '#ffffff',
    },
  } : {
    type: 'heatmap',
    paint: {
      'heatmap-weight': ['min', 1, ['/', lnCount, 5]],
      'heatmap-intensity': 1.2,
      'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 14, 14, 28],
      'heatmap-opacity': 0.8,
    },
  };
}

// centres turns /api/h3's hexagons into weighted points for the heatmap.
function centres(fc) {
  return { type: 'FeatureCollection', features: (fc.features ?? []).map((f) => {
    const ring = f.geometry.coordinates[0].slice(0, -1);
    const c = [0, 1].map((k) => ring.reduce((a, p) => a + p[k], 0) / ring.length);
    return { type: 'Feature', properties: f.properties, geometry: { type: 'Point', coordinates: c } };
  }) };
}

export class Aggregates {
  constructor(map, onChange) {
    Object.assign(this, { map, onChange, layer: '', kind: '', res: 'auto', doc: null, seq: 0 });
    map.on('moveend', () => { if (this.kind && this.res !== 'auto') this.fetchCells(); });
    map.on('zoomend', () => this.onChange?.(this.describe()));
  }

  // set shows kind ('h3', 'heat' or '' for none) of layer at res ('auto' or 0–15).
  async set(layer, kind, res = this.res) {
    Object.assign(this, { layer, kind, res });
    const seq = ++this.seq;
    this.clear();
    if (!layer || !kind) return this.onChange?.(null);
    const before = this.map.getStyle().layers.find((l) => l.type === 'symbol')?.id;
    if (res === 'auto') {
      const doc = await api(`tiles/${kind}/${encodeURIComponent(layer)}.json`);
      if (seq !== this.seq) return null; // changed meanwhile
      this.doc = doc;
      this.map.addSource(SOURCE, {
        type: 'vector', minzoom: doc.minzoom ?? 0, maxzoom: doc.maxzoom ?? 22,
        tiles: [`${base}tiles/${kind}/${encodeURIComponent(layer)}/{z}/{x}/{y}.mvt`],
        ...(doc.bounds ? { bounds: doc.bounds } : {}), attribution: doc.attribution,
      });
      this.map.addLayer({ id: LAYER, source: SOURCE, 'source-layer': doc.vector_layers?.[0]?.id ?? layer, ...paint(kind) }, before);
    } else {
      this.map.addSource(SOURCE, { type: 'geojson', data: EMPTY });
      this.cells = new GeoSource(this.map, SOURCE);
      this.map.addLayer({ id: LAYER, source: SOURCE, ...paint(kind) }, before);
      await this.fetchCells();
    }
    this.onChange?.(this.describe());
    return this.doc;
  }

  // fetchCells asks /api/h3 for the view's cells at the chosen resolution.
  async fetchCells() {
    const seq = this.seq;
    const b = this.map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(',');
    try {
      const fc = await api(`api/h3?layer=${encodeURIComponent(this.layer)}&res=${this.res}&bbox=${bbox}&f=geojson`);
      if (seq !== this.seq || !this.map.getSource(SOURCE)) return;
      this.cells.set(this.kind === 'heat' ? centres(fc) : fc);
      this.error = '';
    } catch (err) {
      this.error = err.message;
    }
    this.onChange?.(this.describe());
  }

  clear() {
    if (this.map.getLayer(LAYER)) this.map.removeLayer(LAYER);
    if (this.map.getSource(SOURCE)) this.map.removeSource(SOURCE);
    this.doc = null;
    this.error = '';
  }

  // describe is what the panel shows: the H3 resolution drawn now (at
  // "auto", the tiles' at the map's zoom) and the suppression, or an error.
  describe() {
    if (!this.kind) return null;
    if (this.error) return { error: this.error };
    if (this.res !== 'auto') return { res: this.res };
    if (!this.doc) return null;
    const z = Math.max(0, Math.min(22, Math.floor(this.map.getZoom())));
    return { res: this.doc.h3_resolution?.[String(z)], minCount: this.doc.min_count };
  }
}
