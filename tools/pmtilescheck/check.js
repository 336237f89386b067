#!/usr/bin/env node
// pmtilescheck opens a PMTiles archive with Protomaps' own reader (npm
// pmtiles, the library MapLibre's pmtiles:// protocol uses), checks its
// header and metadata, fetches every tile in the header's zoom range and
// bounds, and decodes each with Mapbox's decoder (@mapbox/vector-tile), so
// bando's Go tests can check `bando export` against implementations they
// share no code with.
//
//   node check.js archive.pmtiles
//
// prints one JSON object: {"header", "metadata", "tiles": [{"z", "x", "y",
// "sha256" (of the decompressed tile), "layers": {"<name>": features}}],
// "errors": [...]}, and exits 1 when errors is not empty.
import {open} from 'node:fs/promises';
import {createHash} from 'node:crypto';
import {PMTiles, TileType, Compression} from 'pmtiles';
import {PbfReader} from 'pbf';
import {VectorTile} from '@mapbox/vector-tile';

// FileHandleSource reads byte ranges of a local file, as a CDN would serve
// them to FetchSource.
class FileHandleSource {
    constructor(path, fh) { this.path = path; this.fh = fh; }
    getKey() { return this.path; }
    async getBytes(offset, length) {
        const buf = Buffer.alloc(length);
        const {bytesRead} = await this.fh.read(buf, 0, length, offset);
        return {data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead)};
    }
}

function lonToX(lon, z) { return Math.floor((lon + 180) / 360 * 2 ** z); }
function latToY(lat, z) {
    const s = Math.sin(lat * Math.PI / 180);
    return Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 2 ** z);
}
const clamp = (v, z) => Math.max(0, Math.min(v, 2 ** z - 1));

function decodeTile(data, names, where, errors) {
    const tile = new VectorTile(new PbfReader(new Uint8Array(data)));
    const layers = {};
    for (const [name, layer] of Object.entries(tile.layers)) {
        if (!names.has(name)) errors.push(`${where}: layer ${name} is not in vector_layers`);
        const ids = new Set();
        for (let i = 0; i < layer.length; i++) {
            const f = layer.feature(i);
            f.loadGeometry();
            if (f.id !== undefined) {
                if (ids.has(f.id)) errors.push(`${where}: layer ${name}: feature id ${f.id} twice`);
                ids.add(f.id);
            }
        }
        layers[name] = layer.length;
    }
    return layers;
}

async function check(path) {
    const errors = [];
    const fh = await open(path);
    try {
        const p = new PMTiles(new FileHandleSource(path, fh));
        const h = await p.getHeader();
        const meta = await p.getMetadata();
        if (h.specVersion !== 3) errors.push(`spec version ${h.specVersion}`);
        if (h.tileType !== TileType.Mvt) errors.push(`tile type ${h.tileType}, want MVT`);
        if (h.tileCompression !== Compression.Gzip) errors.push(`tile compression ${h.tileCompression}, want gzip`);
        if (!h.clustered) errors.push('not clustered');
        if (!Array.isArray(meta.vector_layers) || meta.vector_layers.length === 0) errors.push('metadata has no vector_layers');
        for (const v of meta.vector_layers || []) {
            if (typeof v.id !== 'string' || typeof v.fields !== 'object') errors.push(`vector layer ${JSON.stringify(v)}`);
        }
        if (meta.minzoom !== h.minZoom || meta.maxzoom !== h.maxZoom) errors.push(`metadata zooms ${meta.minzoom}..${meta.maxzoom}, header ${h.minZoom}..${h.maxZoom}`);
        for (const k of ['name', 'attribution']) if (!meta[k]) errors.push(`metadata has no ${k}`);
        const names = new Set((meta.vector_layers || []).map(v => v.id));
        const tiles = [];
        for (let z = h.minZoom; z <= h.maxZoom; z++) {
            const x0 = clamp(lonToX(h.minLon, z), z), x1 = clamp(lonToX(h.maxLon, z), z);
            const y0 = clamp(latToY(h.maxLat, z), z), y1 = clamp(latToY(h.minLat, z), z);
            for (let x = x0; x <= x1; x++) {
                for (let y = y0; y <= y1; y++) {
                    const r = await p.getZxy(z, x, y);
                    if (!r) continue;
                    const where = `${z}/${x}/${y}`;
                    const sha256 = createHash('sha256').update(new Uint8Array(r.data)).digest('hex');
                    tiles.push({z, x, y, sha256, layers: decodeTile(r.data, names, where, errors)});
                }
            }
        }
        if (tiles.length !== h.numAddressedTiles) errors.push(`${tiles.length} tiles found in the header's bounds, header says ${h.numAddressedTiles}`);
        return {header: h, metadata: meta, tiles, errors};
    } finally {
        await fh.close();
    }
}

if (process.argv.length !== 3) {
    process.stderr.write('usage: node check.js archive.pmtiles\n');
    process.exit(2);
}
try {
    const out = await check(process.argv[2]);
    // exitCode, not exit(): a piped stdout is written asynchronously, and
    // exit() would cut a long report short.
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exitCode = out.errors.length ? 1 : 0;
} catch (err) {
    process.stderr.write(`pmtilescheck: ${err.stack || err}\n`);
    process.exitCode = 1;
}
