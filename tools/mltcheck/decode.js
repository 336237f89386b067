// mltcheck decodes MapLibre Tiles with MapLibre's reference decoder
// (@maplibre/mlt, the one MapLibre GL JS uses) and prints them as JSON, so
// that bando's Go tests can compare their MLT tiles with the MVT tiles of
// the same coordinates through an implementation they share no code with.
//
//   npm run build && node dist/decode.mjs a.mlt [b.mlt ...]
//
// prints a JSON array with one element per file, in argument order:
//   {"file": "a.mlt", "layers": {"<name>": {"extent", "features": [
//     {"id", "type", "mltType", "properties", "geometry": [[[x, y], ...], ...]}]}}}
// geometry is in the shape of @mapbox/vector-tile's loadGeometry (polygon
// rings closed, the rings of a multipolygon in one list, one part per
// point), and type the MVT geometry type (1 point, 2 line, 3 polygon), so
// the output compares directly with tools/mvtcheck's. mltType is MLT's own
// type (0 Point … 5 MultiPolygon). 64-bit integers (BigInt) are printed as
// numbers when they are safe integers and as strings otherwise.
import {readFileSync} from 'node:fs';
import {decodeTile} from '@maplibre/mlt';

// MLT geometry types → MVT geometry types.
const mvtType = [1, 2, 3, 1, 2, 3];

function plain(v) {
    if (typeof v !== 'bigint') return v;
    return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
}

function decode(file) {
    const tables = decodeTile(new Uint8Array(readFileSync(file)));
    const layers = {};
    for (const table of tables) {
        if (layers[table.name]) throw new Error(`layer ${table.name} appears twice`);
        const features = table.getFeatures().map(f => {
            const properties = {};
            for (const [k, v] of Object.entries(f.properties)) properties[k] = plain(v);
            return {
                id: plain(f.id),
                type: mvtType[f.geometry.type],
                mltType: f.geometry.type,
                properties,
                geometry: f.geometry.coordinates.map(part => part.map(p => [p.x, p.y])),
            };
        });
        layers[table.name] = {extent: table.extent, features};
    }
    return {file, layers};
}

const files = process.argv.slice(2);
if (files.length === 0) {
    process.stderr.write('usage: node dist/decode.mjs tile.mlt [tile.mlt ...]\n');
    process.exit(2);
}
try {
    process.stdout.write(JSON.stringify(files.map(decode)) + '\n');
} catch (err) {
    process.stderr.write(`mltcheck: ${err.stack || err}\n`);
    process.exit(1);
}
