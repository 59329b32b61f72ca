// bench_web.mjs — the web app's overview page: its first render in Debian's chromium against
// `tanhui serve` with the demo data (`tanhui demo`, 6000 parcels), from the navigation's start
// to the page drawn (the app's performance mark "tanhui:rendered"), each run in a fresh browser
// context (nothing cached). The baseline, measured in the same run, is the same server's
// one-line HTML page (written beside a copy of the app) whose one module script sets the same
// mark, so the figure can be read against what the browser and the machine cost for any page. Prints one JSON line.
//
//   node bench/bench_web.mjs TANHUI WEBROOT [RUNS]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [tanhui, webroot, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 15);
const dir = mkdtempSync(join(tmpdir(), 'tanhui-bench-web-'));
const db = join(dir, 'demo.db');
const web = join(dir, 'web');
cpSync(webroot, web, { recursive: true });
// (the server's Content-Security-Policy allows no inline script: the mark is a file of its own)
writeFileSync(join(web, 'blank.html'),
  '<!doctype html><meta charset="utf-8"><title>b</title><p id="x">x</p><script type="module" src="/blank.js"></script>');
writeFileSync(join(web, 'blank.js'), 'performance.mark("tanhui:rendered");\n');
spawnSync(tanhui, ['--db', db, 'demo', '--json'], { stdio: 'ignore' });
const port = 30000 + (process.pid % 20000);
const base = `http://127.0.0.1:${port}`;
const server = spawn(tanhui, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--web', web], { stdio: 'ignore' });
// a run that fails still stops its server and removes its files
process.on('exit', () => {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});
for (let i = 0; ; i++) {
  try { await fetch(`${base}/api/v1/supply`); break; } catch { if (i > 100) throw new Error('no server'); await new Promise((r) => setTimeout(r, 100)); }
}
const browser = await chromium.launch({
  executablePath: process.env.TANHUI_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
async function once(path) {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${base}${path}`);
  await page.waitForFunction(() => performance.getEntriesByName('tanhui:rendered').length > 0);
  const ms = await page.evaluate(() => performance.getEntriesByName('tanhui:rendered')[0].startTime);
  await ctx.close();
  return ms;
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const p90 = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]; };
await once('/'); // the browser's own first start is not the page's
const app = [];
const blank = [];
for (let i = 0; i < runs; i++) { // interleaved: the machine's noise falls on both alike
  app.push(await once('/'));
  blank.push(await once('/blank.html'));
}
await browser.close();
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(dir, { recursive: true, force: true });
const r = (x) => Math.round(x);
console.log(JSON.stringify({
  bench: 'web', runs, overview_first_render_ms_median: r(median(app)), overview_first_render_ms_p90: r(p90(app)),
  baseline_blank_page_ms_median: r(median(blank)), ratio: Number((median(app) / median(blank)).toFixed(2)),
}));
