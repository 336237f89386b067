// copy-glyphs copies the Vietnamese glyph ranges of Noto Sans Regular from
// tileserver-gl-styles into dist/fonts and fails the build if any letter of
// the Vietnamese alphabet, in any tone, is missing from them.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FONT, GLYPH_RANGES } from '../src/glyphs.js';

const require = createRequire(import.meta.url);
const fontsDir = path.join(path.dirname(require.resolve('tileserver-gl-styles/package.json')), 'fonts');

// Vietnamese vowels take five tone marks; with đ and the bare vowels this is
// every letter a Vietnamese place name can hold. The combining marks are kept
// too, for text stored decomposed (NFD).
const TONES = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
const VOWELS = 'aăâeêioôơuưy';

export function vietnameseCodePoints() {
  const set = new Set([...'đĐ'].map((c) => c.codePointAt(0)));
  for (const v of VOWELS + VOWELS.toUpperCase()) {
    for (const t of ['', ...TONES]) set.add((v + t).normalize('NFC').codePointAt(0));
  }
  for (const t of TONES) set.add(t.codePointAt(0));
  return [...set].sort((a, b) => a - b);
}

// glyphIDs lists the code points in a glyph PBF (the Mapbox glyphs proto:
// message fontstack = 1 { message glyph = 3 { uint32 id = 1 } }).
export function glyphIDs(buf) {
  const ids = [];
  const walk = (start, end, depth) => {
    let pos = start;
    const varint = () => {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        const b = buf[pos++];
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return v;
      }
    };
    while (pos < end) {
      const key = varint();
      const field = Math.floor(key / 8);
      switch (key & 7) {
        case 0: {
          const v = varint();
          if (depth === 2 && field === 1) ids.push(v);
          break;
        }
        case 2: {
          const len = varint();
          if ((depth === 0 && field === 1) || (depth === 1 && field === 3)) walk(pos, pos + len, depth + 1);
          pos += len;
          break;
        }
        case 5: pos += 4; break;
        case 1: pos += 8; break;
        default: throw new Error(`glyph pbf: wire type ${key & 7}`);
      }
    }
  };
  walk(0, buf.length, 0);
  return ids;
}

export async function copyGlyphs(distDir) {
  const out = path.join(distDir, 'fonts', FONT);
  await mkdir(out, { recursive: true });
  const have = new Set();
  let bytes = 0;
  for (const range of GLYPH_RANGES) {
    const src = path.join(fontsDir, FONT, `${range}.pbf`);
    const buf = await readFile(src);
    glyphIDs(buf).forEach((id) => have.add(id));
    bytes += buf.length;
    await copyFile(src, path.join(out, `${range}.pbf`));
  }
  const missing = vietnameseCodePoints().filter((cp) => !have.has(cp));
  if (missing.length) {
    const list = missing.map((cp) => `U+${cp.toString(16).toUpperCase()} ${String.fromCodePoint(cp)}`);
    throw new Error(`copy-glyphs: ${FONT} lacks Vietnamese glyphs: ${list.join(', ')}`);
  }
  await copyFile(path.join(fontsDir, '..', 'LICENSE.md'), path.join(distDir, 'fonts', 'LICENSE.md'));
  return { font: FONT, ranges: GLYPH_RANGES.length, glyphs: have.size, bytes };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const dist = process.argv[2] ?? path.join(import.meta.dirname, '..', '..', 'dist');
  console.log(await copyGlyphs(dist));
}
