// The video wall (/wall): dark, full screen, no pointer. A KPI strip of
// indicators, an alert ticker, scenes from /api/wall rotating on a timer or
// pinned from the desk (stream topic wall). One map for the page's life;
// the stream reconnects and a notice shows while the server is away.
import { COLOURS, api, el, fmtDate, fmtNum } from './common.js';
import { t } from './i18n.js';
import { kpi, loadIndicators } from './indicators.js';
import { Stream, TileRefresher, Vessels, loadAlerts } from './live.js';
import { makeMap, setVisible } from './mapview.js';

export async function wall(collections, lang) {
  const q = new URLSearchParams(location.search);
  const w = Number(q.get('w')) || innerWidth;
  const h = Number(q.get('h')) || innerHeight;
  const root = document.getElementById('wall');
  // Emulate a wall of w×h device pixels: the page is laid out at w×h CSS
  // px and scaled down to the window; the canvas is exactly w×h.
  Object.assign(root.style, { width: `${w}px`, height: `${h}px`, transform: `scale(${Math.min(innerWidth / w, innerHeight / h)})` });
  document.documentElement.style.fontSize = `${(16 * h) / 1080}px`; // text scales with the wall
  const scale = h / 1080;
  const { map, groups } = makeMap('map', collections, {
    dark: true, labelSize: 1.6 * scale, interactive: false, pixelRatio: 1, maxCanvasSize: [w, h], fadeDuration: 0,
    onError: () => {},
  });
  map.on('webglcontextlost', () => notice(true));
  map.on('webglcontextrestored', () => { notice(false); map.triggerRepaint(); });

  let state = { scenes: [], rotate: true, rotate_seconds: 45, scene: '' };
  let indicators = [];
  let alerts = [];
  let shown = -1;
  let first = true;
  let timer = null;
  const kpis = document.getElementById('kpis');
  const ticker = document.getElementById('ticker');
  const sceneTitle = document.getElementById('scene-title');
  const clock = document.getElementById('clock');
  const notice = (on) => document.getElementById('notice').classList.toggle('on', on);
  document.getElementById('notice').textContent = `${t('vi', 'reconnecting')} / ${t('en', 'reconnecting')}`;

  function show(i) {
    const sc = state.scenes[i];
    if (!sc) return;
    shown = i;
    const on = new Set(sc.layers);
    for (const id of Object.keys(groups)) setVisible(map, groups, id, on.has(id));
    // The first scene is cut to (the wall is idle sooner), later ones flown to.
    const camera = { center: sc.center, zoom: sc.zoom, pitch: sc.pitch, bearing: sc.bearing };
    if (first) map.jumpTo(camera);
    else map.flyTo({ ...camera, duration: 2500, essential: true });
    first = false;
    sceneTitle.textContent = sc.title?.[lang] ?? sc.title?.vi ?? sc.id;
    renderKPIs();
  }

  function schedule() {
    clearInterval(timer);
    if (!state.scenes.length) return;
    const pinned = state.scenes.findIndex((s) => s.id === state.scene);
    if (!state.rotate && pinned >= 0) return show(pinned);
    if (shown < 0) show(0);
    timer = setInterval(() => show((shown + 1) % state.scenes.length), state.rotate_seconds * 1000);
  }
  window.__wall = { next: () => show((shown + 1) % state.scenes.length), state: () => state };

  function renderKPIs() {
    const want = state.scenes[shown]?.indicators;
    const list = want?.length ? indicators.filter((i) => want.includes(i.id)) : indicators;
    kpis.replaceChildren(...list.slice(0, 4).map((i) => {
      const k = kpi(i);
      return el('div', { className: `kpi ${k.colour}`, style: `--c:${COLOURS[k.colour]}` },
        el('span', { className: 'kpi-title', textContent: i.title?.[lang] ?? i.id }),
        el('span', { className: 'kpi-value', textContent: `${fmtNum(k.green, lang)}/${fmtNum(k.rated, lang)}` }),
        el('span', { className: 'kpi-sub', textContent: `${t(lang, 'red')}: ${fmtNum(k.red, lang)} · ${t(lang, 'yellow')}: ${fmtNum(k.yellow, lang)}` }));
    }));
  }

  function renderTicker() {
    const open = alerts.filter((a) => a.state !== 'resolved').slice(0, 12);
    ticker.replaceChildren(...(open.length ? open.map((a) => el('span', { className: `tick ${a.level}` }, `● ${a.kind} · ${a.subject ?? ''} · ${fmtDate(a.opened_at, lang)}`)) : [el('span', { className: 'tick', textContent: t(lang, 'noAlerts') })]));
  }

  setInterval(() => { clock.textContent = fmtDate(new Date(), lang); }, 1000);
  clock.textContent = fmtDate(new Date(), lang);

  async function refresh() {
    try {
      state = await api('api/wall');
      [indicators, alerts] = await Promise.all([loadIndicators(), loadAlerts()]);
      renderTicker();
      schedule();
    } catch (err) {
      console.warn('bando wall:', err.message);
    }
  }

  map.once('load', async () => {
    const refresher = new TileRefresher(map);
    const vessels = groups.vessels ? new Vessels(map, 'vessels', 1.6 * scale) : null;
    vessels?.load();
    await refresh();
    new Stream(['wall', 'alerts', 'tiles', 'positions'], (topic, d) => {
      if (topic === 'wall') { state = d; shown = -1; schedule(); }
      else if (topic === 'alerts') { alerts = [d, ...alerts.filter((a) => a.id !== d.id)].slice(0, 100); renderTicker(); }
      else if (topic === 'tiles' && d.layer) refresher.refresh(d.layer);
      else if (topic === 'positions' && vessels && d.layer === 'vessels') vessels.fix(d);
    }, (s) => {
      notice(s === 'lost');
      if (s === 'open' && document.documentElement.dataset.state === 'ready') refresh();
    });
    document.documentElement.dataset.state = 'ready';
  });
}
