// Map tools of the desk: click a point, draw a zone, draw a radius, pick a
// commune (each asks /api/query), and measure a distance or an area on the
// ellipsoid. The sketch is one GeoJSON source drawn above the thematic layers.
import { distance, lineLength, ringArea } from './geodesic.js';

const EMPTY = { type: 'FeatureCollection', features: [] };

export class Tools {
  // onWhere(clause, label) is called with a finished where clause;
  // onMeasure(text-ready figures) with a measure.
  constructor(map, { onWhere, onMeasure }) {
    Object.assign(this, { map, onWhere, onMeasure, mode: null, pts: [] });
    map.addSource('sketch', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'sketch:fill', type: 'fill', source: 'sketch', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#1f7ae0', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'sketch:line', type: 'line', source: 'sketch', paint: { 'line-color': '#1f7ae0', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: 'sketch:pt', type: 'circle', source: 'sketch', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 5, 'circle-color': '#fff', 'circle-stroke-color': '#1f7ae0', 'circle-stroke-width': 2 } });
    map.on('click', (e) => this.click(e));
    map.on('dblclick', (e) => { if (this.mode === 'zone' || this.mode?.startsWith('measure')) { e.preventDefault(); this.finish(); } });
    map.on('mousemove', (e) => this.hover(e));
  }

  set(mode) {
    this.mode = this.mode === mode ? null : mode;
    this.pts = [];
    this.draw([]);
    this.map.getCanvas().style.cursor = this.mode ? 'crosshair' : '';
    this.map.doubleClickZoom[this.mode ? 'disable' : 'enable']();
    return this.mode;
  }

  active() { return Boolean(this.mode); }

  click(e) {
    const p = [e.lngLat.lng, e.lngLat.lat];
    switch (this.mode) {
      case 'point': {
        const m = Math.round(Math.min(2000, 15 * 2 ** (15 - this.map.getZoom())));
        this.draw([circle(p, m)]);
        this.onWhere({ radius: { lon: p[0], lat: p[1], m } }, 'point');
        break;
      }
      case 'commune': {
        const [f] = this.map.queryRenderedFeatures(e.point, { layers: ['communes:fill'].filter((l) => this.map.getLayer(l)) });
        if (f?.properties?.code) this.onWhere({ admin: { layer: 'communes', code: String(f.properties.code) } }, f.properties.name);
        break;
      }
      case 'radius':
        if (!this.pts.length) this.pts = [p];
        else {
          const m = Math.round(distance(this.pts[0], p));
          this.draw([circle(this.pts[0], m)]);
          this.onWhere({ radius: { lon: this.pts[0][0], lat: this.pts[0][1], m } }, `r = ${m} m`);
          this.pts = [];
        }
        break;
      case 'zone': case 'measure-line': case 'measure-area':
        this.pts.push(p);
        this.preview(p);
        break;
      default:
    }
  }

  hover(e) {
    if (!this.pts.length) return;
    const p = [e.lngLat.lng, e.lngLat.lat];
    if (this.mode === 'radius') this.draw([circle(this.pts[0], distance(this.pts[0], p))]);
    else this.preview(p);
  }

  preview(p) {
    const pts = [...this.pts, p];
    const area = this.mode !== 'measure-line' && pts.length > 2;
    this.draw([
      ...pts.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } })),
      area ? polygon(pts) : { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: pts } },
    ]);
    if (this.mode.startsWith('measure')) this.measure(this.mode === 'measure-area' ? pts : this.pts.length ? pts : []);
  }

  measure(pts) {
    this.onMeasure(this.mode === 'measure-area' ? { area_m2: ringArea(pts), perimeter_m: lineLength([...pts, pts[0]]) } : { length_m: lineLength(pts) });
  }

  finish() {
    const pts = this.pts;
    if (this.mode === 'zone' && pts.length >= 3) {
      const zone = polygon(pts);
      this.draw([zone]);
      this.onWhere({ zone: zone.geometry }, 'zone');
    } else if (this.mode?.startsWith('measure')) this.measure(pts);
    this.pts = [];
  }

  // zoneFrom finishes a zone from given points (the browser tests use it).
  zoneFrom(pts) {
    this.mode = 'zone';
    this.pts = pts;
    this.finish();
  }

  draw(features) { this.map.getSource('sketch')?.setData({ type: 'FeatureCollection', features }); }
}

function polygon(pts) {
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...pts, pts[0]]] } };
}

// circle is a 64-gon of radius m metres (for display only; the question
// itself is an exact ellipsoidal radius).
function circle([lon, lat], m) {
  const pts = [];
  const dLat = m / 110574;
  const dLon = m / (111320 * Math.cos((lat * Math.PI) / 180));
  for (let i = 0; i <= 64; i++) {
    const a = (i / 64) * 2 * Math.PI;
    pts.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [pts] } };
}
