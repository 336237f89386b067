// size prints the viewer's own JavaScript, bundled and minified without
// MapLibre, gzipped (budget ≤ 150 KB).
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import * as esbuild from 'esbuild';

const web = path.join(import.meta.dirname, '..');
const out = await esbuild.build({
  entryPoints: [path.join(web, 'src', 'main.js')], bundle: true, minify: true, format: 'esm', write: false,
  external: ['maplibre-gl'], loader: { '.css': 'empty' }, outdir: 'out', logLevel: 'error',
});
const js = out.outputFiles.find((f) => f.path.endsWith('.js')).contents;
const kb = gzipSync(js, { level: 9 }).length / 1000;
console.log(`viewer JS without MapLibre: ${(js.length / 1000).toFixed(1)} KB minified, ${kb.toFixed(1)} KB gzipped, budget ≤ 150 KB${kb <= 150 ? '' : '  OVER BUDGET'}`);
