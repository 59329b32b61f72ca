// certificate.js — a retirement certificate, printable, with a QR code of its own address, and
// its proof checked here in the browser: the log entry's bytes hash to the leaf, the inclusion
// proof leads from that leaf to the root of the latest checkpoint, and the checkpoint's Ed25519
// signature verifies with the log's key. The "verified" badge shows only when all three hold
// and the entry is this retirement's.
import { api, apiBytes } from '../api.js';
import { int, t, time } from '../i18n.js';
import { el, link, notice, table } from '../ui.js';
import { checkNote, leafHash, parseVerifierKey, unhex, verifyInclusion } from '../merkle.js';
import { loadQrcode } from '../vendor.js';

export async function certificate(main, [id]) {
  const c = await api(`/certificates/${id}`);
  const retired = c.type === 'retirement';
  const badge = el('div.badge.pending', { id: 'proof-badge', role: 'status' }, t('cert.checking'));
  const qr = el('div.qr', { id: 'qr', 'aria-label': t('cert.qr') });
  main.append(el('article.certificate', {},
    el('header.cert-head', {},
      el('div', {},
        el('p.cert-kicker', {}, t('cert.kicker')),
        el('h1', {}, retired ? t('cert.title') : t('cert.transfer_title')),
        el('p.cert-no', {}, `${t('cert.number')} ${c.id}`)),
      qr),
    el('dl.cert-fields', {},
      el('dt', {}, t('col.date')), el('dd', {}, time(c.date)),
      el('dt', {}, retired ? t('cert.account') : t('cert.from')), el('dd', {}, c.account?.name ?? c.from?.name),
      retired ? [el('dt', {}, t('col.beneficiary')), el('dd', { id: 'cert-beneficiary' }, c.beneficiary),
        el('dt', {}, t('cert.reason')), el('dd', {}, c.reason),
        c.jurisdiction ? [el('dt', {}, t('cert.jurisdiction')), el('dd', {}, c.jurisdiction)] : null]
        : [el('dt', {}, t('cert.to')), el('dd', {}, c.to?.name)],
      el('dt', {}, t('col.quantity')), el('dd.big', { id: 'cert-quantity' }, `${int(c.quantity)} tCO2e`)),
    table([t('col.serial'), t('col.quantity')],
      c.blocks.map((b) => [link(`/registry?serial=${b.first}`, el('code', {}, b.serial)), { v: int(b.quantity), num: true }])),
    el('footer.cert-proof', {}, badge, el('p.hint', { id: 'proof-detail' })),
    el('p.no-print', {}, el('button', { type: 'button', onclick: () => window.print() }, t('cert.print')))));
  loadQrcode().then((qrcode) => {
    const q = qrcode(0, 'M');
    q.addData(location.href);
    q.make();
    qr.append(el('img', { src: q.createDataURL(4, 8), alt: location.href, width: '144', height: '144' }));
  });
  prove(c, badge, main.querySelector('#proof-detail'));
}

async function prove(c, badge, detail) {
  const fail = (why) => {
    badge.className = 'badge failed';
    badge.textContent = t('cert.not_verified');
    detail.textContent = why;
  };
  try {
    if (c.log_index === undefined) return fail(t('cert.no_entry'));
    const [entry, note, keyText] = await Promise.all([
      apiBytes(`/log/entries/${c.log_index}`), api('/log/checkpoint', { text: true }), api('/log/key', { text: true }),
    ]);
    const vkey = await parseVerifierKey(keyText);
    let cp = await checkNote(note, vkey);
    // under load the server signs at most one checkpoint a second (serve --sign-every): an entry
    // just made may not be covered yet, so the page waits for the next one, up to 15 s
    for (let tries = 0; cp.ok && cp.size <= c.log_index && tries < 30; tries++) {
      detail.textContent = t('cert.awaiting_checkpoint');
      await new Promise((resolve) => setTimeout(resolve, 500));
      cp = await checkNote(await api('/log/checkpoint', { text: true }), vkey);
    }
    if (!cp.ok) return fail(t('cert.bad_signature'));
    if (cp.size <= c.log_index) return fail(t('cert.unsigned'));
    const ev = JSON.parse(new TextDecoder().decode(entry));
    const kind = c.type === 'retirement' ? 'retire' : 'transfer';
    if (ev.type !== kind || ev.move !== c.id || ev.qty !== c.quantity) return fail(t('cert.wrong_entry'));
    const proof = await api(`/log/proof/${c.log_index}?size=${cp.size}`);
    const leaf = await leafHash(entry);
    const ok = await verifyInclusion(c.log_index, cp.size, leaf, proof.proof.map(unhex), cp.root);
    if (!ok) return fail(t('cert.bad_proof'));
    badge.className = 'badge verified';
    badge.textContent = `✓ ${t('cert.verified')}`;
    detail.textContent = t('cert.verified_detail', { index: c.log_index, size: cp.size, origin: cp.origin });
  } catch (err) {
    fail(err.message);
  }
}
