#!/usr/bin/env node
// restart checks that the video wall survives its server restarting: it
// loads the wall, then follows the test driving the server through lines on
// stdin, and answers with one JSON line per step on stdout:
//
//   (start)        → {"step":"loaded", …}   the wall is idle, map painted
//   "down"         → {"step":"down", …}     the notice is on, the last frame kept
//   "up"           → {"step":"up", …}       the stream is back, the notice off
//   "scene <id>"   → {"step":"scene", …}    the desk's pin reached the wall
//
// Any failed expectation prints {"step":"fail","error":…} and exits 1.
//
//   node restart.mjs http://127.0.0.1:18080/ [--out dir] [--chromium /usr/bin/chromium]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { ARGS, idle, painted } from './page.mjs';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string', default: '' }, chromium: { type: 'string', default: '/usr/bin/chromium' } },
});
const root = new URL(positionals[0]);
const say = (o) => console.log(JSON.stringify(o));

const state = () => ({
  notice: document.getElementById('notice').classList.contains('on'),
  stream: document.getElementById('wall').dataset.stream,
  scene: document.getElementById('wall').dataset.scene,
});

const profile = await mkdtemp(path.join(os.tmpdir(), 'bando-restart-'));
const ctx = await chromium.launchPersistentContext(profile, { executablePath: opt.chromium, headless: true, args: ARGS, viewport: { width: 1920, height: 1080 } });
const pageErrors = [];
let code = 0;
try {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(new URL('wall', root).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.state === 'ready', null, { timeout: 90000 });
  await page.evaluate(idle);
  await page.waitForFunction(() => document.getElementById('wall').dataset.stream === 'open', null, { timeout: 30000 });
  say({ step: 'loaded', colours: (await page.evaluate(painted)).colours, ...(await page.evaluate(state)) });

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'down') {
      await page.waitForFunction(() => document.getElementById('notice').classList.contains('on'), null, { timeout: 30000 });
      const colours = (await page.evaluate(painted)).colours;
      const shot = opt.out ? path.join(opt.out, 'viewer-wall-server-down.png') : undefined;
      if (shot) await page.screenshot({ path: shot });
      const visible = await page.evaluate(() => getComputedStyle(document.getElementById('notice')).visibility === 'visible');
      say({ step: 'down', colours, visible, shot, ...(await page.evaluate(state)) });
    } else if (cmd === 'up') {
      // The stream retries with a backoff of at most 15 s.
      await page.waitForFunction(() => !document.getElementById('notice').classList.contains('on') && document.getElementById('wall').dataset.stream === 'open', null, { timeout: 45000 });
      say({ step: 'up', colours: (await page.evaluate(painted)).colours, ...(await page.evaluate(state)) });
    } else if (cmd === 'scene') {
      await page.waitForFunction((id) => document.getElementById('wall').dataset.scene === id, arg, { timeout: 30000 });
      await page.waitForTimeout(3000); // the flight to the scene
      await page.evaluate(idle);
      const shot = opt.out ? path.join(opt.out, 'viewer-wall-after-restart.png') : undefined;
      if (shot) await page.screenshot({ path: shot });
      say({ step: 'scene', colours: (await page.evaluate(painted)).colours, title: await page.textContent('#scene-title'), shot, ...(await page.evaluate(state)) });
      break;
    }
  }
  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
} catch (err) {
  say({ step: 'fail', error: err.message.split('\n')[0] });
  code = 1;
} finally {
  await ctx.close();
  await rm(profile, { recursive: true, force: true });
}
process.exit(code);
