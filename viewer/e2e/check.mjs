#!/usr/bin/env node
// check loads the bando viewer in headless Chromium and fails (exit 1) if the
// page logs an error, throws, asks any host but its own, gets an HTTP error,
// or does not render the communes (province view) and the buildings (city
// centre, zoom 15). It prints a JSON summary on stdout.
//
//   node check.mjs http://127.0.0.1:18080/ [--screenshot out.png]
//     [--communes communes] [--buildings buildings] [--timeout 120000]
//     [--chromium /usr/bin/chromium]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const CENTRE = { center: [106.7, 10.78], zoom: 15 }; // Phường Sài Gòn: dense buildings
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // WebGL with no GPU: ANGLE on SwiftShader, the software renderer.
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    screenshot: { type: 'string' },
    communes: { type: 'string', default: 'communes' },
    buildings: { type: 'string', default: 'buildings' },
    timeout: { type: 'string', default: '120000' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node check.mjs <url> [--screenshot file.png] [--communes id] [--buildings id] [--timeout ms]');
  process.exit(2);
}
const pageURL = new URL(positionals[0]);
const deadline = Date.now() + Number(opt.timeout);
const remaining = () => Math.max(1000, deadline - Date.now());

const failures = [];
const seen = { consoleErrors: [], consoleWarnings: [], pageErrors: [], foreignRequests: [], failedRequests: [], requests: 0 };
const summary = { ok: false, url: pageURL.href, failures, views: {}, screenshots: [] };

function isForeign(raw) {
  const u = new URL(raw);
  if (u.protocol === 'data:' || u.protocol === 'blob:') return false;
  return u.host !== pageURL.host || !/^(https?|wss?):$/.test(u.protocol);
}

// Runs in the page: resolves when the map has loaded everything it needs for
// the current view, has painted it, and stayed so for a moment (the page feeds
// its label sources on 'idle', which starts a little more work).
function waitIdle(ms) {
  const map = window.__map;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`map not idle after ${ms} ms`)), ms);
    const check = () => setTimeout(() => {
      if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) {
        clearTimeout(timer);
        resolve();
      } else {
        map.once('idle', check);
      }
    }, 100);
    check();
  });
}

// Runs in the page: what the map shows now. painted is the share of sampled
// pixels that differ from the background, to catch a WebGL that draws nothing.
function describeView(labelLayer) {
  const map = window.__map;
  const cssRGB = (color) => {
    const c = document.createElement('canvas').getContext('2d');
    c.fillStyle = color;
    c.fillRect(0, 0, 1, 1);
    return c.getImageData(0, 0, 1, 1).data;
  };
  // The drawing buffer is only readable in the task that painted it.
  return new Promise((resolve) => {
    map.once('render', () => {
      const bg = cssRGB(map.getPaintProperty('background', 'background-color'));
      const canvas = map.getCanvas();
      const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
      const w = gl.drawingBufferWidth;
      const h = gl.drawingBufferHeight;
      const px = new Uint8Array(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
      let differ = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1]) + Math.abs(px[i + 2] - bg[2]) > 6) differ++;
      }
      const bySource = {};
      const features = map.queryRenderedFeatures();
      for (const f of features) bySource[f.source] = (bySource[f.source] ?? 0) + 1;
      const labels = features.filter((f) => f.layer.id === labelLayer).map((f) => f.properties.name);
      resolve({
        center: map.getCenter().toArray().map((v) => +v.toFixed(5)),
        zoom: +map.getZoom().toFixed(2),
        painted: +(differ / (w * h)).toFixed(3),
        bySource,
        labelLayer: map.getLayer(labelLayer) ? labelLayer : null,
        labels: [...new Set(labels)].slice(0, 8),
      });
    });
    map.triggerRepaint();
  });
}

function screenshotPath(suffix) {
  if (!opt.screenshot) return null;
  const { dir, name, ext } = path.parse(opt.screenshot);
  return path.join(dir, `${name}${suffix}${ext || '.png'}`);
}

