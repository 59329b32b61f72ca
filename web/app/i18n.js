// i18n.js — the app's language: Chinese (zh-CN) first, English by a switch that persists
// (localStorage). Every string the app shows is a key of locales/<lang>.json; numbers, money and
// times are formatted for the language. Money is kept in fen (integers) and formatted without
// floating point, so a registry's figures are exact to the fen and the tonne.

const LANGS = ['zh-CN', 'en'];
let lang = LANGS.includes(localStorage.getItem('tanhui.lang')) ? localStorage.getItem('tanhui.lang') : 'zh-CN';
let strings = {};

export function currentLang() {
  return lang;
}

export async function loadLang(l = lang) {
  const r = await fetch(`/app/locales/${l}.json`);
  strings = await r.json();
  lang = l;
  localStorage.setItem('tanhui.lang', l);
  document.documentElement.lang = l;
}

// t('key', {n: 3}) → the string with {n} replaced; an unknown key shows itself (and is a bug).
export function t(key, vars = {}) {
  const s = strings[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

const intFmt = () => new Intl.NumberFormat(lang);

// An integer, grouped for the language ("1,234,567").
export function int(n) {
  return intFmt().format(n);
}

// Tonnes of CO2e, exact: "906,920 tCO2e".
export function tonnes(n) {
  return `${int(n)} tCO2e`;
}

// A short form beside an exact figure in Chinese (约 90.7 万); '' when not worth it.
export function abbrev(n) {
  if (lang !== 'zh-CN' || Math.abs(n) < 10000) return '';
  return Math.abs(n) >= 1e8 ? `约 ${(n / 1e8).toFixed(2)} 亿` : `约 ${(n / 1e4).toFixed(1)} 万`;
}

// Fen as yuan: "¥60,460.07" — integer arithmetic only.
export function money(fen) {
  const neg = fen < 0;
  const a = Math.abs(Math.trunc(fen));
  const s = `¥${int(Math.trunc(a / 100))}.${String(a % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

// A price in fen as "60.07" (no currency sign: tables say the unit once).
export function price(fen) {
  return `${Math.trunc(fen / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
}

// "60.07" typed by a user → fen, or null when it is not an amount with at most 2 decimals.
export function parseMoney(s) {
  const m = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(s);
  return m ? Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')) : null;
}

// An ISO 8601 time, shown in the market's zone (Asia/Shanghai) for the language.
export function time(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, {
    dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai',
  }).format(new Date(iso));
}

export function date(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'Asia/Shanghai' })
    .format(new Date(iso.length === 10 ? `${iso}T12:00:00+08:00` : iso));
}
