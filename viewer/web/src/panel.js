// Panel is the side panel: language switch, layer list and legend. It owns no
// map state beyond layer visibility, which it sets through the map.
import { LANGS, saveLang, t } from './i18n.js';
import { isBasemap } from './basemap.js';
import { SECTORS } from './common.js';
import { legendText, resolveStyle, sortCollections, title } from './style.js';

export const el = (tag, props = {}, ...children) => {
  const { dataset, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  Object.assign(e.dataset, dataset);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
};

export class Panel {
  constructor(root, lang, onLang) {
    this.root = root;
    this.lang = lang;
    this.onLang = onLang;
    this.collections = [];
    this.map = null;
    this.groups = {};
    this.status = 'loading';
    root.querySelector('.lang').addEventListener('click', (e) => {
      const lang = e.target.closest('button')?.dataset.lang;
      if (LANGS.includes(lang) && lang !== this.lang) this.setLang(lang);
    });
    root.querySelector('.collapse').addEventListener('click', () => root.classList.toggle('collapsed'));
    this.render();
  }

  attach(map, collections, groups) {
    this.map = map;
    // Top of the list is drawn on top, as in desktop GIS.
    this.collections = sortCollections(collections).reverse();
    this.groups = groups;
    this.status = collections.length ? 'ready' : 'empty';
    this.render();
  }

  fail() {
    this.status = 'error';
    this.render();
  }

  setLang(lang) {
    this.lang = lang;
    saveLang(lang);
    this.render();
    this.onLang?.(lang);
  }

  setVisible(id, visible) {
    const g = this.groups[id];
    g.visible = visible;
    for (const layer of g.layers) this.map.setLayoutProperty(layer, 'visibility', visible ? 'visible' : 'none');
    this.renderLegend();
  }

  render() {
    const { lang, root } = this;
    document.documentElement.lang = lang;
    document.title = `${t(lang, 'title')} — bando`;
    for (const n of root.querySelectorAll('[data-i18n]')) n.textContent = t(lang, n.dataset.i18n);
    root.querySelector('.lang').setAttribute('aria-label', t(lang, 'language'));
    root.querySelector('.collapse').title = t(lang, 'togglePanel');
    for (const b of root.querySelectorAll('.lang button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    this.renderLayers();
    this.renderLegend();
  }

  renderLayers() {
    const list = this.root.querySelector('.layers');
    if (this.status !== 'ready') {
      const key = { loading: 'loading', error: 'loadError', empty: 'noLayers' }[this.status];
      list.replaceChildren(el('li', { className: `note ${this.status}`, textContent: t(this.lang, key) }));
      return;
    }
    const item = (c) => {
      const box = el('input', { type: 'checkbox', checked: this.groups[c.id].visible });
      box.addEventListener('change', () => this.setVisible(c.id, box.checked));
      const synthetic = c.bando?.synthetic
        ? el('small', { className: 'synthetic', textContent: t(this.lang, 'synthetic'), title: t(this.lang, 'syntheticHint') })
        : null;
      const opacity = el('input', { type: 'range', min: 0, max: 100, value: 100, className: 'opacity', title: t(this.lang, 'opacity') });
      opacity.addEventListener('input', () => this.onOpacity?.(c.id, opacity.value / 100));
      return el('li', { dataset: { id: c.id } }, el('label', {}, box, swatch(c), el('span', { className: 'name', textContent: title(c, this.lang) }), synthetic), this.onOpacity ? opacity : null);
    };
    // Without sectors (the public map) the layers come ungrouped, the
    // basemap still under its own heading.
    const sectorOf = this.sectorOf ?? ((c) => (isBasemap(c) ? 'basemap' : ''));
    const bySector = new Map();
    for (const c of this.collections) {
      const k = sectorOf(c);
      if (!bySector.has(k)) bySector.set(k, []);
      bySector.get(k).push(c);
    }
    list.replaceChildren(...['', ...SECTORS].filter((k) => bySector.has(k)).flatMap((k) => [
      k ? el('li', { className: 'sector', textContent: t(this.lang, k) }) : null, ...bySector.get(k).map(item)].filter(Boolean)));
  }

  renderLegend() {
    const legend = this.root.querySelector('.legend');
    const shown = this.collections.filter((c) => this.groups[c.id]?.visible);
    if (!shown.length) {
      legend.replaceChildren(el('li', { className: 'note', textContent: this.status === 'ready' ? t(this.lang, 'noneShown') : '' }));
      return;
    }
    legend.replaceChildren(...shown.map((c) => el('li', { dataset: { id: c.id } }, swatch(c), el('span', { textContent: legendText(c, this.lang) }))));
  }
}

// swatch draws a layer's symbol: a filled square, a line or a dot.
function swatch(c) {
  const s = resolveStyle(c);
  const geom = c.bando?.geometry;
  const kind = geom === 'LineString' ? 'line' : geom === 'Point' ? 'point' : 'area';
  const e = el('span', { className: `swatch ${kind}` });
  e.style.setProperty('--color', s.color);
  e.style.setProperty('--outline', s.outline);
  // A faint admin fill would vanish in the legend; show at least a tint.
  e.style.setProperty('--opacity', String(kind === 'area' ? Math.max(s.opacity, 0.25) : 1));
  return e;
}
