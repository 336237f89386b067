// Track replay on the desk: click a live vessel → its details and its track
// from /api/twin/objects/{id}/track, with a time slider (and play) that
// moves a marker along the track and draws the part sailed so far.
import { api, el, fmtDate, fmtNum } from './common.js';
import { t } from './i18n.js';
import { GeoSource } from './live.js';

const EMPTY = { type: 'FeatureCollection', features: [] };
const STEP_MS = 120; // one fix per tick when playing

export class TrackReplay {
  constructor(map, getLang) {
    Object.assign(this, { map, getLang, track: null, i: 0, timer: null });
    map.addSource('track', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'track:all', type: 'line', source: 'track', filter: ['==', ['get', 'part'], 'all'], paint: { 'line-color': '#5b6b82', 'line-width': 2, 'line-dasharray': [1, 1.5] } });
    map.addLayer({ id: 'track:sailed', type: 'line', source: 'track', filter: ['==', ['get', 'part'], 'sailed'], paint: { 'line-color': '#d9480f', 'line-width': 3 } });
    map.addLayer({ id: 'track:at', type: 'circle', source: 'track', filter: ['==', ['get', 'part'], 'at'], paint: { 'circle-radius': 7, 'circle-color': '#d9480f', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
    this.src = new GeoSource(map, 'track'); // one update in flight while playing
    this.box = el('section', { id: 'track', hidden: true });
    document.body.append(this.box);
  }

  // open shows vessel v (the live layer's feature properties) and loads its track.
  async open(v) {
    this.stop();
    const lang = this.getLang();
    this.box.hidden = false;
    this.box.replaceChildren(el('p', { className: 'note', textContent: t(lang, 'loading') }));
    try {
      const f = await api(`api/twin/objects/${encodeURIComponent(v.id)}/track`);
      const coords = f.geometry?.coordinates ?? [];
      const times = f.properties?.times ?? [];
      if (coords.length < 2) throw new Error(t(lang, 'noTrack'));
      this.track = { id: v.id, v, coords, times, sog: f.properties?.sog ?? [], cog: f.properties?.cog ?? [] };
      this.render();
      this.seek(coords.length - 1);
      const xs = coords.map((c) => c[0]);
      const ys = coords.map((c) => c[1]);
      this.map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 120, maxZoom: 13 });
    } catch (err) {
      this.box.replaceChildren(el('p', { className: 'error', textContent: err.message }), this.closeButton());
    }
  }

  closeButton() {
    return el('button', { type: 'button', className: 'close', textContent: '×', title: t(this.getLang(), 'close'), onclick: () => this.close() });
  }

  render() {
    const lang = this.getLang();
    const { id, v, coords } = this.track;
    this.slider = el('input', { type: 'range', min: 0, max: coords.length - 1, value: coords.length - 1, className: 'slider', oninput: (e) => { this.stop(); this.seek(Number(e.target.value)); } });
    this.play = el('button', { type: 'button', className: 'play', textContent: '▶', title: t(lang, 'replay'), onclick: () => (this.timer ? this.stop() : this.start()) });
    this.at = el('output', { className: 'at' });
    const age = v.t ? Math.max(0, Math.round((Date.now() - Date.parse(v.t)) / 60000)) : null;
    this.box.replaceChildren(
      el('header', {}, el('h3', { textContent: `${t(lang, 'vessel')} ${id}` }), this.closeButton()),
      el('dl', {},
        el('dt', { textContent: t(lang, 'lastFix') }), el('dd', { textContent: `${fmtDate(v.t, lang)}${age === null ? '' : ` (${fmtNum(age, lang)} ${t(lang, 'minAgo')})`}` }),
        el('dt', { textContent: t(lang, 'speed') }), el('dd', { textContent: v.sog == null ? '–' : `${fmtNum(Number(v.sog), lang)} kn` }),
        el('dt', { textContent: t(lang, 'course') }), el('dd', { textContent: `${fmtNum(Number(v.cog ?? 0), lang, 0)}°` }),
        el('dt', { textContent: t(lang, 'fixes') }), el('dd', { textContent: fmtNum(coords.length, lang) })),
      el('div', { className: 'replay' }, this.play, this.slider),
      this.at);
  }

  // seek puts the marker on fix i and draws the track sailed up to it.
  seek(i) {
    const { coords, times, sog } = this.track;
    this.i = Math.max(0, Math.min(i, coords.length - 1));
    this.slider.value = String(this.i);
    const lang = this.getLang();
    this.at.textContent = `${fmtDate(times[this.i], lang)} · ${sog[this.i] == null ? '–' : `${fmtNum(sog[this.i], lang)} kn`}`;
    const sailed = coords.slice(0, this.i + 1);
    this.src.set({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { part: 'all' }, geometry: { type: 'LineString', coordinates: coords } },
      ...(sailed.length > 1 ? [{ type: 'Feature', properties: { part: 'sailed' }, geometry: { type: 'LineString', coordinates: sailed } }] : []),
      { type: 'Feature', properties: { part: 'at' }, geometry: { type: 'Point', coordinates: coords[this.i] } },
    ] });
  }

  start() {
    if (this.i >= this.track.coords.length - 1) this.seek(0);
    this.play.textContent = '■';
    this.timer = setInterval(() => {
      if (this.i >= this.track.coords.length - 1) return this.stop();
      this.seek(this.i + 1);
    }, STEP_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.play) this.play.textContent = '▶';
  }

  close() {
    this.stop();
    this.track = null;
    this.box.hidden = true;
    this.map.getSource('track').setData(EMPTY);
  }
}
