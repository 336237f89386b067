#!/usr/bin/env node
// modes checks the wall and the public map in headless Chromium, and a
// draw-zone question on the desk: each mode reaches map idle with no console
// error and no request to another host; the public page never receives an
// internal layer id or field name in any response; a zone drawn on the desk
// shows the API's answer in the results panel. Prints a JSON summary; exit 1
// on failure.
//
//   node modes.mjs http://127.0.0.1:18080/ [--out dir] [--internal parcels,vessels,owner]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { ARGS, idle, painted } from './page.mjs';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: '.' },
    internal: { type: 'string', default: 'parcels,vessels' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const root = new URL(positionals[0]);
const failures = [];
const summary = { ok: false, modes: {}, failures };
const internal = opt.internal.split(',').filter(Boolean);

async function mode(ctx, name, url, viewport, expect) {
  const page = await ctx.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  const foreign = [];
  const leaks = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { const u = new URL(r.url()); if (!['data:', 'blob:'].includes(u.protocol) && u.host !== root.host) foreign.push(r.url()); });
  if (name === 'public') {
    page.on('response', async (res) => {
      if (res.request().method() === 'OPTIONS') return;
      let body = '';
      try { body = (await res.body()).toString('latin1'); } catch { return; }
      if (/\.(js|css|pbf)(\?|$)/.test(res.url()) && !res.url().includes('/tiles/')) return; // the viewer's own code
      for (const id of internal) if (body.includes(id)) leaks.push(`${res.url()} holds "${id}"`);
      if (res.request().headers().authorization) leaks.push(`${res.url()} sent a token`);
    });
  }
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.state === 'ready' || document.documentElement.dataset.state === 'error', null, { timeout: 60000 });
  await page.evaluate(idle);
  const toIdle = Date.now() - t0;
  await page.waitForTimeout(name === 'wall' ? 3500 : 500); // the wall flies to its first scene
  await page.evaluate(idle);
  const view = await page.evaluate(painted);
  const shot = path.join(opt.out, `viewer-${name}.png`);
  await page.screenshot({ path: shot });
  const r = { toIdleMs: toIdle, view, shot, errors, foreign, leaks };
  if (name === 'desk') {
    await page.evaluate(() => window.__tools.zoneFrom([[106.695, 10.772], [106.705, 10.772], [106.705, 10.780], [106.695, 10.780]]));
    await page.waitForSelector('#results.open', { timeout: 15000 });
    r.zoneMatched = Number(await page.getAttribute('#results', 'data-matched'));
    r.zoneRows = await page.locator('#results tbody tr').count();
    if (!(r.zoneMatched > 0) || !r.zoneRows) failures.push(`desk: a drawn zone showed no results (${r.zoneMatched}, ${r.zoneRows} rows)`);
    // Let the map and the compositor settle: a shot taken while the new
    // panel is being composited shows unpainted (white) raster tiles.
    await page.evaluate(idle);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(opt.out, 'viewer-desk-zone.png') });
  }
  if (name === 'wall') {
    r.titlePx = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('scene-title')).fontSize));
    r.tickerPx = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('ticker')).fontSize));
    if (r.tickerPx < 44 * (viewport.height / 1080) - 0.5) failures.push(`wall: ticker text ${r.tickerPx} px < 44 px at 1080p`);
    // The title bar and the ticker are on screen, and the KPI rail keeps
    // clear of the scene: no card reaches the centre of the map's free area.
    r.boxes = await page.evaluate(() => Object.fromEntries(['scene-title', 'ticker', 'kpis'].map((id) => { const b = document.getElementById(id).getBoundingClientRect(); return [id, [b.left, b.top, b.width, b.height].map(Math.round)]; })));
    for (const id of ['scene-title', 'ticker']) if (!(r.boxes[id][2] > 0 && r.boxes[id][3] > 0)) failures.push(`wall: #${id} is not shown (${r.boxes[id]})`);
    r.freeCentre = await page.evaluate(() => { const m = window.__map; const p = m.project(m.getCenter()); return [Math.round(p.x), Math.round(p.y)]; });
    if (r.freeCentre[0] >= r.boxes.kpis[0]) failures.push(`wall: the KPI rail (x ≥ ${r.boxes.kpis[0]}) covers the scene's centre ${r.freeCentre}`);
  }
  for (const e of errors) failures.push(`${name}: console error: ${e}`);
  for (const f of foreign) failures.push(`${name}: request to another host: ${f}`);
  for (const l of leaks) failures.push(`${name}: leak: ${l}`);
  if (view.colours < 8) failures.push(`${name}: the map looks blank (${view.colours} colours)`);
  for (const s of expect) if (!view.bySource[s]) failures.push(`${name}: layer ${s} not rendered`);
  summary.modes[name] = r;
  await page.close();
}

const profile = await mkdtemp(path.join(os.tmpdir(), 'bando-modes-'));
const ctx = await chromium.launchPersistentContext(profile, { executablePath: opt.chromium, headless: true, args: ARGS, locale: 'vi-VN' });
try {
  await mode(ctx, 'wall', new URL('wall', root).href, { width: 1920, height: 1080 }, ['communes']);
  await mode(ctx, 'public', new URL('public', root).href, { width: 390, height: 844 }, ['communes']);
  await mode(ctx, 'desk', root.href, { width: 1920, height: 1080 }, ['communes']);
} catch (err) {
  failures.push(`aborted: ${err.message.split('\n')[0]}`);
} finally {
  await ctx.close();
  await rm(profile, { recursive: true, force: true });
}
summary.ok = failures.length === 0;
console.log(JSON.stringify(summary, null, 2));
process.exit(summary.ok ? 0 : 1);
