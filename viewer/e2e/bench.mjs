#!/usr/bin/env node
// bench prints the viewer's budgets against a running server: the wall at
// 1920×1080 time to idle (a warm second load; budget ≤ 2.5 s), and the JS
// heap after a scene-rotation soak of --soak seconds (its first fifth is
// the baseline; the 30-minute version is --soak 1800).
//
//   node bench.mjs http://127.0.0.1:18080/ [--soak 60]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: { soak: { type: 'string', default: '60' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });
const root = new URL(positionals[0]);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-precise-memory-info', '--js-flags=--expose-gc'];
const profile = await mkdtemp(path.join(os.tmpdir(), 'bando-bench-'));
const ctx = await chromium.launchPersistentContext(profile, { executablePath: opt.chromium, headless: true, args: ARGS, viewport: { width: 1920, height: 1080 } });
const idle = () => new Promise((resolve) => {
  const map = window.__map;
  const check = () => (map.loaded() && map.areTilesLoaded() && !map.isMoving() ? resolve() : map.once('idle', () => setTimeout(check, 50)));
  check();
});
try {
  const page = await ctx.newPage();
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await page.goto(new URL('wall', root).href, { waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.dataset.state === 'ready', null, { timeout: 60000 });
    await page.evaluate(idle);
    times.push(Date.now() - t0);
  }
  const soak = Number(opt.soak) * 1000;
  const heap = async () => { await page.evaluate(() => window.gc?.()); return page.evaluate(() => performance.memory.usedJSHeapSize); };
  const start = Date.now();
  let base = null;
  let n = 0;
  while (Date.now() - start < soak) {
    await page.evaluate(() => window.__wall.next());
    await page.waitForTimeout(Math.min(5000, soak / 10));
    n++;
    if (base === null && Date.now() - start >= soak / 5) base = await heap();
  }
  const end = await heap();
  const warm = Math.min(...times.slice(1));
  console.log(`wall 1920×1080 time to idle: ${warm} ms warm (cold ${times[0]} ms), budget ≤ 2500 ms${warm <= 2500 ? '' : '  OVER BUDGET'}`);
  console.log(`JS heap after ${opt.soak} s soak (${n} scene changes): ${(end / 1048576).toFixed(1)} MiB; after the first fifth ${(base / 1048576).toFixed(1)} MiB; change ${(((end - base) / base) * 100).toFixed(1)} % (budget ±10 %)`);
} finally {
  await ctx.close();
  await rm(profile, { recursive: true, force: true });
}
