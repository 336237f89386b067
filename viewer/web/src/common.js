// Shared by the three modes: the page's base URL, the token (desk and wall
// only; the public page never sends one), API calls, Vietnamese formats and
// the catalog's sectors.
import { isBasemap } from './basemap.js';

export const base = new URL('.', document.baseURI).href;

// mode is the screen this page is: the desk at /, the wall, the public map.
export function pageMode(pathname = location.pathname) {
  const last = pathname.replace(/\/+$/, '').split('/').pop();
  return last === 'wall' || last === 'public' ? last : 'desk';
}

const TOKEN_KEY = 'bando.token';

// token reads ?token= once (then drops it from the address bar) and
// remembers it; the public page has none.
export function initToken(mode) {
  if (mode === 'public') return '';
  const q = new URLSearchParams(location.search);
  let tok = q.get('token') || '';
  try {
    if (tok) localStorage.setItem(TOKEN_KEY, tok);
    else tok = localStorage.getItem(TOKEN_KEY) || '';
  } catch { /* no storage: the token lasts this page */ }
  if (q.has('token')) {
    q.delete('token');
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}${location.hash}`);
  }
  return tok;
}

export function setToken(tok) {
  auth.token = tok;
  try { tok ? localStorage.setItem(TOKEN_KEY, tok) : localStorage.removeItem(TOKEN_KEY); } catch { /* ignore */ }
}

export const auth = { token: '' };

export function headers(extra = {}) {
  return auth.token ? { ...extra, Authorization: `Bearer ${auth.token}` } : extra;
}

export async function api(path, opts = {}) {
  const res = await fetch(new URL(path, base), { ...opts, headers: headers({ Accept: 'application/json', ...opts.headers }) });
  const body = res.headers.get('Content-Type')?.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw Object.assign(new Error(body?.error?.message || `${path}: HTTP ${res.status}`), { status: res.status });
  return body;
}

export async function loadCollections() {
  const body = await api('collections');
  return Array.isArray(body.collections) ? body.collections.filter((c) => c && typeof c.id === 'string') : [];
}

// transformRequest adds the token to the map's requests to bando.
export function transformRequest(url) {
  return auth.token && url.startsWith(base) ? { url, headers: { Authorization: `Bearer ${auth.token}` } } : { url };
}

// Vietnamese formats: 1.234,5 and 02/12/2026 14:05.
export function fmtNum(v, lang = 'vi', digits = 1) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v == null ? '–' : String(v);
  return v.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: Number.isInteger(v) ? 0 : digits });
}

export function fmtDate(t, lang = 'vi') {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return '–';
  const p = (n) => String(n).padStart(2, '0');
  const day = lang === 'en' ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` : `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
  return `${day} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// fold drops diacritics and case: "Phú Hòa Đông" → "phu hoa dong".
export function fold(s) {
  return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().trim();
}

// The panel's groups, top to bottom; the basemap comes last, as it is drawn
// below everything.
export const SECTORS = ['administrative', 'land', 'housing', 'infrastructure', 'planning', 'live', 'maritime', 'basemap'];
const BY_KIND = {
  admin: 'administrative', parcel: 'land', land: 'land', building: 'housing', housing: 'housing',
  road: 'infrastructure', infrastructure: 'infrastructure', poi: 'infrastructure', water: 'maritime',
  planning: 'planning', vessel: 'live', vehicle: 'live', sensor: 'live', maritime: 'maritime',
};

// sector is the catalog group of a collection: the basemap's own, else
// style.sector if the catalog says so, else one derived from its kind.
export function sector(c) {
  if (isBasemap(c)) return 'basemap';
  const s = c.bando?.style?.sector;
  return SECTORS.includes(s) ? s : BY_KIND[c.bando?.kind] ?? 'infrastructure';
}

export const el = (tag, props = {}, ...children) => {
  const { dataset, style, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  Object.assign(e.dataset, dataset ?? {});
  if (style) e.setAttribute('style', style);
  e.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return e;
};

export const COLOURS = { green: '#2e9e5b', yellow: '#e7b416', red: '#d64545', none: '#8a8f98' };
