// Live: the stream (server-sent events read with fetch, so the token rides
// in a header; reconnects with Last-Event-ID after the server went away),
// vessels with heading, class colour, age of last fix and short trails,
// alerts newest first, and tile refreshes exactly when the stream says so.
import { api, base, headers } from './common.js';

// Stream reads /api/stream?topics=… and calls onEvent(topic, data); onState
// gets 'open' or 'lost'. It retries forever, 1 s doubling to 15 s.
export class Stream {
  constructor(topics, onEvent, onState) {
    Object.assign(this, { topics, onEvent, onState, lastID: '', delay: 1000, stopped: false });
    this.run();
  }

  async run() {
    while (!this.stopped) {
      try {
        this.ctrl = new AbortController();
        const h = headers({ Accept: 'text/event-stream' });
        if (this.lastID) h['Last-Event-ID'] = this.lastID;
        const res = await fetch(new URL(`api/stream?topics=${this.topics.join(',')}`, base), { headers: h, signal: this.ctrl.signal });
        if (!res.ok) throw new Error(`stream: HTTP ${res.status}`);
        this.onState?.('open');
        this.delay = 1000;
        await this.read(res.body.getReader());
      } catch (err) {
        if (this.stopped) return;
        console.warn('bando stream:', err.message);
      }
      this.onState?.('lost');
      await new Promise((r) => setTimeout(r, this.delay));
      this.delay = Math.min(this.delay * 2, 15000);
    }
  }

  async read(reader) {
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let topic = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) this.lastID = line.slice(4);
          else if (line.startsWith('event: ')) topic = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) {
          try { this.onEvent(topic, JSON.parse(data)); } catch (err) { console.warn('bando stream event:', err.message); }
        }
      }
    }
  }

  stop() {
    this.stopped = true;
    this.ctrl?.abort();
  }
}

// GeoSource keeps at most one setData in flight per source: later data
// waits, and only the newest is sent (MapLibre grows memory when updates
// outrun it).
export class GeoSource {
  constructor(map, id) {
    Object.assign(this, { map, id, busy: false, pending: null });
    map.on('sourcedata', (e) => {
      if (e.sourceId === id && e.isSourceLoaded && this.busy) {
        this.busy = false;
        if (this.pending) this.set(this.pending);
      }
    });
  }

  set(data) {
    const src = this.map.getSource(this.id);
    if (!src) return;
    if (this.busy) { this.pending = data; return; }
    this.pending = null;
    this.busy = true;
    src.setData(data);
    setTimeout(() => { this.busy = false; }, 2000); // never wedged by a lost event
  }
}

// Activity class by speed over ground: drifting, fishing (2.5–5 kn), sailing.
const classColour = (sog) => (sog == null ? '#b8c4d6' : sog < 1 ? '#8ecae6' : sog < 5 ? '#ffd166' : '#7ee0c3');
const TRAIL = 12; // fixes kept per vessel

function arrowImage() {
  const n = 48;
  const c = document.createElement('canvas');
  c.width = c.height = n;
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff';
  g.strokeStyle = '#0b1220';
  g.lineWidth = 3;
  g.beginPath();
  g.moveTo(n / 2, 4); g.lineTo(n - 10, n - 6); g.lineTo(n / 2, n - 16); g.lineTo(10, n - 6); g.closePath();
  g.stroke(); g.fill();
  return { width: n, height: n, data: g.getImageData(0, 0, n, n).data };
}

