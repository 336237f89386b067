// The bando viewer: one page, three modes picked by the path — the desk at
// /, the video wall at /wall, the public map at /public. Every URL is
// relative to the page, so the viewer never talks to another host.
import 'maplibre-gl/dist/maplibre-gl.css';
import './viewer.css';
import { api, auth, initToken, loadCollections, pageMode } from './common.js';
import { desk } from './desk.js';
import { initialLang, saveLang } from './i18n.js';
import { publicMap } from './public.js';
import { wall } from './wall.js';

async function main() {
  const mode = pageMode();
  document.documentElement.dataset.mode = mode;
  auth.token = initToken(mode);
  const lang = initialLang();
  // The wall asks for its scenes alongside the catalog: the map is made at
  // the first scene's camera, so no tile is loaded for a view not shown.
  const scenes = mode === 'wall' ? api('api/wall').catch((err) => { console.warn('bando wall:', err.message); return null; }) : null;
  let collections;
  try {
    collections = await loadCollections();
  } catch (err) {
    document.documentElement.dataset.state = 'error';
    const list = document.querySelector('#panel .layers');
    if (list) list.textContent = lang === 'en' ? 'Could not load the list of map layers' : 'Không tải được danh sách lớp bản đồ';
    console.error('bando viewer:', err);
    return;
  }
  if (mode === 'wall') return wall(collections, lang, await scenes);
  if (mode === 'public') return publicMap(collections, lang, saveLang);
  return desk(collections, lang, saveLang);
}

main();
