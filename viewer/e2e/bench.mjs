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
  // faster), with the live fleet moving. The heap is read (after a full GC)
  // at every scene and averaged over each whole rotation, so that scenes of
  // different weight do not pass for growth or shrinkage. The baseline is
  // the first rotation after two warm-up rotations (tile caches, glyphs and
  // shaders warm: the state of a wall after its first minutes); the end is
  // the last rotation once --soak seconds have passed.
  const soak = Number(opt.soak) * 1000;
  const warm = Math.min(...times.slice(1));
  console.log(`wall 1920×1080 time to idle: ${warm} ms warm (cold ${times[0]} ms, loads ${times.join(', ')} ms), budget ≤ 2500 ms${warm <= 2500 ? '' : '  OVER BUDGET'}`);
  if (soak) {
    const dwell = Number(opt.dwell) * 1000;
    const heap = async () => { await page.evaluate(() => window.gc?.()); return page.evaluate(() => performance.memory.usedJSHeapSize); };
    const step = async () => { await page.evaluate(() => window.__wall.next()); await page.waitForTimeout(2600); await page.evaluate(idle); await page.waitForTimeout(dwell); };
    const scenes = await page.evaluate(() => window.__wall.state().scenes.length);
    const rotation = async () => { let sum = 0; for (let i = 0; i < scenes; i++) { await step(); sum += await heap(); } return sum / scenes; };
    for (let i = 0; i < 2 * scenes; i++) await step();
    const live = () => page.evaluate(() => window.__wall.live?.() ?? { vessels: 0, fixes: 0 });
    const live0 = await live();
    const start = Date.now();
    const means = [await rotation()];
    // At least two rotations, so that the end is never the baseline itself.
    while (means.length < 2 || Date.now() - start < soak) means.push(await rotation());
    const live1 = await live();
    const [base, end] = [means[0], means.at(-1)];
    const mib = (b) => (b / 1048576).toFixed(1);
    const change = ((end - base) / base) * 100;
    console.log(`JS heap over a ${opt.soak} s soak (${means.length} rotations of ${scenes} scenes after 2 warm-up rotations; ${live1.vessels} live vessels, ${live1.fixes - live0.fixes} fixes): ${mib(base)} → ${mib(end)} MiB, change ${change.toFixed(1)} % (budget ±10 %)${Math.abs(change) <= 10 ? '' : '  OVER BUDGET'}; rotation means ${means.map(mib).join(', ')} MiB`);
  }
} finally {
  await ctx.close();
  await rm(profile, { recursive: true, force: true });
}