// Vessels draws the live layer's objects above everything; scale sizes
// them for the wall.
export class Vessels {
  constructor(map, layer, scale = 1) {
    this.map = map;
    this.layer = layer;
    this.objects = new Map();
    map.addImage('bando-arrow', arrowImage(), { sdf: true });
    map.addSource('live:vessels', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addSource('live:trails', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'live:trails', type: 'line', source: 'live:trails', paint: { 'line-color': ['get', 'colour'], 'line-width': 1.5 * scale, 'line-opacity': 0.6 } });
    map.addLayer({
      id: 'live:vessels', type: 'symbol', source: 'live:vessels',
      layout: { 'icon-image': 'bando-arrow', 'icon-size': 0.45 * scale, 'icon-rotate': ['get', 'cog'], 'icon-rotation-alignment': 'map', 'icon-allow-overlap': true },
      paint: { 'icon-color': ['get', 'colour'], 'icon-opacity': ['interpolate', ['linear'], ['get', 'age_min'], 0, 1, 120, 0.35] },
    });
    this.points = new GeoSource(map, 'live:vessels');
    this.trails = new GeoSource(map, 'live:trails');
    this.timer = setInterval(() => this.flush(), 1000);
  }

  async load() {
    try {
      const st = await api('api/twin/state');
      for (const o of st.objects ?? []) if (o.layer === this.layer || !o.layer) this.fix(o);
      this.dirty = true;
    } catch (err) {
      console.warn('bando vessels:', err.message); // not visible to this principal, or no twin
    }
  }

  fix(p) {
    if (p.lon == null || p.lat == null) return;
    let o = this.objects.get(p.id);
    if (!o) this.objects.set(p.id, (o = { id: p.id, trail: [], props: p.properties ?? {} }));
    if (o.t === p.t) return; // the same fix again (a reload after a reconnect)
    this.fixes = (this.fixes ?? 0) + 1;
    Object.assign(o, { lon: p.lon, lat: p.lat, t: p.t, cog: p.cog ?? o.cog ?? 0, sog: p.sog ?? o.sog });
    o.trail.push([p.lon, p.lat]);
    if (o.trail.length > TRAIL) o.trail.shift();
    this.dirty = true;
  }

  flush() {
    if (!this.dirty) return;
    this.dirty = false;
    const now = Date.now();
    const pts = [];
    const lines = [];
    for (const o of this.objects.values()) {
      const colour = classColour(o.sog);
      const age = Math.max(0, (now - Date.parse(o.t)) / 60000) || 0;
      pts.push({ type: 'Feature', properties: { id: o.id, cog: o.cog, sog: o.sog ?? null, t: o.t, age_min: Math.round(age), colour }, geometry: { type: 'Point', coordinates: [o.lon, o.lat] } });
      if (o.trail.length > 1) lines.push({ type: 'Feature', properties: { colour }, geometry: { type: 'LineString', coordinates: o.trail } });
    }
    this.points.set({ type: 'FeatureCollection', features: pts });
    this.trails.set({ type: 'FeatureCollection', features: lines });
  }
}

// TileRefresher reloads a layer's tiles when the stream says they changed:
// one reload in flight per source, a later change waits for it.
export class TileRefresher {
  constructor(map) {
    Object.assign(this, { map, v: {}, busy: {}, again: {} });
    map.on('sourcedata', (e) => {
      if (e.isSourceLoaded && this.busy[e.sourceId]) {
        this.busy[e.sourceId] = false;
        if (this.again[e.sourceId]) { this.again[e.sourceId] = false; this.refresh(e.sourceId); }
      }
    });
  }

  refresh(layer) {
    const src = this.map.getSource(layer);
    if (!src?.setTiles) return;
    if (this.busy[layer]) { this.again[layer] = true; return; }
    this.busy[layer] = true;
    this.v[layer] = (this.v[layer] ?? 0) + 1;
    src.setTiles([`${base}tiles/${layer}/{z}/{x}/{y}.mvt?v=${this.v[layer]}`]);
    setTimeout(() => { this.busy[layer] = false; }, 5000);
  }
}

export async function loadAlerts() {
  try {
    return (await api('api/alerts')).alerts ?? [];
  } catch {
    return [];
  }
}

// alertPlace is where an alert happened: its last evidence with a position.
export function alertPlace(a) {
  const ev = [...(a.evidence ?? [])].reverse().find((e) => e.lon != null && e.lat != null);
  return ev ? [ev.lon, ev.lat] : null;
}
