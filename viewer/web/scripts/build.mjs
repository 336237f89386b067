// build writes the viewer into ../dist: index.html, one minified JS bundle with
// its CSS, the MapLibre worker, and the glyphs. dist is committed so that
// `go build` needs no npm; rerun this after changing anything in web/.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { copyGlyphs } from './copy-glyphs.mjs';

const require = createRequire(import.meta.url);
const web = path.join(import.meta.dirname, '..');
const dist = path.join(web, '..', 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await esbuild.build({
  entryPoints: [path.join(web, 'src', 'main.js')],
  outfile: path.join(dist, 'main.js'), // main.css is written beside it
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  legalComments: 'eof',
  logLevel: 'warning',
});

// The worker is already minified; it is served as .js so that every server
// maps it to a JavaScript content type (module workers insist on one). Its
// source-map comment goes, so devtools do not ask for a file we do not ship.
const worker = await readFile(require.resolve('maplibre-gl/dist/maplibre-gl-worker.mjs'), 'utf8');
await writeFile(path.join(dist, 'maplibre-gl-worker.js'), worker.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'));

// index.html is never cached by bando, the rest is: a content hash in the
// script and style URLs makes a new build reach browsers at once.
const hash = async (f) => createHash('sha256').update(await readFile(path.join(dist, f))).digest('hex').slice(0, 10);
let html = await readFile(path.join(web, 'index.html'), 'utf8');
for (const f of ['main.js', 'main.css']) html = html.replace(`"${f}"`, `"${f}?v=${await hash(f)}"`);
await writeFile(path.join(dist, 'index.html'), html);
const glyphs = await copyGlyphs(dist);

let total = 0;
for (const f of await readdir(dist, { recursive: true })) {
  const s = await stat(path.join(dist, f));
  if (s.isFile()) total += s.size;
}
console.log(`dist: ${(total / 1024).toFixed(0)} KiB; glyphs: ${glyphs.ranges} ranges, ${glyphs.glyphs} glyphs, ${(glyphs.bytes / 1024).toFixed(0)} KiB`);
