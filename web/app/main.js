// main.js — the app's shell: the header (navigation, language switch, who is logged in), the
// router (history URLs such as /projects/7 or /certificates/4; the server answers any path
// without an extension with index.html), and each page drawn into <main>. A page is an async
// function (main, params, ctx) that fills main; ctx.me is the logged-in user or null.
import { api } from './api.js';
import { currentLang, loadLang, t } from './i18n.js';
import { el, notice } from './ui.js';
// Each page's module is loaded when first shown: the first page renders without the others.
const page = (file, name) => {
  const load = () => import(`./pages/${file}.js`);
  const fn = async (...a) => (await load())[name](...a);
  fn.preload = load;
  return fn;
};
const routes = [
  [/^\/$/, page('overview', 'overview'), 'nav.overview'],
  [/^\/projects$/, page('projects', 'projectList'), 'nav.projects'],
  [/^\/projects\/([^/]+)$/, page('projects', 'projectPage'), 'nav.projects'],
  [/^\/market(?:\/([^/]+))?$/, page('market', 'market'), 'nav.market'],
  [/^\/registry$/, page('registry', 'registry'), 'nav.registry'],
  [/^\/certificates\/(\d+)$/, page('certificate', 'certificate'), 'nav.registry'],
  [/^\/transparency$/, page('transparency', 'transparency'), 'nav.transparency'],
  [/^\/account$/, page('account', 'account'), 'nav.account'],
  [/^\/work$/, page('work', 'work'), 'nav.work'],
  [/^\/login$/, page('login', 'login'), 'nav.login'],
];

const ctx = { me: null };

async function whoami() {
  try {
    ctx.me = (await api('/me')).user;
  } catch {
    ctx.me = null;
  }
}

function header(active) {
  const nav = [
    ['/', 'nav.overview'], ['/projects', 'nav.projects'], ['/market', 'nav.market'],
    ['/registry', 'nav.registry'], ['/transparency', 'nav.transparency'],
  ];
  if (ctx.me) nav.push(['/account', 'nav.account']);
  if (ctx.me && ctx.me.role !== 'holder') nav.push(['/work', 'nav.work']);
  const other = currentLang() === 'zh-CN' ? 'en' : 'zh-CN';
  return el('div.bar', {},
    el('a.brand', { href: '/', 'data-route': '' }, el('span.brand-zh', {}, '碳汇'), ' tanhui'),
    el('nav', { 'aria-label': t('nav.label') }, el('ul', {}, nav.map(([href, key]) =>
      el('li', {}, el('a', { href, 'data-route': '', 'aria-current': key === active ? 'page' : null },
        t(key)))))),
    el('div.tools', {},
      el('button.lang', {
        type: 'button', id: 'lang-switch', lang: other, 'aria-label': t('lang.switch'),
        onclick: async () => { await loadLang(other); render(); },
      }, other === 'en' ? 'English' : '中文'),
      ctx.me
        ? [el('span.me', { id: 'me' }, `${ctx.me.name} · ${t(`role.${ctx.me.role}`)}`),
          el('button', { type: 'button', id: 'logout', onclick: logout }, t('nav.logout'))]
        : el('a.button', { href: '/login', 'data-route': '', id: 'login-link' }, t('nav.login'))));
}

async function logout() {
  await api('/logout', { method: 'POST' }).catch(() => {});
  ctx.me = null;
  go('/');
}

export function go(path) {
  history.pushState(null, '', path);
  render();
}

// Redraw the header and the page (after login, a language switch, or a write).
export async function render() {
  const path = location.pathname;
  let show = null;
  let params = [];
  let active = '';
  for (const [re, fn, key] of routes) {
    const m = re.exec(path);
    if (m) {
      show = fn;
      params = m.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p)));
      active = key;
      break;
    }
  }
  document.getElementById('top').replaceChildren(header(active));
  const main = document.getElementById('main');
  main.replaceChildren(el('p.loading', { role: 'status' }, t('loading')));
  document.title = `${t(active || 'nav.overview')} · ${t('app.title')}`;
  if (!show) {
    main.replaceChildren(notice('error', t('error.not_found')));
    return;
  }
  try {
    const view = el('div.page', {});
    await show(view, params, ctx);
    if (location.pathname === path) main.replaceChildren(view); // not a page left meanwhile
    performance.mark('tanhui:rendered');
  } catch (err) {
    main.replaceChildren(notice('error', `${t('error.load')}: ${err.message}`));
  }
}

ctx.go = go;
ctx.render = render;
ctx.refreshMe = whoami;

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-route]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', render);

// the first page's module loads alongside the language and the user
const first = routes.find(([re]) => re.test(location.pathname));
// (a page that fails to load says so when it is drawn: the preload's failure is not the app's)
await Promise.all([loadLang(), whoami(), first ? first[1].preload().catch(() => {}) : null]);
document.getElementById('foot').replaceChildren(
  el('p', {}, t('footer.text'), ' · ', el('a', { href: '/api/v1/openapi.json' }, 'API')));
render();
