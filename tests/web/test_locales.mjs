// test_locales.mjs — every string of the web app is in both locale files: each t('key') of
// web/app (and each key a page builds from a value, listed below) is in zh-CN.json and en.json,
// the two files have the same keys, and no value is empty or left untranslated in Chinese.
//
//   node tests/web/test_locales.mjs        prints "locales (web): N passed, N failed"
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../web/app/', import.meta.url).pathname;
const zh = JSON.parse(readFileSync(join(root, 'locales/zh-CN.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(root, 'locales/en.json'), 'utf8'));
let pass = 0;
let fail = 0;
const check = (ok, what) => { if (ok) pass++; else { fail++; console.log(`FAIL ${what}`); } };

const files = [];
const walk = (d) => readdirSync(d).forEach((f) => {
  const p = join(d, f);
  if (statSync(p).isDirectory()) walk(p);
  else if (p.endsWith('.js')) files.push(p);
});
walk(root);
const used = new Set();
const quoted = new Set();
for (const f of files) {
  const src = readFileSync(f, 'utf8').split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
  // t('a.b') must be there; any other 'a.b' literal that is a key counts as used (t(x ? 'a' : 'b'))
  for (const m of src.matchAll(/[^.\w]t\('([a-z_]+(?:\.[a-z_.]+)?)'/g)) used.add(m[1]);
  for (const m of src.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) quoted.add(m[1]);
}
// keys made from values: every value the API can give there
const made = {
  status: ['registered', 'submitted', 'verified', 'rejected', 'issued', 'open', 'filled', 'cancelled',
    'expired', 'settled', 'accepted', 'proposed'],
  state: ['available', 'reserved', 'retired', 'cancelled'],
  side: ['buy', 'sell'],
  type: ['limit', 'market'],
  tif: ['gtc', 'day', 'ioc', 'fok', 'post'],
  session: ['open', 'closed', 'pre_open', 'do_preopen', 'do_open', 'do_close'],
  role: ['holder', 'owner', 'verifier', 'operator', 'before', 'after'],
  work: ['owner', 'verifier', 'operator'],
  event: ['issuance', 'trade', 'transfer', 'retirement'],
  account: ['owner', 'buffer'],
  nav: ['overview', 'projects', 'market', 'registry', 'transparency', 'account', 'work', 'login'],
};
for (const [k, vs] of Object.entries(made)) for (const v of vs) used.add(`${k}.${v}`);
for (const k of used) {
  check(k in zh, `${k} is used but not in zh-CN.json`);
  check(k in en, `${k} is used but not in en.json`);
}
check(JSON.stringify(Object.keys(zh).sort()) === JSON.stringify(Object.keys(en).sort()), 'the two files have the same keys');
// Chinese first: every Chinese string has Chinese in it, but the switch that says "English"
const latinOk = new Set(['lang.switch']);
for (const [k, v] of Object.entries(zh)) {
  check(typeof v === 'string' && v.length > 0, `zh-CN ${k} is empty`);
  check(latinOk.has(k) || /[\u4e00-\u9fff]/.test(v), `zh-CN ${k} is not in Chinese: ${v}`);
}
for (const [k, v] of Object.entries(en)) check(typeof v === 'string' && v.length > 0, `en ${k} is empty`);
const unused = Object.keys(zh).filter((k) => !used.has(k) && !quoted.has(k));
check(unused.length === 0, `keys no code uses: ${unused.join(', ')}`);
console.log(`locales (web): ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
