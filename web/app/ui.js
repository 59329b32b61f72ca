// ui.js — building the DOM without innerHTML: data from the API is always text, never markup.

// el('tag.class1.class2', {attr: value, onclick: fn}, ...children): children may be strings,
// numbers, nodes, arrays or null (skipped).
export function el(spec, props = {}, ...kids) {
  const [tag, ...classes] = spec.split('.');
  const n = document.createElement(tag || 'div');
  if (classes.length) n.className = classes.join(' ');
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else if (k === 'text') n.textContent = v;
    else if (k in n && k !== 'list' && typeof v !== 'string') n[k] = v;
    else n.setAttribute(k, v === true ? '' : v);
  }
  add(n, kids);
  return n;
}

function add(n, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) add(n, k);
    else n.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

// A table: headers, and rows of cells (a cell is text, a node, or {v, num: true} for figures).
export function table(heads, rows, opts = {}) {
  return el('div.table-wrap', {},
    el('table', { class: opts.class || '' },
      opts.caption ? el('caption', {}, opts.caption) : null,
      el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.length === 0
        ? el('tr', {}, el('td.empty', { colspan: String(heads.length) }, opts.empty || '—'))
        : rows.map((r) => el('tr', {}, r.map((c) =>
          c && typeof c === 'object' && !(c instanceof Node) && 'v' in c
            ? el(c.num ? 'td.num' : 'td', {}, c.v) : el('td', {}, c)))))));
}

// A link inside the app (the router takes the click: no page load).
export function link(href, ...kids) {
  return el('a', { href, 'data-route': '' }, ...kids);
}

// A figure: a label and its exact value (and an abbreviation beside it when given).
export function figure(label, value, note, id) {
  return el('div.figure', { id },
    el('div.figure-label', {}, label),
    el('div.figure-value', {}, value),
    note ? el('div.figure-note', {}, note) : null);
}

// A message box for errors and results; role=alert so screen readers hear it.
export function notice(kind, text) {
  return el(`div.notice.${kind}`, { role: kind === 'error' ? 'alert' : 'status' }, text);
}

// A labelled form field.
export function field(label, input) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return el('div.field', {}, el('label', { for: id }, label), input);
}

export function section(title, ...kids) {
  return el('section.card', {}, el('h2', {}, title), ...kids);
}
