// market.js — an instrument's market: the order book with its depth chart, the tape, candlesticks
// with volume, and for a logged-in account the order ticket (limit, market; GTC, DAY, IOC, FOK,
// post-only), taking a listing (挂牌点选), its open orders with cancel and replace, and its
// fills; then the one-way auctions and block trades. The book and the tape follow the server's
// event stream (/api/v1/stream) while the page is open.
import { api } from '../api.js';
import { chart, GREEN, RED } from '../charts.js';
import { int, parseMoney, price, t, time } from '../i18n.js';
import { el, field, link, notice, section, table } from '../ui.js';

let stream = null;

export async function market(main, [code], ctx) {
  const { instruments } = await api('/instruments');
  if (!instruments.length) return main.append(notice('info', t('empty')));
  const ins = instruments.find((i) => i.code === code) || instruments[0];
  const c = encodeURIComponent(ins.code);
  main.append(el('h1', {}, `${t('market.title')} · ${ins.code}`),
    el('nav.tabs', { 'aria-label': t('market.instruments') }, instruments.map((i) =>
      link(`/market/${encodeURIComponent(i.code)}`, el('span', { 'aria-current': i.code === ins.code ? 'page' : null }, i.code)))),
    el('p.lead', {}, t('market.lead', {
      ref: price(ins.ref_price_fen), lo: price(ins.band_lo_fen), hi: price(ins.band_hi_fen),
      session: t(`session.${ins.session}`), vintage: ins.vintage,
    })));
  const bookBox = el('div', { id: 'book' });
  const depth = el('div.chart', { id: 'depth-chart', role: 'img', 'aria-label': t('market.depth') });
  const tape = el('div', { id: 'tape' });
  const candles = el('div.chart.tall', { id: 'candles', role: 'img', 'aria-label': t('market.candles') });
  main.append(el('div.columns', {}, section(t('market.book'), bookBox, depth), section(t('market.tape'), tape)),
    section(t('market.candles'), candles));
  const refresh = async () => {
    const [book, trades] = await Promise.all([api(`/instruments/${c}/book`), api(`/instruments/${c}/trades?limit=20`)]);
    drawBook(bookBox, depth, book, ctx, ins);
    tape.replaceChildren(table([t('col.time'), t('col.price'), t('col.quantity'), t('col.side')],
      trades.trades.map((x) => [time(x.time), { v: x.price, num: true }, { v: int(x.qty), num: true },
        t(`side.${x.aggressor}`)]), { empty: t('empty') }));
  };
  await refresh();
  const bars = await api(`/instruments/${c}/bars?interval=1h`);
  drawCandles(candles, bars.bars);

  if (ctx.me) {
    const mine = el('div', { id: 'my-orders' });
    main.append(el('div.columns', {}, ticket(ins, ctx, async () => { await refresh(); await myOrders(mine, ins, ctx, refresh); }),
      section(t('market.my_orders'), mine)));
    await myOrders(mine, ins, ctx, refresh);
  } else {
    main.append(notice('info', t('market.login_to_trade')));
  }
  const [auctions, blocks] = await Promise.all([api('/auctions'), api('/blocks')]);
  const mineAuctions = auctions.auctions.filter((a) => a.instrument === ins.code);
  const mineBlocks = blocks.block_trades.filter((b) => b.instrument === ins.code);
  const acted = el('div', { id: 'deal-result', 'aria-live': 'polite' });
  const act = async (path, body) => {
    try {
      await api(path, { method: 'POST', body });
      ctx.render();
    } catch (err) {
      acted.replaceChildren(notice('error', err.message));
    }
  };
  main.append(acted, el('div.columns', {},
    section(t('market.auctions'), table([t('col.id'), t('col.quantity'), t('col.reserve'), t('col.ends'), t('col.status'), t('col.clearing'), ''],
      mineAuctions.map((a) => [String(a.id), { v: int(a.qty), num: true },
        { v: a.reserve, num: true }, time(a.ends_at), t(`status.${a.status}`),
        { v: a.clearing_fen ? price(a.clearing_fen) : '—', num: true },
        ctx.me && a.status === 'open' && a.seller !== ctx.me.account
          ? el('button.small', { type: 'button', 'data-bid': String(a.id), onclick: () => {
            const p = prompt(t('market.bid_price', { reserve: a.reserve }), a.reserve);
            const q = p && prompt(t('market.bid_qty'), String(Math.min(a.qty, 100)));
            if (q) act(`/auctions/${a.id}/bids`, { account: ctx.me.account, price: p, qty: Number(q) });
          } }, t('market.bid')) : '']), { empty: t('empty') })),
    section(t('market.blocks'), table([t('col.id'), t('col.date'), t('col.price'), t('col.quantity'), t('col.status'), ''],
      mineBlocks.map((b) => [String(b.id), time(b.created_at),
        { v: b.price, num: true }, { v: int(b.qty), num: true }, t(`status.${b.status}`),
        ctx.me && b.status === 'proposed' && b.buyer === ctx.me.account
          ? el('button.small', { type: 'button', 'data-accept': String(b.id), onclick: () => act(`/blocks/${b.id}/accept`, {}) }, t('market.accept'))
          : '']), { empty: t('empty') }),
    ctx.me ? blockForm(ins, ctx, act) : null)));

  if (stream) stream.close();
  stream = new EventSource(`/api/v1/stream?instrument=${c}`);
  let pending = null;
  const soon = () => {
    if (!bookBox.isConnected) { stream.close(); return; }
    clearTimeout(pending);
    pending = setTimeout(refresh, 200);
  };
  stream.addEventListener('trade', soon);
  stream.addEventListener('book', soon);
}

