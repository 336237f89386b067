// The basemap: collections whose style says basemap: true (land, sea,
// provinces, railways, ports). They are drawn below every thematic layer,
// stay on in every wall scene, and come in two variants from one set of
// catalog colours: the light one as the catalog gives it (desk, public
// map), a dark one derived here (the wall).

export const isBasemap = (c) => c?.bando?.style?.basemap === true;

// The open sea is the map's background when there is a basemap (the land
// is a layer); without one the background stays a neutral paper.
export const SEA_LIGHT = '#dbe6ee';

function hsl(hex) {
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [n >> 16, (n >> 8) & 255, n & 255].map((v) => v / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return [0, 0, l];
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h * 60, s, l];
}

function hex(h, s, l) {
  const k = (n) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return `#${[0, 8, 4].map((n) => f(n).toString(16).padStart(2, '0')).join('')}`;
}

const clamp = (v) => Math.min(1, Math.max(0, v));

// dark maps a light-theme colour to the dark theme. In both themes land is
// lighter than water, so fills keep their order, squeezed into the dark end
// (pale land #f4f2ed → a slate near #232836, soft blue sea → a navy just
// above the wall's #0b1220); strokes and dots, darker than the land in the
// light theme, must be lighter than it in the dark one, so their lightness
// is mirrored. Greys take the wall's blue-grey hue.
export function dark(colour, stroke) {
  if (typeof colour !== 'string' || !/^#[0-9a-f]{6}$/i.test(colour)) return colour;
  let [h, s, l] = hsl(colour);
  if (s < 0.35) [h, s] = [220, Math.min(s, 0.2)];
  return hex(h, s, clamp(stroke ? 0.1 + (0.95 - l) * 1.2 : 0.07 + (l - 0.8) * 0.6));
}

// darkStyle returns the dark variant of a basemap collection's resolved
// style: a polygon's fill and outline (an outline drawn in the fill's own
// colour, as the land's, stays so), a line's or a point's colour.
export function darkStyle(s, geometry) {
  const out = { ...s };
  if (geometry === 'Polygon') {
    out.color = dark(s.color, false);
    out.outline = s.outline === s.color ? out.color : dark(s.outline, true);
  } else {
    out.color = dark(s.color, true);
    out.outline = dark(s.outline, false);
  }
  return out;
}

// BASEMAP_SOURCE is the one vector source of all basemap collections:
// bando's combined tiles (/tiles/a,b,…/{z}/{x}/{y}) carry every basemap
// layer in one request per tile instead of one per layer, which the wall
// feels most (software rendering, five layers on every scene).
export const BASEMAP_SOURCE = 'bando:basemap';

// basemapSource returns that source for the basemap collections (bottom to
// top), or null when there are fewer than two to share it.
export function basemapSource(collections, base, bboxOf) {
  if (collections.length < 2) return null;
  const zoom = (c) => c.bando?.zoom ?? {};
  const src = {
    type: 'vector',
    tiles: [`${base}tiles/${collections.map((c) => c.id).join(',')}/{z}/{x}/{y}.mvt`],
    minzoom: Math.min(...collections.map((c) => zoom(c).min ?? 0)),
    maxzoom: Math.max(...collections.map((c) => zoom(c).max ?? 14)),
  };
  const boxes = collections.map(bboxOf);
  if (boxes.every(Boolean)) {
    src.bounds = [0, 1, 2, 3].map((i) => (i < 2 ? Math.min : Math.max)(...boxes.map((b) => b[i])));
  }
  // Each credit once ("A; B" is two), and none that another already holds.
  const all = [...new Set(collections.flatMap((c) => (c.bando?.attribution ?? '').split(/;\s*/)).filter(Boolean))];
  const credits = all.filter((a) => !all.some((b) => b !== a && b.includes(a)));
  if (credits.length) src.attribution = credits.join(' | ');
  return src;
}
