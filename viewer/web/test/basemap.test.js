import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASEMAP_SOURCE, SEA_LIGHT, dark, darkStyle, isBasemap } from '../src/basemap.js';
import { BACKGROUND, BACKGROUND_DARK, buildStyle, sortCollections, startBounds } from '../src/style.js';

const BASE = 'http://127.0.0.1:8080/';
const coll = (id, kind, geometry, style = {}, bbox = [106.35, 10.3, 107.6, 11.2]) => ({
  id, title: id, extent: { spatial: { bbox: [bbox] } },
  bando: { kind, geometry, title: { vi: id, en: id }, attribution: `© ${id}`, zoom: { min: 0, max: 12 }, style },
});
const VN = [102.1, 8.2, 117.8, 23.4];
const CATALOG = [
  coll('communes', 'admin', 'Polygon', { label: 'name', order: 10 }),
  coll('sea', 'maritime', 'Polygon', { order: 1, color: '#a8d4f2' }),
  coll('bm_land', 'maritime', 'Polygon', { basemap: true, order: 2, color: '#f4f2ed', outline: '#f4f2ed', opacity: 1 }, VN),
  coll('bm_sea', 'maritime', 'Polygon', { basemap: true, order: 1, color: '#c6dcea', outline: '#a9c7dc', opacity: 1 }, VN),
  coll('bm_provinces', 'admin', 'Polygon', { basemap: true, order: 3, color: '#f4f2ed', outline: '#bdb7c7', opacity: 0.01, label: 'name' }, VN),
  coll('bm_rail', 'infrastructure', 'LineString', { basemap: true, order: 4, color: '#a6a2ad' }, VN),
  coll('bm_ports', 'infrastructure', 'Point', { basemap: true, order: 5, color: '#86a3b8' }, VN),
];

const lightness = (hex) => {
  const n = parseInt(hex.slice(1), 16);
  const c = [n >> 16, (n >> 8) & 255, n & 255];
  return (Math.max(...c) + Math.min(...c)) / 510;
};

test('the basemap is drawn below every thematic layer, whatever its order', () => {
  assert.deepEqual(sortCollections(CATALOG).map((c) => c.id), ['bm_sea', 'bm_land', 'bm_provinces', 'bm_rail', 'bm_ports', 'sea', 'communes']);
  const { style } = buildStyle(CATALOG, BASE);
  const ids = style.layers.map((l) => l.id);
  const lastBasemap = Math.max(...ids.map((id, i) => (id.startsWith('bm_') && !id.endsWith(':label') ? i : -1)));
  assert.ok(lastBasemap < ids.indexOf('sea:fill'), ids.join(' '));
  // Names stay above the fills, the basemap's below the thematic ones.
  assert.ok(ids.indexOf('bm_provinces:label') < ids.indexOf('communes:label'));
  assert.ok(ids.indexOf('bm_provinces:label') > ids.indexOf('communes:fill'));
});

test('with a basemap the background is the open sea', () => {
  const bg = (cat, opts) => buildStyle(cat, BASE, opts).style.layers[0].paint['background-color'];
  assert.equal(bg(CATALOG), SEA_LIGHT);
  assert.equal(bg(CATALOG.filter((c) => !isBasemap(c))), BACKGROUND);
  assert.equal(bg(CATALOG, { dark: true }), BACKGROUND_DARK);
});

test('the basemap stays on under a wall scene, and only its points answer clicks', () => {
  const { style, groups } = buildStyle(CATALOG, BASE, { visible: new Set(['communes']) });
  assert.equal(groups.sea.visible, false);
  for (const id of ['bm_land', 'bm_sea', 'bm_provinces', 'bm_rail', 'bm_ports']) {
    assert.equal(groups[id].visible, true, id);
    assert.equal(groups[id].basemap, true, id);
  }
  assert.equal(style.layers.find((l) => l.id === 'bm_land:fill').layout.visibility, 'visible');
  assert.deepEqual(groups.bm_land.interactive, []);
  assert.deepEqual(groups.bm_rail.interactive, []);
  assert.deepEqual(groups.bm_provinces.interactive, []);
  // Too faint a fill is not drawn at all: the provinces are outlines and names.
  assert.deepEqual(groups.bm_provinces.layers, ['bm_provinces:outline', 'bm_provinces:label']);
  assert.deepEqual(groups.bm_ports.interactive, ['bm_ports:circle']);
  assert.ok(!('basemap' in groups.communes));
  // A basemap layer the catalog hides starts off, in a scene too.
  const hidden = CATALOG.map((c) => (c.id === 'bm_rail' ? { ...c, bando: { ...c.bando, style: { ...c.bando.style, hidden: true } } } : c));
  const g2 = buildStyle(hidden, BASE, { visible: new Set(['communes']) }).groups;
  assert.equal(g2.bm_rail.visible, false);
  assert.ok(!('basemap' in g2.bm_rail));
});

