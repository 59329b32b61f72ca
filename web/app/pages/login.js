// login.js — name and password; the server answers with an HttpOnly session cookie.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { el, field, notice } from '../ui.js';

export async function login(main, params, ctx) {
  const name = el('input', { id: 'login-name', name: 'name', autocomplete: 'username', required: true });
  const pw = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = el('div', { 'aria-live': 'polite' });
  main.append(el('h1', {}, t('nav.login')), el('form.card.narrow', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await api('/login', { method: 'POST', body: { name: name.value, password: pw.value } });
        await ctx.refreshMe();
        ctx.go(ctx.me.role === 'holder' ? '/account' : '/work');
      } catch (err) {
        msg.replaceChildren(notice('error', err.status === 401 ? t('login.wrong') : err.message));
      }
    },
  }, field(t('login.name'), name), field(t('login.password'), pw), msg,
  el('button', { type: 'submit', id: 'login-submit' }, t('nav.login'))));
  name.focus();
}
