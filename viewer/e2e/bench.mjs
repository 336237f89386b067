#!/usr/bin/env node
// bench prints the viewer's budgets against a running server: the wall at
// 1920×1080 time to idle (the best of two warm loads; budget ≤ 2.5 s), and
// the JS heap over a scene-rotation soak of --soak seconds, from a baseline
// taken after two warm-up rotations (budget within 10 %; the 30-minute
// version is --soak 1800). Each scene change waits for the flight and the
// map's idle, then --dwell seconds.
//
//   node bench.mjs http://127.0.0.1:18080/ [--soak 60] [--dwell 1] [--token T]
//
// With --token (a token that sees the live layer) the soak has live
// vessel updates too: the wall draws the simulated fleet from the stream.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: { soak: { type: 'string', default: '60' }, dwell: { type: 'string', default: '1' }, token: { type: 'string', default: '' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });
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
    await page.goto(new URL(`wall${opt.token ? `?token=${encodeURIComponent(opt.token)}` : ''}`, root).href, { waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.dataset.state === 'ready', null, { timeout: 60000 });
    await page.evaluate(idle);
    times.push(Date.now() - t0);
  }
  // The soak: the wall changes scene every few seconds (as its timer would,
  // faster). The baseline is taken once every scene has been shown twice,
  // so the map's tile caches, glyphs and shaders are warm — the state of a
  // wall after its first minutes — then the soak runs for --soak seconds.
  const soak = Number(opt.soak) * 1000;
  const warm = Math.min(...times.slice(1));
  console.log(`wall 1920×1080 time to idle: ${warm} ms warm (cold ${times[0]} ms, loads ${times.join(', ')} ms), budget ≤ 2500 ms${warm <= 2500 ? '' : '  OVER BUDGET'}`);
  if (soak) {
    const dwell = Number(opt.dwell) * 1000;
    const heap = async () => { await page.evaluate(() => window.gc?.()); return page.evaluate(() => performance.memory.usedJSHeapSize); };
    const step = async () => { await page.evaluate(() => window.__wall.next()); await page.waitForTimeout(2600); await page.evaluate(idle); await page.waitForTimeout(dwell); };
    const scenes = await page.evaluate(() => window.__wall.state().scenes.length);
    for (let i = 0; i < 2 * scenes; i++) await step();
    const base = await heap();
    const live0 = await page.evaluate(() => window.__wall.live?.() ?? { vessels: 0, fixes: 0 });
    const samples = [];
    const start = Date.now();
    let n = 0;
    while (Date.now() - start < soak) {
      await step();
      n++;
      if (n % scenes === 0) samples.push(await heap());
    }
    const end = await heap();
    const live = await page.evaluate(() => window.__wall.live?.() ?? { vessels: 0, fixes: 0 });
    const mib = (b) => (b / 1048576).toFixed(1);
    const change = ((end - base) / base) * 100;
    console.log(`JS heap over a ${opt.soak} s soak (${n} scene changes after ${2 * scenes} warm-up changes; ${live.vessels} live vessels, ${live.fixes - live0.fixes} fixes during it): ${mib(base)} → ${mib(end)} MiB, change ${change.toFixed(1)} % (budget ±10 %)${Math.abs(change) <= 10 ? '' : '  OVER BUDGET'}; after each rotation ${samples.map(mib).join(', ')} MiB`);
  }
} finally {
  await ctx.close();
  await rm(profile, { recursive: true, force: true });
}
