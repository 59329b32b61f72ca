// overview.js — the registry at a glance: removals measured and credits issued, held, retired,
// cancelled and in the buffer, every tonne in the text; the price chart; the latest retirements
// and the latest signed checkpoint.
import { api } from '../api.js';
import { chart, GREEN } from '../charts.js';
import { abbrev, date, int, price, t, time, tonnes } from '../i18n.js';
import { el, figure, link, section, table } from '../ui.js';

export async function overview(main) {
  const [supply, reports, instruments, retirements, checkpoint] = await Promise.all([
    api('/supply'), api('/reports?limit=1000'), api('/instruments'),
    api('/retirements?limit=5'), api('/log/checkpoint', { text: true }),
  ]);
  // net removals of every report not rejected (submitted, verified or issued), whole tonnes
  const measured = Math.floor(reports.reports.filter((r) => r.status !== 'rejected')
    .reduce((s, r) => s + r.net_tco2e, 0));
  const fig = (key, n, id) => figure(t(key), tonnes(n), abbrev(n), id);
  main.append(
    el('h1', {}, t('overview.title')),
    el('p.lead', {}, t('overview.lead')),
    el('div.figures', {},
      fig('supply.measured', measured, 'fig-measured'),
      fig('supply.issued', supply.issued, 'fig-issued'),
      fig('supply.held', supply.held, 'fig-held'),
      fig('supply.retired', supply.retired, 'fig-retired'),
      fig('supply.cancelled', supply.cancelled, 'fig-cancelled'),
      fig('supply.buffer', supply.buffer, 'fig-buffer')));
  const code = instruments.instruments[0]?.code;
  const box = el('div.chart', { id: 'price-chart', role: 'img', 'aria-label': t('overview.price') });
  main.append(
    section(code ? `${t('overview.price')} · ${code}` : t('overview.price'), box),
    el('div.columns', {},
      section(t('overview.retirements'), table(
        [t('col.date'), t('col.beneficiary'), t('col.quantity'), ''],
        retirements.retirements.map((r) => [time(r.date), r.beneficiary, { v: int(r.quantity), num: true },
          link(`/certificates/${r.id}`, t('overview.certificate'))]),
        { empty: t('empty') })),
      section(t('overview.checkpoint'), el('pre.checkpoint', { id: 'checkpoint' }, checkpoint),
        link('/transparency', t('overview.verify_log')))));
  // the chart after the figures: the page does not wait for it
  if (code) drawPrice(box, code);
}

async function drawPrice(box, code) {
  const bars = await api(`/instruments/${encodeURIComponent(code)}/bars?interval=1d`);
  chart(box, {
      grid: { left: 50, right: 20, top: 20, bottom: 30 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: bars.bars.map((b) => date(b.start)) },
      yAxis: { type: 'value', scale: true },
      series: [{ type: 'line', name: t('col.close'), data: bars.bars.map((b) => price(b.close_fen)),
        itemStyle: { color: GREEN }, areaStyle: { opacity: 0.08 } }],
  });
}
