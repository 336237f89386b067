import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interiorPoint, labelPoints } from '../src/labels.js';

const square = (x, y, s) => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]];

function inside([px, py], polygon) {
  let n = 0;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j];
      const [x2, y2] = ring[i];
      if ((y1 > py) !== (y2 > py) && px < x1 + ((py - y1) * (x2 - x1)) / (y2 - y1)) n++;
    }
  }
  return n % 2 === 1;
}

test('interior point of a U shape and of a ring with a hole lies inside', () => {
  const u = [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]];
  assert.ok(inside(interiorPoint(u), u));
  const holed = [square(0, 0, 4)[0], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]];
  assert.ok(inside(interiorPoint(holed), holed));
});

test('one label per unit, on its largest piece', () => {
  const props = { name: 'Đặc khu Côn Đảo', code: '26 1' };
  const pieces = [
    { properties: props, geometry: { type: 'MultiPolygon', coordinates: [square(0, 0, 1), square(5, 5, 3)] } },
    { properties: { ...props }, geometry: { type: 'Polygon', coordinates: square(10, 10, 2) } }, // the same unit in another tile
    { properties: { name: 'Xã Cần Giờ', code: '2' }, geometry: { type: 'Polygon', coordinates: square(20, 20, 1) } },
    { properties: { code: '3' }, geometry: { type: 'Polygon', coordinates: square(30, 30, 1) } }, // no name: no label
  ];
  const fc = labelPoints(pieces, 'name');
  assert.equal(fc.features.length, 2);
  const [big, small] = fc.features;
  assert.equal(big.properties.name, 'Đặc khu Côn Đảo');
  assert.deepEqual(big.geometry.coordinates, [6.5, 6.5]);
  assert.ok(big.properties.rank < small.properties.rank, 'larger units are placed first');
  assert.deepEqual(labelPoints([...pieces].reverse(), 'name'), fc, 'order of pieces does not matter');
});