function drawBook(box, depthBox, book, ctx, ins) {
  const asks = [...book.asks].reverse();
  const row = (l) => [{ v: l.price, num: true }, { v: int(l.qty), num: true }, { v: int(l.orders), num: true }];
  box.replaceChildren(table([t('col.price'), t('col.quantity'), t('col.orders')],
    [...asks.map(row), ...book.bids.map(row)], { class: 'book', empty: t('market.empty_book') }),
  ctx.me ? table([t('col.listing'), t('col.price'), t('col.quantity'), ''], (book.listings || []).map((l) => [String(l.id),
    { v: l.price, num: true }, { v: int(l.qty), num: true },
    el('button.small', { type: 'button', 'data-listing': String(l.id), onclick: () => pick(ctx, l) }, t('market.pick'))]),
  { caption: t('market.listings'), empty: t('empty') }) : null);
  box.querySelectorAll('tbody tr').forEach((tr, i) => tr.classList.add(i < asks.length ? 'ask' : 'bid'));
  let cum = 0;
  const bidPts = book.bids.map((l) => [l.price_fen / 100, (cum += l.qty)]);
  cum = 0;
  const askPts = book.asks.map((l) => [l.price_fen / 100, (cum += l.qty)]);
  chart(depthBox, {
    grid: { left: 50, right: 20, top: 10, bottom: 30 }, tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', scale: true }, yAxis: { type: 'value' },
    series: [
      { type: 'line', step: 'end', name: t('side.buy'), data: bidPts, areaStyle: { opacity: 0.2 }, itemStyle: { color: GREEN }, symbol: 'none' },
      { type: 'line', step: 'start', name: t('side.sell'), data: askPts, areaStyle: { opacity: 0.2 }, itemStyle: { color: RED }, symbol: 'none' },
    ],
  });
}

function drawCandles(box, bars) {
  // Chinese markets colour a rise red and a fall green
  chart(box, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'cross' } },
    grid: [{ left: 55, right: 20, top: 10, height: '58%' }, { left: 55, right: 20, top: '74%', height: '16%' }],
    // "2026-11-25T09:00:00+08:00" → "11-25 09:00" (the bars are in the market's zone already)
    xAxis: [{ type: 'category', data: bars.map((b) => b.start.slice(5, 16).replace('T', ' ')) },
      { type: 'category', gridIndex: 1, data: bars.map((b) => b.start), axisLabel: { show: false } }],
    yAxis: [{ scale: true }, { gridIndex: 1, splitNumber: 2 }],
    dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }],
    series: [
      { type: 'candlestick', name: 'K', data: bars.map((b) => [b.open_fen / 100, b.close_fen / 100, b.low_fen / 100, b.high_fen / 100]),
        itemStyle: { color: RED, color0: GREEN, borderColor: RED, borderColor0: GREEN } },
      { type: 'bar', name: t('col.volume'), xAxisIndex: 1, yAxisIndex: 1, data: bars.map((b) => b.volume), itemStyle: { color: '#7f8c8d' } },
    ],
  });
}

