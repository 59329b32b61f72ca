// e2e.mjs — the web app end to end in a real browser: Debian's chromium driven by playwright-core
// (from web/node_modules), against `tanhui serve` on loopback with a fresh demo database. It logs
// in as each role and does the real work: an owner uploads an inventory pair, looks at the
// measurement and submits the report; the verifier verifies it; the operator issues it and
// records a deposit; a holder buys against a resting sell and sees the fill and the balances,
// retires credits and opens the certificate, whose proof the browser verifies; the public
// pages, the language switch, phone width and the keyboard. A screenshot of each page is saved
// in OUTDIR.
//
//   node tests/e2e/e2e.mjs TANHUI WEBROOT OUTDIR      prints "e2e: N passed, N failed"
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [tanhui, webroot, outdir] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'tanhui-e2e-'));
const db = join(dir, 'demo.db');
const port = 20000 + (process.pid % 20000);
const base = `http://127.0.0.1:${port}`;
let pass = 0;
let fail = 0;
const results = [];

function run(...args) {
  const r = spawnSync(tanhui, ['--db', db, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tanhui ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const demo = JSON.parse(run('demo', '--parcels', '1500', '--days', '3', '--json'));
const login = Object.fromEntries(demo.logins.map((l) => [l.role, l]));
const server = spawn(tanhui, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--web', webroot],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });
// a run that fails still stops its server and removes its files
process.on('exit', () => {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function api(path, opts = {}) {
  const r = await fetch(`${base}/api/v1${path}`, opts);
  return r.headers.get('content-type')?.includes('json') ? r.json() : r.text();
}

for (let i = 0; ; i++) {
  try {
    await fetch(`${base}/api/v1/supply`);
    break;
  } catch {
    if (i > 100) throw new Error(`the server did not start:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const browser = await chromium.launch({
  executablePath: process.env.TANHUI_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// One case: a fresh context (its own cookies and storage), the page's errors watched.
async function test(name, fn, opts = {}) {
  const ctx = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.setDefaultTimeout(15000);
  try {
    await fn(page, ctx);
    const real = errors.filter((e) => !/status of 4\d\d/.test(e));
    if (real.length) throw new Error(`errors in the page: ${real.join(' | ')}`);
    pass++;
    results.push(`ok   ${name}`);
  } catch (err) {
    fail++;
    results.push(`FAIL ${name}: ${err.message.split('\n')[0]}`);
    console.log(`FAIL ${name}: ${err.stack}`);
  }
  await page.screenshot({ path: join(outdir, `${name}.png`), fullPage: true }).catch(() => {});
  await ctx.close();
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

async function signIn(page, role) {
  await page.goto(`${base}/login`);
  await page.fill('#login-name', login[role].name);
  await page.fill('#login-password', login[role].password);
  await page.click('#login-submit');
  await page.waitForSelector('#me');
}

const groupInt = (n) => new Intl.NumberFormat('zh-CN').format(n);

await test('overview', async (page) => {
  await page.goto(`${base}/`);
  await page.waitForSelector('#fig-issued');
  const supply = await api('/supply');
  const issued = await page.textContent('#fig-issued .figure-value');
  check(issued.includes(groupInt(supply.issued)), `issued shows ${issued}, the registry ${supply.issued}`);
  check((await page.textContent('#fig-retired .figure-value')).includes(groupInt(supply.retired)), 'retired exact');
  check((await page.textContent('#fig-buffer .figure-value')).includes(groupInt(supply.buffer)), 'buffer exact');
  const reports = (await api('/reports?limit=1000')).reports.filter((r) => r.status !== 'rejected');
  const measured = Math.floor(reports.reduce((s, r) => s + r.net_tco2e, 0));
  check((await page.textContent('#fig-measured .figure-value')).includes(groupInt(measured)), 'removals measured, exact');
  check((await page.textContent('#checkpoint')).startsWith('tanhui.local/registry'), 'the checkpoint shown');
  await page.waitForSelector('#price-chart[data-ready] canvas');
});

await test('language', async (page) => {
  await page.goto(`${base}/`);
  await page.waitForSelector('nav a[href="/projects"]');
  check((await page.textContent('nav a[href="/projects"]')) === '项目', 'Chinese first');
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('nav a[href="/projects"]')?.textContent === 'Projects');
  await page.reload();
  await page.waitForSelector('#fig-issued');
  check((await page.textContent('nav a[href="/projects"]')) === 'Projects', 'English persists after a reload');
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang follows');
  await page.screenshot({ path: join(outdir, 'overview-en.png'), fullPage: true });
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('nav a[href="/projects"]')?.textContent === '项目');
});

await test('project', async (page) => {
  await page.goto(`${base}/projects`);
  await page.click('table.projects a >> nth=0');
  await page.waitForSelector('#parcel-map[data-ready] canvas');
  await page.waitForSelector('#type-chart[data-ready]');
  const text = await page.textContent('main');
  check(/[0-9a-f]{64}/.test(text), 'the inputs\' SHA-256 shown');
  check(text.includes('SGFC-P0001-2024-000000001'), 'the issuance\'s serial blocks');
});

await test('registry', async (page) => {
  await page.goto(`${base}/registry`);
  await page.fill('#serial', '1500');
  await page.click('#find-serial');
  await page.waitForSelector('#serial-result');
  const text = await page.textContent('#serial-result');
  check(text.includes('签发'), 'the serial\'s issuance in its history');
  check(/SGFC-P0001-2024-\d+-\d+/.test(text), 'the block holding serial 1500');
});

await test('transparency', async (page) => {
  await page.goto(`${base}/transparency`);
  await page.click('#check-consistency');
  await page.waitForSelector('#consistency-result .notice.ok');
});

let reportId = null;
await test('owner-submits-report', async (page) => {
  await signIn(page, 'owner');
  await page.goto(`${base}/work`);
  await page.waitForSelector('#report-project');
  const project = await page.$eval('#report-project', (s) => [...s.options].find((o) => /新造林/.test(o.text)).value);
  await page.selectOption('#report-project', project);
  await page.setInputFiles('#report-before', join(`${db}.inventories`, '乐昌市-2019.gpkg'));
  await page.setInputFiles('#report-after', join(`${db}.inventories`, '乐昌市-2024.gpkg'));
  await page.click('#report-measure');
  await page.waitForSelector('#measurement');
  const before = (await api('/reports?limit=1000')).reports.length;
  check(before === 10, 'the preview submitted nothing');
  await page.click('#report-submit');
  await page.waitForSelector('#report-submitted');
  const reports = (await api('/reports?status=submitted')).reports;
  check(reports.length === 1, 'one report submitted');
  reportId = reports[0].id;
});

await test('verifier-verifies', async (page) => {
  await signIn(page, 'verifier');
  await page.goto(`${base}/work`);
  await page.click(`[data-verify="${reportId}"]`);
  await page.waitForSelector('#decide-result .notice.ok');
  check((await api(`/reports/${reportId}`)).status === 'verified', 'the report is verified');
});

await test('operator-issues', async (page) => {
  await signIn(page, 'operator');
  await page.goto(`${base}/work`);
  await page.click(`[data-issue="${reportId}"]`);
  await page.waitForSelector('#issue-result .notice.ok');
  check((await api(`/reports/${reportId}`)).status === 'issued', 'the report is issued');
  await page.fill('#cash-account', login.holder.account);
  await page.fill('#cash-amount', '10000.00');
  await page.fill('#cash-reference', 'E2E-0001');
  await page.click('#cash-submit');
  await page.waitForSelector('#cash-result .notice.ok');
});

await test('holder-buys', async (page) => {
  await signIn(page, 'holder');
  await page.goto(`${base}/account`);
  await page.waitForSelector('#cash-balance');
  const cashBefore = await page.textContent('#cash-balance .figure-value');
  const credBefore = await page.textContent('#credits-available .figure-value');
  const book = await api('/instruments/SGFC-2024/book');
  const ask = book.asks[0];
  await page.goto(`${base}/market/SGFC-2024`);
  await page.waitForSelector('#order-price');
  await page.fill('#order-price', ask.price);
  await page.fill('#order-qty', '100');
  await page.click('#order-submit');
  await page.waitForSelector('#order-result .notice.ok');
  const msg = await page.textContent('#order-result');
  check(msg.includes('100'), `the fill said: ${msg}`);
  await page.waitForSelector('#candles[data-ready]');
  await page.waitForSelector('#depth-chart[data-ready]');
  await page.screenshot({ path: join(outdir, 'market.png'), fullPage: true });
  await page.goto(`${base}/account`);
  await page.waitForSelector('#cash-balance');
  const cashAfter = await page.textContent('#cash-balance .figure-value');
  const credAfter = await page.textContent('#credits-available .figure-value');
  check(cashAfter !== cashBefore, `the cash moved: ${cashBefore} → ${cashAfter}`);
  const n = (s) => Number(s.split(' ')[0].replace(/[^0-9]/g, ''));
  check(n(credAfter) === n(credBefore) + 100, `credits ${credBefore} → ${credAfter}`);
});

await test('holder-orders', async (page) => {
  await signIn(page, 'holder');
  const acct = login.holder.account;
  // the answers to the page's prompts, in order: the replace's price and quantity, the pick's quantity
  const answers = [];
  page.on('dialog', (d) => d.accept(answers.shift()));
  await page.goto(`${base}/market/SGFC-2024`);
  await page.waitForSelector('#my-orders [data-cancel]');
  const open = async () => (await page.evaluate(async (a) => (await (await fetch(`/api/v1/accounts/${a}/orders?status=open&instrument=SGFC-2024`)).json()).orders, acct));
  // a post-only buy below the book, from the ticket: it rests
  const low = (await api('/instruments/SGFC-2024/book')).bids.at(-1).price_fen - 50;
  await page.selectOption('#order-tif', 'post');
  await page.fill('#order-price', `${Math.trunc(low / 100)}.${String(low % 100).padStart(2, '0')}`);
  await page.fill('#order-qty', '200');
  await page.click('#order-submit');
  await page.waitForSelector('#order-result .notice.ok');
  const before = await open();
  const placed = before.find((o) => o.price_fen === low && o.tif === 'post');
  check(placed && placed.remaining === 200, 'the post-only order rests in the book');
  await page.waitForSelector(`[data-replace="${placed.id}"]`);
  answers.push(placed.price, '150');
  await page.click(`[data-replace="${placed.id}"]`);
  await page.waitForFunction(async ([a, id]) => {
    const o = (await (await fetch(`/api/v1/accounts/${a}/orders?status=open&instrument=SGFC-2024`)).json()).orders;
    return o.some((x) => x.id === id && x.remaining === 150);
  }, [acct, placed.id]);
  await page.click(`[data-cancel="${placed.id}"]`);
  await page.waitForFunction((id) => !document.querySelector(`[data-cancel="${id}"]`), placed.id);
  check(!(await open()).some((o) => o.id === placed.id), 'the order cancelled');
  const book = await api('/instruments/SGFC-2024/book');
  const listing = book.listings[book.listings.length - 1];
  const cashBefore = (await api('/trades?limit=1')).trades[0]?.id ?? 0;
  answers.push('10');
  await page.click(`[data-listing="${listing.id}"]`);
  await page.waitForFunction(async (last) => {
    const t = (await (await fetch('/api/v1/trades?limit=1')).json()).trades[0];
    return t && t.id > last;
  }, cashBefore);
  const trade = (await api('/trades?limit=1')).trades[0];
  check(trade.sell_order === listing.id && trade.qty === 10, `the pick traded listing ${listing.id}: ${JSON.stringify(trade)}`);
});

await test('holder-retires', async (page) => {
  await signIn(page, 'holder');
  await page.goto(`${base}/account`);
  await page.fill('#retire-qty', '50');
  await page.fill('#retire-beneficiary', '韶关某制造公司 端到端测试');
  await page.click('#retire-submit');
  await page.waitForSelector('#retire-result .notice.ok a');
  await page.click('#retire-result .notice.ok a');
  await page.waitForSelector('#proof-badge.verified');
  check((await page.textContent('#cert-quantity')).includes('50'), 'the certificate\'s quantity');
  await page.waitForSelector('#qr img');
});

await test('certificate-tampered-badge', async (page) => {
  // a certificate whose entry the browser cannot match must not say verified: point the page at
  // another retirement's log entry by rewriting the API's answer
  const id = (await api('/retirements?limit=1')).retirements[0].id;
  await page.route(`**/api/v1/certificates/${id}`, async (route) => {
    const r = await route.fetch();
    const c = await r.json();
    c.quantity += 1;
    route.fulfill({ response: r, json: c });
  });
  await page.goto(`${base}/certificates/${id}`);
  await page.waitForSelector('#proof-badge.failed');
});

await test('phone', async (page) => {
  await page.goto(`${base}/`);
  await page.waitForSelector('#fig-issued');
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `the overview overflows a phone by ${overflow} px`);
  await page.goto(`${base}/market/SGFC-2024`);
  await page.waitForSelector('#book');
  await page.screenshot({ path: join(outdir, 'market-phone.png'), fullPage: true });
}, { viewport: { width: 390, height: 844 } });

await test('keyboard', async (page) => {
  await page.goto(`${base}/`);
  await page.waitForSelector('#fig-issued');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.className) === 'skip', 'Tab reaches the skip link first');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.getAttribute('href')) === '/projects', 'then the navigation');
  await page.keyboard.press('Enter');
  await page.waitForSelector('table.projects');
});

await browser.close();
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(dir, { recursive: true, force: true });
console.log(results.join('\n'));
console.log(`e2e: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
