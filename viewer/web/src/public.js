// The public map (/public): no token ever (the server gives an anonymous
// page public layers and fields only), mobile first, attribution and
// licences shown, an "about this data" panel per layer.
import { AttributionControl, NavigationControl } from 'maplibre-gl';
import { el } from './common.js';
import { t } from './i18n.js';
import { makeMap } from './mapview.js';
import { Panel } from './panel.js';
import { installPopup } from './popup.js';
import { title } from './style.js';

export function publicMap(collections, lang, setLang) {
  const panelEl = document.getElementById('panel');
  const panel = new Panel(panelEl, lang, (l) => { lang = l; setLang(l); about(); });
  if (innerWidth < 600) panelEl.classList.add('collapsed');
  const { map, groups } = makeMap('map', collections, { hash: true });
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new AttributionControl({ compact: innerWidth < 600 }), 'bottom-right');
  panel.attach(map, collections, groups);
  installPopup(map, collections, groups, () => lang);
  function about() {
    document.getElementById('extras').replaceChildren(el('section', {}, el('h2', { textContent: t(lang, 'about') }),
      ...collections.map((c) => el('details', { className: 'about', dataset: { id: c.id } },
        el('summary', { textContent: title(c, lang) }),
        el('p', { textContent: c.description ?? '' }),
        el('dl', {},
          el('dt', { textContent: t(lang, 'source') }), el('dd', { textContent: c.bando?.attribution ?? '–' }),
          el('dt', { textContent: t(lang, 'licence') }), el('dd', { textContent: c.bando?.license ?? '–' }),
          el('dt', { textContent: t(lang, 'updateEvery') }), el('dd', { textContent: c.bando?.update_interval ?? '–' }))))));
  }
  about();
  document.querySelector('#panel h1').textContent = t(lang, 'publicTitle');
  map.once('load', () => { document.documentElement.dataset.state = 'ready'; });
}