function ticket(ins, ctx, after) {
  const side = el('select', { id: 'order-side' }, ['buy', 'sell'].map((s) => el('option', { value: s }, t(`side.${s}`))));
  const type = el('select', { id: 'order-type' }, ['limit', 'market'].map((s) => el('option', { value: s }, t(`type.${s}`))));
  const tif = el('select', { id: 'order-tif' }, ['gtc', 'day', 'ioc', 'fok', 'post'].map((s) => el('option', { value: s }, t(`tif.${s}`))));
  const px = el('input', { id: 'order-price', inputmode: 'decimal', value: price(ins.ref_price_fen) });
  const qty = el('input', { id: 'order-qty', inputmode: 'numeric', value: '100' });
  const msg = el('div', { id: 'order-result', 'aria-live': 'polite' });
  type.addEventListener('change', () => { px.disabled = type.value === 'market'; });
  return section(t('market.ticket'), el('form.ticket', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { account: ctx.me.account, instrument: ins.code, side: side.value, type: type.value, qty: Number(qty.value), tif: tif.value };
      if (type.value === 'limit') {
        if (parseMoney(px.value) === null) return msg.replaceChildren(notice('error', t('error.price')));
        body.price = px.value.trim();
      }
      try {
        const o = await api('/orders', { method: 'POST', body });
        const filled = (o.fills || []).reduce((s, f) => s + f.qty, 0);
        msg.replaceChildren(notice('ok', t('market.placed', { id: o.id, status: t(`status.${o.status}`), filled: int(filled) })));
        await after();
      } catch (err) {
        msg.replaceChildren(notice('error', err.message));
      }
    },
  }, field(t('col.side'), side), field(t('col.type'), type), field(t('col.tif'), tif),
  field(`${t('col.price')} (¥)`, px), field(t('col.quantity'), qty),
  el('button', { type: 'submit', id: 'order-submit' }, t('market.place')), msg));
}

// A block trade (大宗协议) proposed to a named buyer, at a price within ±30 % of the reference.
function blockForm(ins, ctx, act) {
  const buyer = el('input', { id: 'block-buyer', required: true });
  const px = el('input', { id: 'block-price', inputmode: 'decimal', value: price(ins.ref_price_fen), required: true });
  const qty = el('input', { id: 'block-qty', inputmode: 'numeric', value: String(ins.block_min), required: true });
  return el('form.ticket', { onsubmit: (ev) => {
    ev.preventDefault();
    act('/blocks', { seller: ctx.me.account, buyer: buyer.value.trim(), instrument: ins.code, price: px.value.trim(), qty: Number(qty.value) });
  } }, field(t('market.block_buyer'), buyer), field(`${t('col.price')} (¥)`, px), field(t('col.quantity'), qty),
  el('button', { type: 'submit', id: 'block-propose' }, t('market.propose')));
}

async function pick(ctx, listing) {
  const qty = prompt(t('market.pick_qty', { price: listing.price }), String(Math.min(listing.qty, 100)));
  if (!qty) return;
  try {
    await api('/picks', { method: 'POST', body: { account: ctx.me.account, listing: listing.id, qty: Number(qty) } });
    ctx.render();
  } catch (err) {
    alert(err.message);
  }
}

async function myOrders(box, ins, ctx, refresh) {
  const [open, done] = await Promise.all([
    api(`/accounts/${ctx.me.account}/orders?status=open&instrument=${encodeURIComponent(ins.code)}&limit=50`),
    api(`/accounts/${ctx.me.account}/orders?status=filled&instrument=${encodeURIComponent(ins.code)}&limit=10`),
  ]);
  const again = () => myOrders(box, ins, ctx, refresh).then(refresh);
  box.replaceChildren(
    table([t('col.id'), t('col.side'), t('col.price'), t('col.remaining'), ''],
      open.orders.map((o) => [String(o.id), t(`side.${o.side}`), { v: o.price, num: true }, { v: int(o.remaining), num: true },
        el('span.actions', {},
          el('button.small', { type: 'button', 'data-cancel': String(o.id), onclick: async () => {
            try { await api(`/orders/${o.id}`, { method: 'DELETE' }); await again(); } catch (err) { alert(err.message); }
          } }, t('market.cancel')),
          el('button.small', { type: 'button', 'data-replace': String(o.id), onclick: async () => {
            const p = prompt(t('market.replace_price'), o.price);
            if (!p) return;
            const q = prompt(t('market.replace_qty'), String(o.remaining));
            if (!q) return;
            try { await api(`/orders/${o.id}`, { method: 'PUT', body: { price: p, qty: Number(q) } }); await again(); } catch (err) { alert(err.message); }
          } }, t('market.replace')))]), { caption: t('market.open_orders'), empty: t('empty') }),
    table([t('col.id'), t('col.side'), t('col.price'), t('col.filled'), t('col.date')],
      done.orders.map((o) => [String(o.id), t(`side.${o.side}`), { v: o.price, num: true }, { v: int(o.filled), num: true }, time(o.closed_at)]),
      { caption: t('market.fills'), empty: t('empty') }));
}
