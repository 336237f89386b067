// The video wall (/wall): dark, full screen, no pointer. A KPI rail of
// indicators, an alert ticker, scenes from /api/wall rotating on a timer or
// pinned from the desk (stream topic wall). One map for the page's life,
// made at the first scene's camera with only its layers on; the stream
// reconnects and a notice shows while the server is away.
import { COLOURS, api, el, fmtDate, fmtNum } from './common.js';
import { t } from './i18n.js';
import { kpi, loadIndicators } from './indicators.js';
import { Stream, TileRefresher, Vessels, loadAlerts } from './live.js';
import { makeMap, setVisible } from './mapview.js';

const DEFAULT_STATE = { scenes: [], rotate: true, rotate_seconds: 45, scene: '' };
const MAX_KPIS = 4;
const MAX_TICKS = 12;

// sceneIndex is the scene to show for state: the pinned one when rotation
// is off, else the current one (or the first).
function sceneIndex(state, current) {
  const pinned = state.scenes.findIndex((s) => s.id === state.scene);
  if (!state.rotate && pinned >= 0) return pinned;
  return current >= 0 && current < state.scenes.length ? current : Math.max(0, pinned);
}

const camera = (sc) => ({ center: sc.center, zoom: sc.zoom, pitch: sc.pitch ?? 0, bearing: sc.bearing ?? 0 });

