// charts.js — Apache ECharts, loaded only when a chart is drawn (after the page's text, so the
// figures render first), from the app's own copy under /assets/.
import { loadEcharts } from './vendor.js';

const live = new Set();
window.addEventListener('resize', () => live.forEach((c) => c.resize()));

// Draw option into box (a div that has its size from CSS); returns the chart.
export async function chart(box, option) {
  const echarts = await loadEcharts();
  for (const c of live) if (!c.getDom().isConnected) { c.dispose(); live.delete(c); }
  const c = echarts.init(box, null, { renderer: 'canvas' });
  c.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...option });
  live.add(c);
  box.dataset.ready = 'true';
  return c;
}

export const GREEN = '#1f7a4d';
export const RED = '#c0392b';

// Text for a tooltip formatter (ECharts renders it as HTML): names from inventories and
// parameter tables are the users' own text, never markup.
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