test('the start view ignores the basemap provinces', () => {
  assert.deepEqual(startBounds(CATALOG), [[106.35, 10.3], [107.6, 11.2]]);
});

test('the dark basemap keeps land above sea and puts strokes above land', () => {
  const paint = (opts, id, prop) => buildStyle(CATALOG, BASE, opts).style.layers.find((l) => l.id === id).paint[prop];
  const land = paint({ dark: true }, 'bm_land:fill', 'fill-color');
  const sea = paint({ dark: true }, 'bm_sea:fill', 'fill-color');
  const border = paint({ dark: true }, 'bm_provinces:outline', 'line-color');
  const rail = paint({ dark: true }, 'bm_rail:line', 'line-color');
  assert.equal(paint({}, 'bm_land:fill', 'fill-color'), '#f4f2ed', 'the light variant is the catalog\'s');
  assert.ok(lightness(land) < 0.25, `dark land ${land}`);
  assert.ok(lightness(sea) < lightness(land), `sea ${sea} under land ${land}`);
  assert.ok(lightness(sea) > lightness(BACKGROUND_DARK) - 0.01, `territorial sea ${sea} not darker than the open sea`);
  assert.ok(lightness(border) > lightness(land) + 0.1, `border ${border} on land ${land}`);
  assert.ok(lightness(rail) > lightness(land) + 0.1, `railway ${rail} on land ${land}`);
  assert.equal(paint({ dark: true }, 'bm_land:outline', 'line-color'), land, 'the land has no visible outline of its own');
  // Thematic layers are not recoloured.
  assert.equal(paint({ dark: true }, 'sea:fill', 'fill-color'), '#a8d4f2');
});

test('dark() maps only hex colours, deterministically', () => {
  assert.equal(dark('rgba(0,0,0,0.5)', true), 'rgba(0,0,0,0.5)');
  assert.match(dark('#f4f2ed', false), /^#[0-9a-f]{6}$/);
  assert.equal(dark('#F4F2ED', false), dark('#f4f2ed', false));
  const s = darkStyle({ color: '#86a3b8', outline: '#ffffff' }, 'Point');
  assert.ok(lightness(s.color) > 0.3 && lightness(s.color) < 0.7, s.color);
});

test('the basemap shares one source: one combined tile request for all its layers', () => {
  const { style, unitLabelSources } = buildStyle(CATALOG, BASE);
  const vector = Object.keys(style.sources).filter((k) => style.sources[k].type === 'vector').sort();
  assert.deepEqual(vector, [BASEMAP_SOURCE, 'communes', 'sea'].sort());
  const src = style.sources[BASEMAP_SOURCE];
  assert.deepEqual(src.tiles, [`${BASE}tiles/bm_sea,bm_land,bm_provinces,bm_rail,bm_ports/{z}/{x}/{y}.mvt`]);
  assert.equal(src.minzoom, 0);
  assert.equal(src.maxzoom, 12);
  assert.deepEqual(src.bounds, [102.1, 8.2, 117.8, 23.4]);
  assert.equal(src.attribution.split(' | ').length, 5);
  const credits = buildStyle([
    coll('a', 'maritime', 'Polygon', { basemap: true }),
    coll('b', 'maritime', 'Polygon', { basemap: true }),
    coll('c', 'admin', 'Polygon', { basemap: true }),
  ].map((c, i) => ({ ...c, bando: { ...c.bando, attribution: ['OSM, ODbL (geo-maps); MIT', 'NE; MIT', 'OSM, ODbL'][i] } })), BASE).style.sources[BASEMAP_SOURCE].attribution;
  assert.equal(credits, 'OSM, ODbL (geo-maps) | MIT | NE');
  for (const l of style.layers.filter((x) => x.metadata?.['bando:collection']?.startsWith('bm_') && x.type !== 'symbol')) {
    assert.equal(l.source, BASEMAP_SOURCE, l.id);
    assert.equal(l['source-layer'], l.metadata['bando:collection'], l.id);
  }
  assert.equal(style.layers.find((l) => l.id === 'bm_rail:line').minzoom, 0);
  assert.deepEqual(unitLabelSources.find((u) => u.sourceLayer === 'bm_provinces'), { source: BASEMAP_SOURCE, sourceLayer: 'bm_provinces', target: 'bm_provinces:labels', field: 'name' });
  // A credit another already holds is not repeated.
  const two = [coll('a', 'maritime', 'Polygon', { basemap: true }), coll('b', 'admin', 'Polygon', { basemap: true })];
  two[0].bando.attribution = 'X; Y';
  two[1].bando.attribution = 'Y';
  assert.equal(buildStyle(two, BASE).style.sources[BASEMAP_SOURCE].attribution, 'X | Y');
  // A lone basemap layer keeps its own source.
  assert.ok(buildStyle([CATALOG[2]], BASE).style.sources.bm_land);
});
