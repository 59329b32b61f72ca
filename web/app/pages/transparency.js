// transparency.js — the log's checkpoints, and a consistency check between any two of them run
// here in the browser: both signatures verified with the log's key, and the consistency proof
// leading from the older root to the newer (RFC 9162 §2.1.4.2).
import { api } from '../api.js';
import { int, t, time } from '../i18n.js';
import { el, field, notice, section, table } from '../ui.js';
import { checkNote, parseVerifierKey, unhex, verifyConsistency } from '../merkle.js';

export async function transparency(main) {
  const [list, keyText, size] = await Promise.all([
    api('/log/checkpoints?limit=50'), api('/log/key', { text: true }), api('/log/size'),
  ]);
  const sizes = list.checkpoints.map((c) => c.size);
  const pick = (id, v) => el('select', { id }, sizes.map((s) => el('option', { value: String(s), selected: s === v }, int(s))));
  const oldSel = pick('old-size', sizes[Math.min(sizes.length - 1, 5)]);
  const newSel = pick('new-size', sizes[0]);
  const out = el('div', { id: 'consistency-result', 'aria-live': 'polite' });
  main.append(
    el('h1', {}, t('log.title')),
    el('p.lead', {}, t('log.lead', { size: int(size.size) })),
    section(t('log.key'), el('code.key', { id: 'log-key' }, keyText.trim())),
    section(t('log.check'),
      el('form.inline', {
        onsubmit: async (ev) => {
          ev.preventDefault();
          out.replaceChildren(notice('info', t('cert.checking')));
          out.replaceChildren(await consistency(Number(oldSel.value), Number(newSel.value), keyText));
        },
      }, field(t('log.old'), oldSel), field(t('log.new'), newSel),
      el('button', { type: 'submit', id: 'check-consistency' }, t('log.run'))), out),
    section(t('log.checkpoints'), table([t('col.size'), t('col.date'), t('col.root')],
      list.checkpoints.map((c) => [{ v: int(c.size), num: true }, time(c.created_at), el('code', {}, c.root)]))));
}

async function consistency(m, n, keyText) {
  try {
    if (m > n) [m, n] = [n, m];
    const vkey = await parseVerifierKey(keyText);
    const [a, b] = await Promise.all([
      api(`/log/checkpoint?size=${m}`, { text: true }), api(`/log/checkpoint?size=${n}`, { text: true }),
    ]);
    const [ca, cb] = await Promise.all([checkNote(a, vkey), checkNote(b, vkey)]);
    if (!ca.ok || !cb.ok) return notice('error', t('cert.bad_signature'));
    let ok = m === n ? ca.root.every((x, i) => x === cb.root[i]) : false;
    if (m !== n) {
      const p = await api(`/log/consistency/${m}/${n}`);
      ok = await verifyConsistency(m, n, p.proof.map(unhex), ca.root, cb.root);
    }
    return ok ? notice('ok', `✓ ${t('log.consistent', { m: int(m), n: int(n) })}`)
      : notice('error', t('log.inconsistent', { m: int(m), n: int(n) }));
  } catch (err) {
    return notice('error', err.message);
  }
}