async function run(page) {
  await page.goto(pageURL.href, { waitUntil: 'load', timeout: remaining() });
  await page.waitForFunction(() => window.__map || document.documentElement.dataset.state === 'error', null, { timeout: remaining() });
  if (await page.evaluate(() => !window.__map)) {
    failures.push(`page did not build the map: ${await page.locator('#panel .layers').innerText()}`);
    return;
  }
  await page.evaluate(waitIdle, remaining());

  // Province view: communes must be drawn, and labelled if the style says so.
  // Symbol placement runs a few frames after 'idle' (and later still on a
  // busy machine), so give labels a few seconds to appear before failing.
  let start = await page.evaluate(describeView, `${opt.communes}:label`);
  for (let i = 0; i < 20 && start.labelLayer && !start.labels.length; i++) {
    await page.waitForTimeout(500);
    start = await page.evaluate(describeView, `${opt.communes}:label`);
  }
  summary.views.province = start;
  if (!start.bySource[opt.communes]) failures.push(`province view: no feature of layer "${opt.communes}" rendered`);
  if (start.labelLayer && !start.labels.length) failures.push(`province view: no commune label placed (glyphs?)`);
  if (start.painted === 0) failures.push('province view: nothing painted but the background (WebGL?)');

  // The language switch retitles the layer list from the catalog.
  const titles = await page.evaluate(async (id) => {
    const body = await (await fetch('collections')).json();
    return body.collections.find((c) => c.id === id)?.bando?.title ?? {};
  }, opt.communes);
  const name = page.locator(`#panel li[data-id="${opt.communes}"] .name`);
  const vi = await name.innerText();
  await page.click('#panel .lang button[data-lang="en"]');
  const en = await name.innerText();
  await page.click('#panel .lang button[data-lang="vi"]');
  summary.views.province.panelTitles = { vi, en };
  if (titles.vi && vi !== titles.vi) failures.push(`panel: Vietnamese title ${JSON.stringify(vi)}, want ${JSON.stringify(titles.vi)}`);
  if (titles.en && en !== titles.en) failures.push(`panel: English title ${JSON.stringify(en)}, want ${JSON.stringify(titles.en)}`);

  const shot = screenshotPath('');
  if (shot) summary.screenshots.push((await page.screenshot({ path: shot }), shot));

  // City centre: buildings must be drawn, and a click must open a popup.
  await page.evaluate((view) => window.__map.jumpTo(view), CENTRE);
  await page.evaluate(waitIdle, remaining());
  const centre = await page.evaluate(describeView, `${opt.buildings}:label`);
  summary.views.centre = centre;
  if (!centre.bySource[opt.buildings]) failures.push(`city centre z${CENTRE.zoom}: no feature of layer "${opt.buildings}" rendered`);

  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = page.locator('.maplibregl-popup');
  try {
    await popup.waitFor({ timeout: 5000 });
    summary.views.centre.popup = (await popup.innerText()).split('\n').slice(0, 6);
  } catch {
    failures.push('city centre: clicking the map opened no popup');
  }

  const shot2 = screenshotPath('-centre');
  if (shot2) {
    // Tilted, so the extruded buildings read as 3D in the picture.
    await page.evaluate(() => window.__map.jumpTo({ pitch: 50, bearing: -20 }));
    await page.evaluate(waitIdle, remaining());
    summary.screenshots.push((await page.screenshot({ path: shot2 }), shot2));
  }
}

const profile = await mkdtemp(path.join(os.tmpdir(), 'bando-e2e-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: opt.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'vi-VN',
  });
  // Context-wide listeners also see the map's web workers.
  context.on('request', (req) => {
    seen.requests++;
    if (isForeign(req.url())) seen.foreignRequests.push(req.url());
  });
  context.on('requestfailed', (req) => {
    // Tiles of a view the map has left are cancelled on purpose.
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') seen.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`);
  });
  context.on('response', (res) => {
    if (res.status() >= 400) seen.failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    const text = `${msg.text()} (${msg.location().url || 'page'})`;
    if (msg.type() === 'error') seen.consoleErrors.push(text);
    else if (msg.type() === 'warning') seen.consoleWarnings.push(text);
  });
  page.on('pageerror', (err) => seen.pageErrors.push(String(err)));
  await run(page);
} catch (err) {
  failures.push(`check aborted: ${err.message.split('\n')[0]}`);
} finally {
  await context?.close();
  await rm(profile, { recursive: true, force: true });
}

for (const [key, what] of [['consoleErrors', 'console error'], ['pageErrors', 'page error'], ['foreignRequests', 'request to another host'], ['failedRequests', 'failed request']]) {
  for (const item of seen[key]) failures.push(`${what}: ${item}`);
}
Object.assign(summary, seen, { ok: failures.length === 0 });
console.log(JSON.stringify(summary, null, 2));
if (!summary.ok) {
  for (const f of failures) console.error(`check: FAIL: ${f}`);
  process.exit(1);
}
