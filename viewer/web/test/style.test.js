import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FONT, GLYPH_RANGES, glyphPath } from '../src/glyphs.js';
import { buildStyle, resolveStyle, startBounds } from '../src/style.js';
import { glyphIDs, vietnameseCodePoints } from '../scripts/copy-glyphs.mjs';
import { readFile } from 'node:fs/promises';

const BASE = 'http://127.0.0.1:8080/';
const bbox = [[106.35, 10.3, 107.6, 11.2]];
const coll = (id, kind, geometry, style = {}, extra = {}) => ({
  id, title: id, extent: { spatial: { bbox } },
  bando: { kind, geometry, title: { vi: `${id} vi`, en: `${id} en` }, attribution: `© ${id}`, zoom: { min: 0, max: 16 }, style, ...extra },
});

const CATALOG = [
  coll('buildings', 'building', 'Polygon', { extrude: 'height', order: 30 }),
  coll('communes', 'admin', 'Polygon', { label: 'name', order: 10, color: '#123456' }),
  coll('roads', 'road', 'LineString', { label: 'name', order: 20 }),
  coll('sensors', 'sensor', 'Point', { hidden: true, order: 40 }),
  coll('mixed', 'infrastructure', 'Geometry'),
];

test('one vector source per collection, tiles on the page origin', () => {
  const { style } = buildStyle(CATALOG, BASE);
  assert.equal(style.version, 8);
  const vector = Object.keys(style.sources).filter((k) => style.sources[k].type === 'vector');
  assert.deepEqual(vector.sort(), ['buildings', 'communes', 'mixed', 'roads', 'sensors']);
  const src = style.sources.communes;
  assert.deepEqual(src.tiles, ['http://127.0.0.1:8080/tiles/communes/{z}/{x}/{y}.mvt']);
  assert.equal(src.attribution, '© communes');
  assert.deepEqual(src.bounds, [106.35, 10.3, 107.6, 11.2]);
  assert.equal(src.maxzoom, 16);
  assert.ok(!('sprite' in style), 'no sprite: nothing to request');
  for (const l of style.layers.slice(1)) {
    if (style.sources[l.source].type === 'vector') assert.equal(l['source-layer'], l.source);
  }
});

test('layers follow style.order, labels on top', () => {
  const { style } = buildStyle(CATALOG, BASE);
  const ids = style.layers.map((l) => l.id);
  assert.deepEqual(ids, [
    'background', 'mixed:fill', 'mixed:outline', 'mixed:line', 'mixed:circle',
    'communes:fill', 'communes:outline', 'roads:line', 'buildings:extrusion', 'sensors:circle',
    'communes:label', 'roads:label',
  ]);
});

test('layer types follow geometry and hints', () => {
  const { style, groups } = buildStyle(CATALOG, BASE);
  const layer = (id) => style.layers.find((l) => l.id === id);
  assert.equal(layer('communes:fill').paint['fill-color'], '#123456');
  assert.deepEqual(layer('communes:label').layout['text-font'], [FONT]);
  assert.equal(layer('roads:label').layout['symbol-placement'], 'line');
  assert.equal(layer('buildings:extrusion').paint['fill-extrusion-height'][2][1][1], 'height');
  assert.equal(layer('sensors:circle').layout.visibility, 'none');
  assert.equal(groups.sensors.visible, false);
  assert.ok(layer('mixed:fill').filter, 'mixed geometry layers filter by type');
  assert.ok(!('filter' in layer('communes:fill')));
  assert.deepEqual(groups.communes, { layers: ['communes:fill', 'communes:outline', 'communes:label'], interactive: ['communes:fill', 'communes:outline'], visible: true });
});

test('absent style keys get defaults', () => {
  const s = resolveStyle({ id: 'x', bando: { kind: 'poi', geometry: 'Point' } });
  assert.match(s.color, /^#[0-9a-f]{6}$/);
  assert.equal(s.outline, s.color);
  assert.equal(s.order, 0);
  assert.ok(s.radius > 0);
  assert.ok(resolveStyle({ id: 'y' }).color, 'no bando block at all');
});

test('start view fits the admin collections, else none', () => {
  assert.deepEqual(startBounds(CATALOG), [[106.35, 10.3], [107.6, 11.2]]);
  assert.equal(startBounds([coll('roads', 'road', 'LineString')]), null);
  const broken = coll('p', 'admin', 'Polygon');
  broken.extent.spatial.bbox = [[1, 1, 1, 1]];
  assert.equal(startBounds([broken]), null);
});

test('only shipped glyph ranges map to a server path', () => {
  assert.equal(glyphPath(FONT, '7680-7935'), 'fonts/Noto%20Sans%20Regular/7680-7935.pbf');
  assert.equal(glyphPath(FONT, '19968-20223'), null);
  assert.equal(glyphPath('Noto Sans Bold', '0-255'), null);
});

test('shipped glyphs cover every Vietnamese letter and tone', async () => {
  const have = new Set();
  for (const r of GLYPH_RANGES) {
    const buf = await readFile(new URL(`../../dist/fonts/${FONT}/${r}.pbf`, import.meta.url));
    glyphIDs(buf).forEach((id) => have.add(id));
  }
  for (const ch of 'Phường Sài Gòn Xã Cần Giờ ạầếệộởữỹĐ'.normalize('NFC')) {
    if (ch !== ' ') assert.ok(have.has(ch.codePointAt(0)), `missing ${ch}`);
  }
  assert.equal(vietnameseCodePoints().filter((cp) => !have.has(cp)).length, 0);
});

test('admin units are labelled from a point source fed by labels.js', () => {
  const { style, unitLabelSources } = buildStyle(CATALOG, BASE);
  const label = style.layers.find((l) => l.id === 'communes:label');
  assert.equal(label.source, 'communes:labels');
  assert.ok(!('source-layer' in label));
  assert.equal(style.sources['communes:labels'].type, 'geojson');
  assert.deepEqual(unitLabelSources, [{ source: 'communes', sourceLayer: 'communes', target: 'communes:labels', field: 'name' }]);
  assert.equal(style.layers.find((l) => l.id === 'roads:label').source, 'roads', 'lines keep tile labels');
});