export async function wall(collections, lang, initial) {
  const q = new URLSearchParams(location.search);
  const w = Number(q.get('w')) || innerWidth;
  const h = Number(q.get('h')) || innerHeight;
  const root = document.getElementById('wall');
  // Emulate a wall of w×h device pixels: the page is laid out at w×h CSS
  // px and scaled down to the window; the canvas is exactly w×h.
  Object.assign(root.style, { width: `${w}px`, height: `${h}px`, transform: `scale(${Math.min(innerWidth / w, innerHeight / h)})` });
  const rem = (16 * h) / 1080; // text scales with the wall
  document.documentElement.style.fontSize = `${rem}px`;
  const scale = h / 1080;

  let state = { ...DEFAULT_STATE, ...(initial ?? {}) };
  let shown = state.scenes.length ? sceneIndex(state, -1) : -1;
  const first = state.scenes[shown];
  // The KPI rail on the right, the title bar and the ticker: the scene's
  // camera centres on the map left free between them (see viewer.css).
  const padding = { top: 6 * rem, bottom: 4.5 * rem, left: 0, right: 36 * rem };
  const { map, groups } = makeMap('map', collections, {
    dark: true, labelSize: 1.6 * scale, interactive: false, pixelRatio: 1, maxCanvasSize: [w, h], fadeDuration: 0,
    ...(first ? { view: camera(first), visible: new Set(first.layers) } : {}),
    viewPadding: padding, maxTileCacheSize: 200, noBackground: true, onError: () => {},
  });
  const notice = (on) => document.getElementById('notice').classList.toggle('on', on);
  map.on('webglcontextlost', () => notice(true));
  map.on('webglcontextrestored', () => { notice(false); map.triggerRepaint(); });

  let indicators = [];
  let alerts = [];
  let timer = null;
  const kpis = document.getElementById('kpis');
  const ticker = document.getElementById('ticker');
  const sceneTitle = document.getElementById('scene-title');
  const clock = document.getElementById('clock');
  document.getElementById('notice').textContent = `${t('vi', 'reconnecting')} · reconnecting`;

  // show switches to scene i: its layers, its camera (flown to), its title
  // and indicators. The map, its sources and layers stay; only visibility
  // changes, so a day of rotation adds nothing to the page.
  function show(i, fly = true) {
    const sc = state.scenes[i];
    if (!sc) return;
    shown = i;
    // The basemap stays on under every scene.
    const on = new Set([...sc.layers, ...Object.keys(groups).filter((id) => groups[id].basemap)]);
    for (const id of Object.keys(groups)) if (groups[id].visible !== on.has(id)) setVisible(map, groups, id, on.has(id));
    if (fly) map.flyTo({ ...camera(sc), duration: 2500, essential: true });
    sceneTitle.textContent = sc.title?.[lang] ?? sc.title?.vi ?? sc.id;
    root.dataset.scene = sc.id;
    renderKPIs();
  }

  function schedule() {
    clearInterval(timer);
    if (!state.scenes.length) return;
    const i = sceneIndex(state, shown);
    if (i !== shown || root.dataset.scene !== state.scenes[i].id) show(i);
    if (state.rotate) timer = setInterval(() => show((shown + 1) % state.scenes.length), state.rotate_seconds * 1000);
  }
  // next steps to the next scene and restarts the timer (the bench's soak).
  window.__wall = { next: () => { show((shown + 1) % state.scenes.length); schedule(); }, state: () => state, shown: () => state.scenes[shown]?.id };

  function renderKPIs() {
    const want = state.scenes[shown]?.indicators;
    const list = want?.length ? indicators.filter((i) => want.includes(i.id)) : indicators;
    kpis.replaceChildren(...list.slice(0, MAX_KPIS).map((i) => {
      const k = kpi(i);
      return el('div', { className: `kpi ${k.colour}`, style: `--c:${COLOURS[k.colour]}` },
        el('span', { className: 'kpi-title', textContent: i.title?.[lang] ?? i.id }),
        el('span', { className: 'kpi-row' },
          el('span', { className: 'kpi-value', textContent: `${fmtNum(k.green, lang)}/${fmtNum(k.rated, lang)}` }),
          el('span', { className: 'kpi-unit', textContent: t(lang, 'green') }),
          el('span', { className: 'kpi-chips' },
            el('span', { className: 'kpi-chip red', title: t(lang, 'red'), textContent: fmtNum(k.red, lang) }),
            el('span', { className: 'kpi-chip yellow', title: t(lang, 'yellow'), textContent: fmtNum(k.yellow, lang) }))));
    }));
  }

  function renderTicker() {
    const open = alerts.filter((a) => a.state !== 'resolved').slice(0, MAX_TICKS);
    ticker.replaceChildren(...(open.length
      ? open.map((a) => el('span', { className: `tick ${a.level}` }, `● ${a.kind} · ${a.subject ?? ''} · ${fmtDate(a.opened_at, lang)}`))
      : [el('span', { className: 'tick', textContent: t(lang, 'noAlerts') })]));
  }

  setInterval(() => { clock.textContent = fmtDate(new Date(), lang); }, 1000);
  clock.textContent = fmtDate(new Date(), lang);
  if (first) {
    sceneTitle.textContent = first.title?.[lang] ?? first.title?.vi ?? first.id;
    root.dataset.scene = first.id;
  }

  // refresh reloads the wall state, indicators and alerts (at start and
  // after the stream comes back: what changed while the server was away).
  // The first figures are asked for at once, while the map loads.
  let early = Promise.all([loadIndicators(), loadAlerts()]);
  async function refresh(withState) {
    try {
      const figures = early ?? Promise.all([loadIndicators(), loadAlerts()]);
      early = null;
      const [st, [ind, al]] = await Promise.all([withState ? api('api/wall') : state, figures]);
      state = { ...DEFAULT_STATE, ...st };
      // A server just back may not have its figures yet: keep the last good ones.
      if (ind.length || !indicators.length) indicators = ind;
      alerts = al;
      renderTicker();
      renderKPIs();
      schedule();
    } catch (err) {
      console.warn('bando wall:', err.message);
    }
  }

  map.once('load', async () => {
    const refresher = new TileRefresher(map);
    const vessels = groups.vessels ? new Vessels(map, 'vessels', 1.6 * scale) : null;
    vessels?.load();
    window.__wall.live = () => ({ vessels: vessels?.objects.size ?? 0, fixes: vessels?.fixes ?? 0 });
    await refresh(!initial);
    let wasLost = false;
    new Stream(['wall', 'alerts', 'tiles', 'positions'], (topic, d) => {
      if (topic === 'wall') { state = { ...DEFAULT_STATE, ...d }; schedule(); }
      else if (topic === 'alerts') { alerts = [d, ...alerts.filter((a) => a.id !== d.id)].slice(0, 100); renderTicker(); }
      else if (topic === 'tiles' && d.layer) refresher.refresh(d.layer);
      else if (topic === 'positions' && vessels && d.layer === 'vessels') vessels.fix(d);
    }, (s) => {
      notice(s === 'lost');
      root.dataset.stream = s;
      if (s === 'lost') wasLost = true;
      if (s === 'open' && wasLost) { wasLost = false; refresh(true); vessels?.load(); }
    });
    document.documentElement.dataset.state = 'ready';
  });
}
