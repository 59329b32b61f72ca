// projects.js — the projects, and a project's page: its parcels on a map drawn from their
// geometry (no tile server), carbon by owner and by forest type, its monitoring reports with
// their inputs' hashes, its issuances with their serial blocks, its beneficiaries and payouts.
import { api } from '../api.js';
import { chart, esc, GREEN } from '../charts.js';
import { abbrev, currentLang, int, money, t, time, tonnes } from '../i18n.js';
import { el, figure, link, section, table } from '../ui.js';

export async function projectList(main) {
  const [{ projects }, supply] = await Promise.all([api('/projects'), api('/supply')]);
  const issued = {};
  for (const b of supply.by) issued[b.project] = (issued[b.project] || 0) + b.issued;
  main.append(el('h1', {}, t('projects.title')), table(
    [t('col.code'), t('col.name'), t('col.owner'), t('col.issued'), t('col.status')],
    projects.map((p) => [p.code, link(`/projects/${p.id}`, p.name), p.owner.name,
      { v: int(issued[p.code] || 0), num: true }, t(`status.${p.status}`)]),
    { class: 'projects', empty: t('empty') }));
}

export async function projectPage(main, [id], ctx) {
  const p = await api(`/projects/${encodeURIComponent(id)}`);
  const [reports, supply, benef, issuances] = await Promise.all([
    api(`/reports?project=${p.id}&limit=1000`), api('/supply'),
    api(`/projects/${p.id}/beneficiaries`), api(`/projects/${p.id}/issuances`),
  ]);
  const mine = supply.by.filter((b) => b.project === p.code);
  const sum = (k) => mine.reduce((s, b) => s + b[k], 0);
  main.append(
    el('h1', {}, p.name),
    el('p.lead', {}, `${p.code} · ${t('col.owner')}: ${p.owner.name} · ${t('project.buffer')}: ${p.buffer_pct}%`),
    el('div.figures', {},
      figure(t('supply.issued'), tonnes(sum('issued')), abbrev(sum('issued'))),
      figure(t('supply.held'), tonnes(sum('held'))),
      figure(t('supply.retired'), tonnes(sum('retired'))),
      figure(t('supply.buffer'), tonnes(sum('buffer')))));
  const latest = reports.reports[0];
  if (latest) {
    const full = await api(`/reports/${latest.id}`);
    const mapBox = el('div.chart.map', { id: 'parcel-map', role: 'img', 'aria-label': t('project.map') });
    const typeBox = el('div.chart', { id: 'type-chart', role: 'img', 'aria-label': t('project.by_type') });
    main.append(el('div.columns', {},
      section(t('project.map'), mapBox, el('p.hint', {}, t('project.map_hint'))),
      section(t('project.by_type'), typeBox)));
    const owners = [...full.measurement.by].sort((a, b) => b.change_tco2e - a.change_tco2e);
    main.append(section(t('project.by_owner'), table(
      [t('col.owner'), t('col.parcels'), t('col.area'), t('col.change')],
      owners.slice(0, 50).map((o) => [o.key, { v: int(o.parcels), num: true },
        { v: o.area_ha.toFixed(2), num: true }, { v: tonnes(Math.round(o.change_tco2e)), num: true }]),
      { caption: owners.length > 50 ? t('project.top', { n: 50, all: owners.length }) : null })));
    api(`/projects/${p.id}/parcels`).then((geo) => {
      drawMap(mapBox, geo.parcels);
      drawTypes(typeBox, geo.parcels);
    });
  }
  main.append(section(t('project.reports'), table(
    [t('col.id'), t('col.period'), t('col.net'), t('col.credits'), t('col.status'), t('col.inputs')],
    await Promise.all(reports.reports.map(async (r) => {
      const full = await api(`/reports/${r.id}`);
      return [String(r.id), `${r.period_start} – ${r.period_end}`,
        { v: tonnes(Math.floor(r.net_tco2e)), num: true }, { v: int(r.credits_total), num: true },
        t(`status.${r.status}`),
        el('ul.hashes', {}, (full.measurement.inputs || []).map((i) =>
          el('li', {}, `${t(`role.${i.role}`)}: `, el('code', { title: i.sha256 }, i.sha256))))];
    })), { empty: t('empty') })));
  main.append(section(t('project.issuances'), table(
    [t('col.id'), t('col.date'), t('col.report'), t('col.quantity'), t('col.blocks')],
    issuances.issuances.map((i) => [String(i.id), time(i.created_at), String(i.report),
      { v: int(i.quantity), num: true },
      el('ul.hashes', {}, i.blocks.map((b) => el('li', {}, link(`/registry?serial=${b.first}`, el('code', {}, b.serial)),
        ` (${t(`account.${b.role}`)})`)))]), { empty: t('empty') })));
  const total = benef.beneficiaries.reduce((s, b) => s + b.weight, 0);
  // what each was paid is the account's own business: shown to the operator only
  const payouts = ctx.me?.role === 'operator'
    ? await Promise.all(benef.beneficiaries.slice(0, 20).map((b) => api(`/accounts/${b.account}/payouts`).catch(() => null)))
    : [];
  const paid = payouts.length > 0;
  main.append(section(t('project.beneficiaries'), table(
    [t('col.account'), t('col.share'), paid ? t('col.payouts') : null].filter(Boolean),
    benef.beneficiaries.slice(0, 20).map((b, i) => [b.name,
      { v: `${((100 * b.weight) / total).toFixed(2)}%`, num: true },
      paid ? { v: payouts[i] ? money(payouts[i].total_fen) : '—', num: true } : null].filter((c) => c !== null)),
    { caption: benef.beneficiaries.length > 20 ? t('project.top', { n: 20, all: benef.beneficiaries.length }) : null,
      empty: t('empty') })));
}

