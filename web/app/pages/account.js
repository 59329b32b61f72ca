// account.js — the logged-in account: its cash (balance, available, reserved), its credits by
// serial block (available and reserved), a transfer, a retirement with its beneficiary and
// reason (then its certificate), and the benefit-sharing payouts it received.
import { api } from '../api.js';
import { int, money, t, time } from '../i18n.js';
import { el, field, figure, link, notice, section, table } from '../ui.js';

export async function account(main, params, ctx) {
  if (!ctx.me) return main.append(notice('info', t('account.login')), link('/login', t('nav.login')));
  const id = ctx.me.account;
  const [acct, cash, holdings, payouts] = await Promise.all([
    api(`/accounts/${id}`), api(`/accounts/${id}/cash`), api(`/accounts/${id}/holdings`), api(`/accounts/${id}/payouts`),
  ]);
  main.append(el('h1', {}, acct.name),
    el('div.figures', {},
      figure(t('cash.balance'), money(cash.balance_fen), null, 'cash-balance'),
      figure(t('cash.available'), money(cash.available_fen), null, 'cash-available'),
      figure(t('cash.reserved'), money(cash.reserved_fen), null, 'cash-reserved'),
      figure(t('holdings.available'), `${int(holdings.available)} tCO2e`, null, 'credits-available'),
      figure(t('holdings.reserved'), `${int(holdings.reserved)} tCO2e`, null, 'credits-reserved')));
  main.append(el('div.columns', {}, moveForm(ctx, false), moveForm(ctx, true)));
  main.append(section(t('holdings.title'), table([t('col.serial'), t('col.project'), t('col.vintage'), t('col.quantity'), t('col.state')],
    holdings.blocks.map((b) => [link(`/registry?serial=${b.first}`, el('code', {}, b.serial)), b.project, String(b.vintage),
      { v: int(b.quantity), num: true }, t(`state.${b.state}`)]), { class: 'holdings', empty: t('empty') })));
  main.append(section(t('payouts.title'), el('p', {}, `${t('payouts.total')}: ${money(payouts.total_fen)}`),
    table([t('col.date'), t('col.project'), t('col.amount')], payouts.payouts.slice(0, 50).map((p) => [time(p.time),
      String(p.project), { v: money(p.amount_fen), num: true }]), { empty: t('empty') })));
}

function moveForm(ctx, retire) {
  const qty = el('input', { id: retire ? 'retire-qty' : 'transfer-qty', inputmode: 'numeric', required: true });
  const to = el('input', { id: 'transfer-to', required: true });
  const who = el('input', { id: 'retire-beneficiary', required: true });
  const why = el('input', { id: 'retire-reason', required: true, value: t('retire.default_reason') });
  const msg = el('div', { id: retire ? 'retire-result' : 'transfer-result', 'aria-live': 'polite' });
  return section(retire ? t('retire.title') : t('transfer.title'), el('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      const body = retire
        ? { from: ctx.me.account, qty: Number(qty.value), beneficiary: who.value, reason: why.value }
        : { from: ctx.me.account, to: to.value.trim(), qty: Number(qty.value) };
      try {
        const r = await api(retire ? '/retirements' : '/transfers', { method: 'POST', body });
        msg.replaceChildren(notice('ok', el('span', {}, t(retire ? 'retire.done' : 'transfer.done', { id: r.id, qty: int(r.quantity) }), ' ',
          link(`/certificates/${r.id}`, t('overview.certificate')))));
      } catch (err) {
        msg.replaceChildren(notice('error', err.message));
      }
    },
  }, retire ? [field(t('col.quantity'), qty), field(t('col.beneficiary'), who), field(t('cert.reason'), why)]
    : [field(t('transfer.to'), to), field(t('col.quantity'), qty)],
  el('button', { type: 'submit', id: retire ? 'retire-submit' : 'transfer-submit' }, retire ? t('retire.submit') : t('transfer.submit')), msg));
}
