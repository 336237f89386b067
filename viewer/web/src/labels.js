// Admin units are labelled once each. A symbol layer on the vector tiles would
// label every tile piece and every island of a unit (Côn Đảo three times or
// more), so instead the page keeps a small GeoJSON source of one point per
// unit, placed inside the unit's largest piece in the loaded tiles.

export const EMPTY = { type: 'FeatureCollection', features: [] };

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(a / 2);
}

// interiorPoint returns a point inside the polygon (outer ring, holes): the
// middle of the widest span cut by one of a few horizontal lines.
export function interiorPoint(polygon) {
  const ys = polygon[0].map((p) => p[1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  let best = null;
  for (const f of [0.5, 0.35, 0.65, 0.2, 0.8]) {
    const y = lo + (hi - lo) * f;
    const xs = [];
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [x1, y1] = ring[j];
        const [x2, y2] = ring[i];
        if ((y1 > y) !== (y2 > y)) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const w = xs[k + 1] - xs[k];
      if (!best || w > best.w) best = { w, x: (xs[k] + xs[k + 1]) / 2, y };
    }
  }
  return best ? [best.x, best.y] : polygon[0][0];
}

// labelPoints turns tile pieces (GeoJSON features, as querySourceFeatures gives
// them) into one point per unit carrying its label; rank lets larger pieces win
// label collisions.
export function labelPoints(features, field) {
  const best = new Map();
  for (const f of features) {
    if (f.properties?.[field] === undefined) continue;
    const g = f.geometry;
    const parts = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
    // Pieces of one unit share its id, or failing that all its properties.
    const key = f.id ?? JSON.stringify(f.properties);
    for (const p of parts) {
      const area = ringArea(p[0]);
      if (!(best.get(key)?.area >= area)) best.set(key, { area, polygon: p, label: f.properties[field] });
    }
  }
  const out = [...best.values()].map((b) => ({
    type: 'Feature',
    properties: { [field]: b.label, rank: -b.area },
    geometry: { type: 'Point', coordinates: interiorPoint(b.polygon).map((v) => +v.toFixed(6)) },
  }));
  // A stable order, so that an unchanged view gives an identical collection.
  out.sort((a, b) => a.properties.rank - b.properties.rank || String(a.properties[field]).localeCompare(String(b.properties[field])));
  return { type: 'FeatureCollection', features: out };
}

// installUnitLabels keeps each label source in step with the loaded tiles:
// as soon as a unit source has loaded its tiles (so the labels are not a
// second round of work after the map went idle) and again at idle.
// specs: [{ source, sourceLayer, target, field }].
export function installUnitLabels(map, specs) {
  if (!specs.length) return;
  const last = new Map();
  const update = (s) => {
    if (!map.getSource(s.source) || !map.getSource(s.target)) return;
    const fc = labelPoints(map.querySourceFeatures(s.source, { sourceLayer: s.sourceLayer }), s.field);
    const json = JSON.stringify(fc);
    // setData makes the map busy and then idle again: only when it changed.
    if (json !== last.get(s.target)) {
      last.set(s.target, json);
      map.getSource(s.target).setData(fc);
    }
  };
  map.on('idle', () => { for (const s of specs) update(s); });
  map.on('sourcedata', (e) => {
    const s = e.isSourceLoaded && e.tile ? specs.find((x) => x.source === e.sourceId) : null;
    if (s && !s.queued) {
      s.queued = true;
      setTimeout(() => { s.queued = false; if (map.getSource(s.source)?.loaded()) update(s); }, 0);
    }
  });
}
