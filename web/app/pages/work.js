// work.js — the desk of a role: an owner uploads its two inventories, sees the measurement, and
// submits the report; a verifier verifies or rejects the reports of projects it does not own;
// the operator issues verified reports, records deposits and withdrawals, and opens and closes
// the instruments' sessions.
import { api } from '../api.js';
import { int, money, parseMoney, price, t, tonnes } from '../i18n.js';
import { el, field, link, notice, section, table } from '../ui.js';

export async function work(main, params, ctx) {
  if (!ctx.me) return main.append(notice('info', t('account.login')), link('/login', t('nav.login')));
  main.append(el('h1', {}, t(`work.${ctx.me.role}`)));
  if (ctx.me.role === 'owner') await owner(main, ctx);
  if (ctx.me.role === 'verifier') await verifier(main, ctx);
  if (ctx.me.role === 'operator') await operator(main, ctx);
}

function measurementView(m) {
  return el('div.measurement', { id: 'measurement' },
    el('dl.facts', {},
      el('dt', {}, t('col.period')), el('dd', {}, `${m.period_start} – ${m.period_end}`),
      el('dt', {}, t('col.parcels')), el('dd', {}, int(m.parcels)),
      el('dt', {}, t('measure.change')), el('dd', {}, tonnes(Math.round(m.change_tco2e))),
      el('dt', {}, t('measure.uncertainty')), el('dd', {}, tonnes(Math.round(m.uncertainty_deduction_tco2e))),
      el('dt', {}, t('col.net')), el('dd', {}, tonnes(Math.floor(m.net_tco2e))),
      el('dt', {}, t('col.credits')), el('dd', { id: 'measure-credits' }, int(m.credits_total)),
      el('dt', {}, t('supply.buffer')), el('dd', {}, int(m.buffer_credits))),
    el('ul.hashes', {}, (m.inputs || []).map((i) => el('li', {}, `${t(`role.${i.role}`)}: `, el('code', {}, i.sha256)))));
}

async function owner(main, ctx) {
  const { projects } = await api('/projects');
  const mine = projects.filter((p) => p.owner.id === ctx.me.account);
  const proj = el('select', { id: 'report-project' }, mine.map((p) => el('option', { value: String(p.id) }, `${p.code} ${p.name}`)));
  const before = el('input', { id: 'report-before', type: 'file', accept: '.csv,.txt,.gpkg', required: true });
  const after = el('input', { id: 'report-after', type: 'file', accept: '.csv,.txt,.gpkg', required: true });
  const unc = el('input', { id: 'report-uncertainty', inputmode: 'decimal', value: '12' });
  const out = el('div', { id: 'report-result', 'aria-live': 'polite' });
  let preview = null;
  const form = (dry) => {
    const f = new FormData();
    f.append('before', before.files[0]);
    f.append('after', after.files[0]);
    f.append('by', 'owner');
    f.append('uncertainty_pct', unc.value.trim() || '0');
    if (dry) f.append('dry_run', 'true');
    return f;
  };
  const submit = el('button', { type: 'button', id: 'report-submit', disabled: true, onclick: async () => {
    try {
      const r = await api(`/projects/${proj.value}/reports`, { method: 'POST', form: form(false) });
      submit.disabled = true;
      const done = notice('ok', t('report.submitted', { id: r.id, credits: int(r.credits_total) }));
      done.id = 'report-submitted';
      out.replaceChildren(done);
    } catch (err) {
      out.replaceChildren(notice('error', err.message));
    }
  } }, t('report.submit'));
  main.append(section(t('report.new'), el('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      out.replaceChildren(notice('info', t('report.measuring')));
      try {
        preview = await api(`/projects/${proj.value}/reports`, { method: 'POST', form: form(true) });
        out.replaceChildren(notice('ok', t('report.preview')), measurementView(preview.measurement));
        submit.disabled = false;
      } catch (err) {
        out.replaceChildren(notice('error', err.field ? `${err.field}: ${err.message}` : err.message));
      }
    },
  }, field(t('col.project'), proj), field(t('report.before'), before), field(t('report.after'), after),
  field(t('measure.uncertainty_pct'), unc),
  el('div.buttons', {}, el('button', { type: 'submit', id: 'report-measure' }, t('report.measure')), submit), out)));
  const reports = await api('/reports?limit=100');
  const ids = new Set(mine.map((p) => p.id));
  main.append(section(t('project.reports'), reportTable(reports.reports.filter((r) => ids.has(r.project.id)))));
}

function reportTable(rows, action) {
  return table([t('col.id'), t('col.project'), t('col.period'), t('col.credits'), t('col.status'), ''],
    rows.map((r) => [String(r.id), r.project.name, `${r.period_start} – ${r.period_end}`, { v: int(r.credits_total), num: true },
      t(`status.${r.status}`), action ? action(r) : '']), { empty: t('empty') });
}

