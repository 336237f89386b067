// The operator desk (/): catalog by sector with legends, toggles and
// opacity; search without diacritics; map tools asking /api/query; an
// indicator choropleth; live vessels and alerts with acknowledgement.
import { NavigationControl, ScaleControl, AttributionControl } from 'maplibre-gl';
import { SECTORS, api, auth, el, fmtDate, fmtNum, fold, sector, setToken } from './common.js';
import { t } from './i18n.js';
import { loadIndicators, showChoropleth } from './indicators.js';
import { Stream, TileRefresher, Vessels, alertPlace, loadAlerts } from './live.js';
import { makeMap, setOpacity, setVisible } from './mapview.js';
import { Panel } from './panel.js';
import { installPopup } from './popup.js';
import { renderResults } from './results.js';
import { resolveStyle, title } from './style.js';
import { Tools } from './tools.js';
import { TrackReplay } from './track.js';
import { Aggregates, RESOLUTIONS } from './aggregate.js';

export async function desk(collections, lang, setLang) {
  const panelEl = document.getElementById('panel');
  const panel = new Panel(panelEl, lang, (l) => { lang = l; setLang(l); renderExtras(); });
  const pad = innerWidth > 3 * panelEl.offsetWidth ? { top: 24, bottom: 24, right: 24, left: panelEl.offsetWidth + 34 } : 24;
  const { map, groups } = makeMap('map', collections, { hash: true, padding: pad });
  map.addControl(new NavigationControl({ visualizePitch: true }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.addControl(new AttributionControl(), 'bottom-right');
  panel.sectorOf = sector;
  panel.onOpacity = (id, k) => setOpacity(map, groups, id, k);
  panel.attach(map, collections, groups);
  const onVessel = (e) => map.getLayer('live:vessels') && map.queryRenderedFeatures(e.point, { layers: ['live:vessels'] }).length > 0;
  installPopup(map, collections, groups, () => lang, (e) => tools?.active() || onVessel(e));
  const results = document.getElementById('results');
  const extras = document.getElementById('extras');
  let tools;
  const byId = Object.fromEntries(collections.map((c) => [c.id, c]));
  const askable = collections.filter((c) => c.bando?.geometry !== undefined && c.bando?.kind !== 'vessel');
  let target = byId.street_lights ? 'street_lights' : askable[0]?.id;
  // Registered before any await: the map may load while the figures come.
  const mapLoaded = new Promise((resolve) => map.once('load', resolve));
  const [indicators, alerts0, wallState0] = await Promise.all([loadIndicators(), loadAlerts(), api('api/wall').catch(() => null)]);
  let alerts = alerts0;
  let wallState = wallState0;

  async function ask(clause, label) {
    const q = { layer: target, where: [clause] };
    try {
      const fields = (byId[target]?.bando?.fields ?? []).filter((f) => f.type === 'string').map((f) => f.name);
      const gf = fields.find((f) => f !== 'name' && f !== 'code') ?? null;
      const [features, groupsAns] = await Promise.all([
        api('api/query', { method: 'POST', body: JSON.stringify({ ...q, limit: 200 }), headers: { 'Content-Type': 'application/json' } }),
        gf ? api('api/query', { method: 'POST', body: JSON.stringify({ ...q, group_by: [`field:${gf}`], aggregate: [{ op: 'count' }] }), headers: { 'Content-Type': 'application/json' } }) : null,
      ]);
      renderResults(results, { features, groups: groupsAns, title: `${title(byId[target], lang)} — ${label}`, lang });
    } catch (err) {
      results.replaceChildren(el('p', { className: 'error', textContent: err.message }));
      results.classList.add('open');
    }
  }

  const points = collections.filter((c) => c.bando?.geometry === 'Point' && c.bando?.kind !== 'vessel');
  const agg = { layer: points.find((c) => c.id === 'street_lights')?.id ?? points[0]?.id ?? '', kind: '', res: 'auto' };
  let aggregates = null;
  const showAgg = () => aggregates?.set(agg.layer, agg.kind, agg.res).catch((err) => {
    const o = document.getElementById('agg-info');
    if (o) o.textContent = err.message;
  });
  const aggInfo = (d) => {
    const o = document.getElementById('agg-info');
    if (o) o.textContent = !d ? '' : d.error ? d.error : `H3 ${t(lang, 'resolution').toLowerCase()} ${d.res ?? '–'}${d.minCount > 1 ? ` · ${t(lang, 'suppressed')} ${d.minCount}` : ''}`;
  };

  mapLoaded.then(() => {
    aggregates = new Aggregates(map, aggInfo);
    tools = new Tools(map, {
      onWhere: ask,
      onMeasure: (m) => { document.getElementById('measure').textContent = m.area_m2 !== undefined ? `${fmtNum(m.area_m2 / 1e6, lang, 3)} km² · ${fmtNum(m.perimeter_m / 1000, lang, 2)} km` : `${fmtNum(m.length_m / 1000, lang, 3)} km`; },
    });
    window.__tools = tools;
    const refresher = new TileRefresher(map);
    const vessels = byId.vessels ? new Vessels(map, 'vessels') : null;
    vessels?.load();
    if (vessels) {
      const replay = new TrackReplay(map, () => lang);
      window.__replay = replay;
      map.on('click', 'live:vessels', (e) => { if (!tools?.active() && e.features?.[0]) replay.open(e.features[0].properties); });
      map.on('mouseenter', 'live:vessels', () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', 'live:vessels', () => { map.getCanvas().style.cursor = ''; });
    }
    new Stream(['positions', 'alerts', 'tiles', 'wall'], (topic, d) => {
      if (topic === 'wall') { wallState = d; renderWall(); }
      else if (topic === 'positions' && vessels && d.layer === 'vessels') vessels.fix(d);
      else if (topic === 'tiles' && d.layer) refresher.refresh(d.layer);
      else if (topic === 'alerts') { alerts = [d, ...alerts.filter((a) => a.id !== d.id)].slice(0, 200); renderAlerts(); }
    });
    document.documentElement.dataset.state = 'ready';
  });

  function toolButton(mode, key) {
    return el('button', { type: 'button', className: 'tool', dataset: { tool: mode }, textContent: t(lang, key), onclick: (e) => {
      const on = tools?.set(mode);
      for (const b of extras.querySelectorAll('.tool')) b.setAttribute('aria-pressed', String(b === e.target && Boolean(on)));
    } });
  }

  function renderAlerts() {
    const list = document.getElementById('alerts');
    if (!list) return;
    list.replaceChildren(...(alerts.length ? alerts.slice(0, 50).map((a) => el('li', { className: `alert ${a.level}`, dataset: { id: a.id } },
      el('button', { type: 'button', className: 'fly', textContent: `${a.kind} · ${a.subject ?? a.objects?.join(', ')}`, onclick: () => {
        const p = alertPlace(a);
        if (p) map.flyTo({ center: p, zoom: 12 });
        tools?.draw((a.evidence ?? []).filter((e) => e.lon != null).map((e) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [e.lon, e.lat] } })));
      } }),
      el('small', { textContent: `${fmtDate(a.opened_at, lang)} · ${a.state === 'open' ? '' : t(lang, 'acked')}` }),
      a.state === 'open' && auth.token ? el('button', { type: 'button', className: 'ack', textContent: t(lang, 'ack'), onclick: async () => {
        const note = prompt(t(lang, 'ackNote')) ?? '';
        try { Object.assign(a, await api(`api/alerts/${encodeURIComponent(a.id)}/ack`, { method: 'POST', body: JSON.stringify({ note }), headers: { 'Content-Type': 'application/json' } })); } catch (err) { alert(err.message); }
        renderAlerts();
      } }) : null)) : [el('li', { className: 'note', textContent: t(lang, 'noAlerts') })]));
  }

  // The wall control: pin one of the wall's scenes or let them rotate
  // (PUT /api/wall, a write token); every wall follows on the stream.
  function renderWall() {
    const box = document.getElementById('wall-control');
    if (!box || !wallState?.scenes?.length) return;
    const current = wallState.rotate ? '' : wallState.scene;
    const sel = el('select', { id: 'wall-scene', disabled: !auth.token, title: auth.token ? '' : t(lang, 'loginHint'), onchange: async (e) => {
      const v = e.target.value;
      try {
        wallState = await api('api/wall', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(v ? { scene: v, rotate: false } : { rotate: true }) });
      } catch (err) { alert(err.message); }
      renderWall();
    } },
    el('option', { value: '', textContent: t(lang, 'wallRotate'), selected: !current }),
    wallState.scenes.map((sc) => el('option', { value: sc.id, textContent: sc.title?.[lang] ?? sc.title?.vi ?? sc.id, selected: sc.id === current })));
    box.replaceChildren(el('h2', { textContent: t(lang, 'wallScene') }), sel);
  }

  function renderExtras() {
    const search = el('input', { type: 'search', id: 'search', placeholder: t(lang, 'search') });
    const hits = el('ul', { className: 'hits' });
    search.addEventListener('input', () => find(search.value, hits));
    const sel = el('select', { id: 'target', onchange: (e) => { target = e.target.value; } },
      askable.map((c) => el('option', { value: c.id, textContent: title(c, lang), selected: c.id === target })));
    const indSel = el('select', { id: 'indicator', onchange: (e) => showChoropleth(map, e.target.value).catch((err) => console.warn(err.message)) },
      el('option', { value: '', textContent: t(lang, 'indicatorNone') }),
      indicators.map((i) => el('option', { value: i.id, textContent: i.title?.[lang] ?? i.id })));
    const tok = el('input', { type: 'password', placeholder: t(lang, 'loginHint'), value: auth.token, onchange: (e) => { setToken(e.target.value.trim()); location.reload(); } });
    extras.replaceChildren(
      el('section', {}, search, hits),
      el('section', {}, el('h2', { textContent: t(lang, 'tools') }),
        el('label', { className: 'row' }, t(lang, 'target'), sel),
        el('div', { className: 'tools' }, toolButton('point', 'toolPoint'), toolButton('zone', 'toolZone'), toolButton('radius', 'toolRadius'), toolButton('commune', 'toolCommune'), toolButton('measure-line', 'toolLine'), toolButton('measure-area', 'toolArea'),
          el('button', { type: 'button', className: 'tool', textContent: t(lang, 'toolTilt'), onclick: () => map.easeTo({ pitch: map.getPitch() > 10 ? 0 : 55, bearing: map.getPitch() > 10 ? 0 : -20 }) })),
        el('output', { id: 'measure' })),
      el('section', {}, el('h2', { textContent: t(lang, 'indicators') }), indSel),
      points.length ? el('section', { className: 'agg' }, el('h2', { textContent: t(lang, 'aggregate') }),
        el('select', { id: 'agg-layer', onchange: (e) => { agg.layer = e.target.value; showAgg(); } },
          points.map((c) => el('option', { value: c.id, textContent: title(c, lang), selected: c.id === agg.layer }))),
        el('div', { className: 'agg-row' },
          el('select', { id: 'agg-kind', onchange: (e) => { agg.kind = e.target.value; showAgg(); } },
            [['', 'aggNone'], ['h3', 'aggHex'], ['heat', 'aggHeat']].map(([v, k]) => el('option', { value: v, textContent: t(lang, k), selected: v === agg.kind }))),
          el('label', {}, t(lang, 'resolution'), el('select', { id: 'agg-res', onchange: (e) => { agg.res = e.target.value === 'auto' ? 'auto' : Number(e.target.value); showAgg(); } },
            RESOLUTIONS.map((r) => el('option', { value: r, textContent: r === 'auto' ? t(lang, 'auto') : String(r), selected: r === agg.res }))))),
        el('output', { id: 'agg-info' })) : null,
      el('section', {}, el('h2', { textContent: t(lang, 'alerts') }), el('ul', { id: 'alerts' })),
      el('section', { id: 'wall-control' }),
      el('section', {}, el('h2', { textContent: t(lang, 'login') }), tok));
    renderAlerts();
    renderWall();
    aggInfo(aggregates?.describe());
  }

  const names = [];
  async function loadNames() {
    for (const id of ['communes', 'ports', 'schools', 'clinics', 'basemap_provinces']) {
      if (!byId[id]) continue;
      try {
        const g = await api('api/query', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ layer: id, group_by: ['field:name'], aggregate: [{ op: 'count' }] }) });
        for (const x of g.groups ?? []) if (x.key?.name) names.push({ layer: id, name: x.key.name, key: fold(x.key.name) });
      } catch { /* a layer without names */ }
    }
  }
  const namesReady = loadNames();
  async function find(text, hits) {
    await namesReady;
    const q = fold(text);
    if (q.length < 2) return hits.replaceChildren();
    const found = names.filter((n) => n.key.includes(q)).sort((a, b) => (a.layer === 'communes' ? 0 : 1) - (b.layer === 'communes' ? 0 : 1)).slice(0, 8);
    hits.replaceChildren(...found.map((n) => el('li', {}, el('button', { type: 'button', textContent: n.name, title: title(byId[n.layer], lang), onclick: () => go(n) }))));
  }
  async function go(n) {
    const r = await api('api/query', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ layer: n.layer, filter: { field: 'name', op: '=', value: n.name }, limit: 1 }) });
    const f = r.features?.[0];
    if (!f) return;
    const cs = JSON.stringify(f.geometry.coordinates).match(/-?\d+\.?\d*,-?\d+\.?\d*/g).map((p) => p.split(',').map(Number));
    const xs = cs.map((c) => c[0]);
    const ys = cs.map((c) => c[1]);
    map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 80, maxZoom: 15 });
  }

  renderExtras();
  window.__desk = { ask, map, agg: (layer, kind, res) => aggregates.set(layer, kind, res), aggregates: () => aggregates, SECTORS, resolveStyle, setVisible, setOpacity, groups };
}
