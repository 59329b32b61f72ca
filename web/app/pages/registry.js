// registry.js — the public registry: any serial number inside a block finds the block (who holds
// it, in what state) and its history (issuance, trades, transfers, retirement); or the
// retirements of an account, a project, a vintage.
import { api } from '../api.js';
import { int, price, t, time } from '../i18n.js';
import { el, field, link, notice, section, table } from '../ui.js';

export async function registry(main, params, ctx) {
  const q = new URLSearchParams(location.search);
  const serial = el('input', { id: 'serial', name: 'serial', inputmode: 'numeric', value: q.get('serial') || '',
    placeholder: t('registry.serial_hint') });
  const acct = el('input', { id: 'q-account', name: 'account', value: q.get('account') || '' });
  const proj = el('input', { id: 'q-project', name: 'project', value: q.get('project') || '' });
  const vint = el('input', { id: 'q-vintage', name: 'vintage', inputmode: 'numeric', value: q.get('vintage') || '' });
  const search = (ev, keys) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, inp] of keys) if (inp.value.trim()) p.set(k, inp.value.trim());
    ctx.go(`/registry?${p}`);
  };
  main.append(el('h1', {}, t('registry.title')),
    el('div.columns', {},
      section(t('registry.by_serial'), el('form.inline', { onsubmit: (ev) => search(ev, [['serial', serial]]) },
        field(t('col.serial'), serial), el('button', { type: 'submit', id: 'find-serial' }, t('registry.find')))),
      section(t('registry.by_holder'), el('form.inline', {
        onsubmit: (ev) => search(ev, [['account', acct], ['project', proj], ['vintage', vint]]),
      }, field(t('col.account'), acct), field(t('col.project'), proj), field(t('col.vintage'), vint),
      el('button', { type: 'submit', id: 'find-retirements' }, t('registry.find'))))));
  if (q.get('serial')) main.append(await serialView(q.get('serial').trim()));
  else if (q.get('account') || q.get('project') || q.get('vintage')) main.append(await retirementsView(q));
}

async function serialView(s) {
  const n = s.match(/(\d+)(?:-\d+)?$/)?.[1] ?? s;
  try {
    const r = await api(`/serials/${encodeURIComponent(n)}`);
    const b = r.block;
    return el('div', { id: 'serial-result' },
      section(`${t('registry.block')} ${b.serial}`,
        el('dl.facts', {},
          el('dt', {}, t('col.project')), el('dd', {}, link(`/projects/${b.project_id}`, `${b.project} ${r.project_name}`)),
          el('dt', {}, t('col.vintage')), el('dd', {}, String(b.vintage)),
          el('dt', {}, t('col.quantity')), el('dd', {}, int(b.quantity)),
          el('dt', {}, t('col.state')), el('dd', { id: 'block-state' }, t(`state.${b.state}`)),
          el('dt', {}, t('col.holder')), el('dd', {}, b.account.name))),
      section(t('registry.history', { n: String(r.serial) }), table(
        [t('col.date'), t('col.event'), t('col.detail')],
        r.history.map((h) => [time(h.time), t(`event.${h.kind}`), detail(h)]), { empty: t('empty') })));
  } catch (err) {
    return notice('error', err.message);
  }
}

function detail(h) {
  if (h.kind === 'issuance') return `${t('col.report')} ${h.report} → ${h.to.name}`;
  if (h.kind === 'trade') return `${h.from.name} → ${h.to.name} · ${h.instrument} @ ${price(h.price_fen)}`;
  if (h.kind === 'retirement') return el('span', {}, `${h.from.name} · ${h.beneficiary} · `, link(`/certificates/${h.move}`, t('overview.certificate')));
  if (h.kind === 'transfer') return el('span', {}, `${h.from.name} → ${h.to.name} · `, link(`/certificates/${h.move}`, t('overview.certificate')));
  return '';
}

async function retirementsView(q) {
  const p = new URLSearchParams({ limit: '100' });
  for (const k of ['account', 'project', 'vintage']) if (q.get(k)) p.set(k, q.get(k));
  try {
    const r = await api(`/retirements?${p}`);
    return section(t('overview.retirements'), table(
      [t('col.date'), t('col.account'), t('col.beneficiary'), t('col.quantity'), ''],
      r.retirements.map((c) => [time(c.date), c.account.name, c.beneficiary, { v: int(c.quantity), num: true },
        link(`/certificates/${c.id}`, t('overview.certificate'))]), { empty: t('empty') }));
  } catch (err) {
    return notice('error', err.message);
  }
}