async function verifier(main, ctx) {
  const box = el('div', { id: 'to-verify' });
  const draw = async () => {
    const { reports } = await api('/reports?status=submitted&limit=100');
    box.replaceChildren(reportTable(reports, (r) => el('span.actions', {},
      el('button.small', { type: 'button', 'data-verify': String(r.id), onclick: () => decide(r, true) }, t('report.verify')),
      el('button.small.secondary', { type: 'button', 'data-reject': String(r.id), onclick: () => decide(r, false) }, t('report.reject')))));
  };
  const msg = el('div', { id: 'decide-result', 'aria-live': 'polite' });
  const decide = async (r, ok) => {
    const body = {};
    if (!ok) {
      body.reason = prompt(t('report.reason'));
      if (!body.reason) return;
    }
    try {
      await api(`/reports/${r.id}/${ok ? 'verify' : 'reject'}`, { method: 'POST', body });
      msg.replaceChildren(notice('ok', t(ok ? 'report.verified' : 'report.rejected', { id: r.id })));
      await draw();
    } catch (err) {
      msg.replaceChildren(notice('error', err.message));
    }
  };
  await draw();
  main.append(section(t('report.to_verify'), msg, box));
}

async function operator(main, ctx) {
  const box = el('div', { id: 'to-issue' });
  const msg = el('div', { id: 'issue-result', 'aria-live': 'polite' });
  const draw = async () => {
    const { reports } = await api('/reports?status=verified&limit=100');
    box.replaceChildren(reportTable(reports, (r) => el('button.small', { type: 'button', 'data-issue': String(r.id), onclick: async () => {
      try {
        const res = await api(`/reports/${r.id}/issue`, { method: 'POST', body: {} });
        msg.replaceChildren(notice('ok', t('report.issued', { id: r.id, n: int(res.quantity ?? r.credits_total) })));
        await draw();
      } catch (err) {
        msg.replaceChildren(notice('error', err.message));
      }
    } }, t('report.issue'))));
  };
  await draw();
  main.append(section(t('report.to_issue'), msg, box));

  const acct = el('input', { id: 'cash-account', required: true });
  const amt = el('input', { id: 'cash-amount', inputmode: 'decimal', required: true });
  const ref = el('input', { id: 'cash-reference' });
  const kind = el('select', { id: 'cash-kind' }, el('option', { value: 'deposits' }, t('cash.deposit')), el('option', { value: 'withdrawals' }, t('cash.withdraw')));
  const cmsg = el('div', { id: 'cash-result', 'aria-live': 'polite' });
  main.append(section(t('cash.title'), el('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      if (parseMoney(amt.value) === null) return cmsg.replaceChildren(notice('error', t('error.price')));
      try {
        const body = { account: acct.value.trim(), amount: amt.value.trim() };
        if (ref.value.trim()) body.reference = ref.value.trim();
        const r = await api(`/cash/${kind.value}`, { method: 'POST', body });
        cmsg.replaceChildren(notice('ok', t('cash.done', { balance: money(r.balance_fen ?? 0) })));
      } catch (err) {
        cmsg.replaceChildren(notice('error', err.message));
      }
    },
  }, field(t('cash.kind'), kind), field(t('col.account'), acct), field(`${t('col.amount')} (¥)`, amt), field(t('cash.reference'), ref),
  el('button', { type: 'submit', id: 'cash-submit' }, t('cash.record')), cmsg)));

  const { instruments } = await api('/instruments');
  const smsg = el('div', { id: 'session-result', 'aria-live': 'polite' });
  const code = el('input', { id: 'ins-code', required: true, placeholder: 'SGFC-2025' });
  const vintage = el('input', { id: 'ins-vintage', inputmode: 'numeric', required: true });
  const project = el('input', { id: 'ins-project', placeholder: t('ins.any_project') });
  const refPrice = el('input', { id: 'ins-ref', inputmode: 'decimal', required: true });
  const maker = el('input', { id: 'ins-maker', inputmode: 'numeric', value: '5' });
  const taker = el('input', { id: 'ins-taker', inputmode: 'numeric', value: '10' });
  main.append(section(t('ins.title'), el('form.ticket', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { code: code.value.trim(), vintage: Number(vintage.value), ref_price: refPrice.value.trim(),
        maker_fee_bps: Number(maker.value), taker_fee_bps: Number(taker.value) };
      if (project.value.trim()) body.project = project.value.trim();
      try {
        await api('/instruments', { method: 'POST', body });
        ctx.render();
      } catch (err) {
        smsg.replaceChildren(notice('error', err.message));
      }
    },
  }, field(t('col.code'), code), field(t('col.vintage'), vintage), field(t('col.project'), project),
  field(`${t('market.ref')} (¥)`, refPrice), field(t('ins.maker'), maker), field(t('ins.taker'), taker),
  el('button', { type: 'submit', id: 'ins-submit' }, t('ins.add')))));
  main.append(section(t('session.title'), smsg, table([t('col.code'), t('col.vintage'), t('market.ref'), t('col.status'), ''],
    instruments.map((i) => [i.code, String(i.vintage), { v: price(i.ref_price_fen), num: true }, t(`session.${i.session}`),
      el('span.actions', {}, ['preopen', 'open', 'close'].map((to) => el('button.small', { type: 'button', 'data-session': `${i.code}:${to}`, onclick: async () => {
        try {
          await api(`/instruments/${encodeURIComponent(i.code)}/session`, { method: 'POST', body: { to } });
          ctx.render();
        } catch (err) {
          smsg.replaceChildren(notice('error', err.message));
        }
      } }, t(`session.do_${to}`))))]))));
}
