#!/usr/bin/env node
// mvtcheck decodes vector tiles with Mapbox's reference decoder
// (@mapbox/vector-tile on pbf) and prints them as JSON, so that bando's Go
// tests can compare their tiles with an implementation they share no code
// with.
//
//   node decode.js a.mvt [b.mvt ...]
//
// prints a JSON array with one element per file, in argument order:
//   {"file": "a.mvt", "layers": {"<name>": {"version", "extent", "features": [
//     {"id", "type", "properties", "geometry": [[[x, y], ...], ...], "polygons"}]}}}
// geometry is loadGeometry() in tile coordinates (polygon rings closed, one
// part per point); polygons is the number of polygons classifyRings finds
// (exterior rings by winding), for polygon features.
import {readFileSync} from 'node:fs';
import {PbfReader} from 'pbf';
import {VectorTile, classifyRings} from '@mapbox/vector-tile';

function decode(file) {
    const tile = new VectorTile(new PbfReader(readFileSync(file)));
    const layers = {};
    for (const [name, layer] of Object.entries(tile.layers)) {
        const features = [];
        for (let i = 0; i < layer.length; i++) {
            const f = layer.feature(i);
            const geometry = f.loadGeometry().map(part => part.map(p => [p.x, p.y]));
            const out = {id: f.id, type: f.type, properties: f.properties, geometry};
            if (f.type === 3) out.polygons = classifyRings(f.loadGeometry()).length;
            features.push(out);
        }
        layers[name] = {version: layer.version, extent: layer.extent, features};
    }
    return {file, layers};
}

const files = process.argv.slice(2);
if (files.length === 0) {
    process.stderr.write('usage: node decode.js tile.mvt [tile.mvt ...]\n');
    process.exit(2);
}
try {
    process.stdout.write(JSON.stringify(files.map(decode)) + '\n');
} catch (err) {
    process.stderr.write(`mvtcheck: ${err.stack || err}\n`);
    process.exit(1);
}
