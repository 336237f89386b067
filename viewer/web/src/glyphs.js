// Glyphs shipped in dist/fonts: one font, and only the Unicode ranges that
// Vietnamese text needs. scripts/copy-glyphs.mjs copies exactly this list, and
// the page answers any other range with an empty glyph set instead of asking
// the server, so a label with an unexpected character never causes a 404.

export const FONT = 'Noto Sans Regular';

export const GLYPH_RANGES = [
  '0-255', // Basic Latin, Latin-1 (à á â ã è é ê ì í ò ó ô õ ù ú ý)
  '256-511', // Latin Extended-A/B (ă đ ĩ ũ ơ ư)
  '512-767', // Latin Extended-B, IPA
  '768-1023', // combining diacritics (decomposed text)
  '7680-7935', // Latin Extended Additional (ạ ả ấ ầ ẩ ẫ ậ ế ệ ộ ở ữ ỳ ỹ)
  '8192-8447', // general punctuation (– — ‘ ’ “ ” …)
];

// The glyphs URL in the style uses this scheme; installGlyphProtocol maps it
// to /fonts/{fontstack}/{range}.pbf for shipped ranges.
export const GLYPH_SCHEME = 'bando-glyphs';
export const GLYPHS_URL = `${GLYPH_SCHEME}://{fontstack}/{range}`;

const shipped = new Set(GLYPH_RANGES);

// glyphPath returns the server path of a glyph range relative to the page, or
// null if that range is not shipped.
export function glyphPath(fontstack, range) {
  if (fontstack !== FONT || !shipped.has(range)) return null;
  return `fonts/${encodeURIComponent(fontstack)}/${range}.pbf`;
}

// installGlyphProtocol registers the glyph scheme with maplibre's addProtocol.
// base is the absolute URL of the directory that holds fonts/.
export function installGlyphProtocol(addProtocol, base) {
  addProtocol(GLYPH_SCHEME, async (params, abort) => {
    const m = /^[a-z-]+:\/\/(.+)\/(\d+-\d+)$/.exec(params.url);
    const path = m && glyphPath(decodeURIComponent(m[1]), m[2]);
    // An empty PBF is a valid, empty glyph set: the characters are skipped.
    if (!path) return { data: new ArrayBuffer(0) };
    const res = await fetch(new URL(path, base), { signal: abort.signal });
    if (!res.ok) throw new Error(`glyphs ${path}: HTTP ${res.status}`);
    return { data: await res.arrayBuffer() };
  });
}