function drawMap(box, parcels) {
  const data = parcels.filter((f) => f.ring).map((f) => ({
    name: f.key, value: f.change_tco2e, ring: f.ring,
  }));
  const max = Math.max(1, ...data.map((d) => Math.abs(d.value)));
  chart(box, {
    tooltip: { formatter: (p) => `${esc(p.data.name)}<br>${esc(tonnes(Math.round(p.data.value[2])))}` },
    xAxis: { type: 'value', scale: true, show: false }, yAxis: { type: 'value', scale: true, show: false },
    grid: { left: 5, right: 5, top: 5, bottom: 5 },
    visualMap: { min: -max, max, dimension: 2, inRange: { color: ['#c0392b', '#f3efe0', GREEN] },
      orient: 'horizontal', left: 'center', bottom: 0, calculable: false, show: false },
    series: [{
      type: 'custom', coordinateSystem: 'cartesian2d',
      data: data.map((d) => ({ name: d.name, value: [d.ring[0][0], d.ring[0][1], d.value], ring: d.ring })),
      renderItem: (params, api2) => {
        const ring = data[params.dataIndex].ring.map((pt) => api2.coord(pt));
        return { type: 'polygon', shape: { points: ring }, style: { fill: api2.visual('color'), stroke: '#4a5a4f', lineWidth: 0.3 } };
      },
    }],
  });
}

function drawTypes(box, parcels) {
  const by = new Map();
  for (const f of parcels) {
    const k = (currentLang() === 'zh-CN' && f.forest_type_zh) || f.forest_type || '?';
    by.set(k, (by.get(k) || 0) + f.change_tco2e);
  }
  const rows = [...by].map(([key, change]) => ({ key, change_tco2e: change }));
  chart(box, {
    tooltip: { trigger: 'item', formatter: (p) => esc(`${p.name}: ${tonnes(Math.round(p.value))} (${p.percent}%)`) },
    series: [{ type: 'pie', radius: ['35%', '70%'],
      data: rows.filter((r) => r.change_tco2e > 0).map((r) => ({ name: r.key, value: r.change_tco2e })) }],
  });
}
