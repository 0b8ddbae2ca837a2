// The status page: reads /api/status, /api/schedule, /api/runs and
// /api/lineage every 10 s and renders them; no framework, no network beyond
// this server. Every text from the API goes through textContent.
'use strict';

const REFRESH_MS = 10000;
const STATES = ['fresh', 'late', 'failing', 'never'];
const LAYERS = [['bronze', 'Bronze tables'], ['model', 'dbt models'], ['report', 'Power BI tables']];
const state = { status: null, schedule: null, runs: null, lineage: null, cdc: {}, paused: false, error: null, timer: null };

// The documented rule (docs/status-page.md): ok and due are fresh, overdue is late.
function stateOf(health) {
  return { ok: 'fresh', due: 'fresh', overdue: 'late', failing: 'failing', never: 'never' }[health] || 'never';
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'style') node.style.cssText = v;  // CSSOM: allowed by the page's CSP
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
const $ = (id) => document.getElementById(id);

function ago(iso) {
  if (!iso) return '';
  return duration((Date.now() - Date.parse(iso)) / 1000);
}
function duration(s) {
  if (s === null || s === undefined || isNaN(s)) return '';
  if (s < 0) s = 0;
  if (s < 1) return (s * 1000).toFixed(0) + ' ms';
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.floor(s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}
function until(iso) {
  if (!iso) return '';
  const s = (Date.parse(iso) - Date.now()) / 1000;
  return s <= 0 ? 'now' : 'in ' + duration(s);
}
function stamp(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
function count(n) {
  if (n === null || n === undefined) return '';
  if (n < 0) return '—';
  return Number(n).toLocaleString('en-US');
}
function bytes(n) {
  if (!n) return '';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + ' ' + u[i];
}
function firstLine(text) {
  return (text || '').split('\n')[0];
}

async function getJson(url) {
  const res = await fetch(url, { cache: 'no-store' });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) throw new Error((body && body.error) || `${url}: HTTP ${res.status}`);
  return body;
}

// Every entry of the status with its layer and page state.
function entries() {
  const s = state.status;
  if (!s) return [];
  const out = [];
  for (const [key, layer] of [['tables', 'bronze'], ['models', 'model'], ['reports', 'report']]) {
    for (const e of s[key] || []) out.push(Object.assign({ layer, state: stateOf(e.health) }, e));
  }
  return out;
}

function displayName(e) {
  if (e.layer === 'model') return e.source_table;
  if (e.layer === 'report') return e.source_table;
  return e.task_id;
}
function origin(e) {
  if (e.layer === 'model') return 'dbt · ' + e.task_id;
  if (e.layer === 'report') return 'Power BI · ' + e.database;
  const table = e.source_schema ? e.source_schema + '.' + e.source_table : e.source_table;
  return `${e.server} · ${e.database} · ${table} · ${e.strategy}` + cdcText(e.task_id);
}

// " · lag 1.2 MB · retained 40 MB" for a cdc table whose stream was read.
function cdcText(id) {
  const c = state.cdc[id];
  if (!c) return '';
  if (c.error) return ' · stream unreadable';
  return (c.lag_bytes !== null ? ` · lag ${bytes(c.lag_bytes) || '0 B'}` : '') +
    (c.retained_bytes !== null ? ` · retained ${bytes(c.retained_bytes) || '0 B'}` : '');
}

function filters() {
  return {
    text: $('f-text').value.trim().toLowerCase(), layer: $('f-layer').value, health: $('f-health').value,
    frequency: $('f-frequency').value, server: $('f-server').value, strategy: $('f-strategy').value,
  };
}
function matches(e, f) {
  if (f.layer && e.layer !== f.layer) return false;
  if (f.health && e.state !== f.health) return false;
  if (f.frequency && e.frequency !== f.frequency) return false;
  if (f.server && e.server !== f.server) return false;
  if (f.strategy && e.strategy !== f.strategy) return false;
  if (f.text) {
    const hay = [e.task_id, e.source_table, e.server, e.database, e.strategy, e.frequency, e.last_error || ''].join(' ').toLowerCase();
    if (!hay.includes(f.text)) return false;
  }
  return true;
}

function fillSelect(id, values) {
  const select = $(id);
  const keep = select.value;
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of values) if (!have.has(v)) select.append(el('option', { value: v }, v));
  select.value = keep;
}

function badge(st) {
  return el('span', { class: 'badge ' + st, 'data-state': st }, st);
}

function renderSummary() {
  const box = $('summary');
  box.replaceChildren();
  const all = entries();
  for (const st of STATES) {
    const n = all.filter((e) => e.state === st).length;
    const chip = el('span', { class: 'chip ' + st + ($('f-health').value === st ? ' active' : ''), 'data-summary': st, title: 'Show only ' + st,
      onclick: () => { $('f-health').value = $('f-health').value === st ? '' : st; render(); } },
      el('span', { class: 'n' }, n), st);
    box.append(chip);
  }
}

function nextRun(frequency) {
  const f = ((state.schedule && state.schedule.frequencies) || []).find((x) => x.name === frequency);
  return f ? f : null;
}

function tableRow(e) {
  const success = e.last_success;
  const attempt = e.last_attempt;
  const freq = nextRun(e.frequency);
  const error = e.last_error;
  return el('tr', { 'data-task-id': e.task_id, 'data-state': e.state, 'data-layer': e.layer },
    el('td', { class: 'name' }, el('a', { href: '#/table/' + encodeURIComponent(e.task_id) }, displayName(e)),
      e.shape_changed ? el('span', { class: 'shape', title: 'The last load changed the columns', 'data-shape-changed': '1' }, ' *') : null,
      el('span', { class: 'sub' }, origin(e))),
    el('td', {}, badge(e.state)),
    el('td', { class: 'when', title: success ? success.ended_at : '' }, success ? stamp(success.ended_at) : '—'),
    el('td', { class: 'num' }, success ? ago(success.ended_at) : ''),
    el('td', { class: 'num' }, success ? count(success.rows) : ''),
    el('td', { class: 'num' }, attempt ? duration(attempt.duration_ms / 1000) : ''),
    el('td', { class: 'when', title: freq && freq.next_run ? stamp(freq.next_run) : '' }, freq && freq.next_run ? until(freq.next_run) : (freq && freq.paused ? 'paused' : '')),
    el('td', { class: 'error' }, error ? el('a', { href: '#/table/' + encodeURIComponent(e.task_id), title: 'Show the whole error', 'data-error': '1' }, firstLine(error)) : ''));
}

function layerTable(rows) {
  const cols = ['c-name', 'c-health', 'c-when', 'c-num', 'c-num', 'c-num', 'c-next', 'c-error'];
  return el('table', { class: 'entries' }, el('colgroup', {}, cols.map((c) => el('col', { class: c }))),
    el('thead', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'health'), el('th', {}, 'last success'),
      el('th', { class: 'num' }, 'age'), el('th', { class: 'num' }, 'rows'), el('th', { class: 'num' }, 'duration'),
      el('th', {}, 'next run'), el('th', {}, 'last error'))),
    el('tbody', {}, rows.map(tableRow)));
}

function miniCounts(rows) {
  const box = el('span', { class: 'counts' });
  for (const st of STATES) {
    const n = rows.filter((e) => e.state === st).length;
    if (n) box.append(el('span', { class: 'mini badge ' + st }, `${n} ${st}`));
  }
  return box;
}

function renderTables() {
  const view = $('view-tables');
  const f = filters();
  const all = entries();
  const shown = all.filter((e) => matches(e, f));
  $('f-count').textContent = `${shown.length} of ${all.length} shown`;
  const order = ((state.schedule && state.schedule.frequencies) || []).map((x) => x.name);
  const freqs = [...new Set(shown.map((e) => e.frequency))].sort((a, b) => {
    const ia = order.indexOf(a), ib = order.indexOf(b);
    return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib) || a.localeCompare(b);
  });
  const groups = freqs.map((freq) => {
    const rows = shown.filter((e) => e.frequency === freq);
    const sched = nextRun(freq);
    const meta = sched ? `${sched.cron} · ${sched.timezone}` + (sched.next_run ? ` · next ${until(sched.next_run)}` : sched.paused ? ' · paused' : '') : '';
    const group = el('section', { class: 'group', 'data-frequency': freq },
      el('h2', {}, freq, el('span', { class: 'meta' }, meta), miniCounts(rows)));
    for (const [layer, title] of LAYERS) {
      const layerRows = rows.filter((e) => e.layer === layer);
      if (!layerRows.length) continue;
      group.append(el('h3', { class: 'layer' }, title), layerTable(layerRows));
    }
    return group;
  });
  view.replaceChildren(...(groups.length ? groups : [el('div', { class: 'empty' }, state.status ? 'No table matches the filters.' : 'Loading…')]));
}

// One schema change as a line: "id widened integer → bigint".
function changeText(c) {
  const col = c.table === c.task_id ? c.column : `${c.table}.${c.column}`;
  switch (c.change) {
    case 'added': return `${col} added (${c.new_type})`;
    case 'widened': return `${col} widened ${c.old_type} → ${c.new_type}`;
    case 'type_changed': return `${col} type changed ${c.old_type} → ${c.new_type}`;
    case 'kept': return `${col} kept as NULL (was ${c.old_type})`;
    case 'dropped': return `${col} dropped (was ${c.old_type})`;
    default: return `${col} ${c.change}`;
  }
}

// The per-table page: its status, the whole last error, its schema changes
// and its recent loads.
async function renderTable(id) {
  const view = $('view-table');
  let data;
  try {
    data = await getJson('/api/tables/' + encodeURIComponent(id));
  } catch (e) {
    view.replaceChildren(el('div', { class: 'card' }, el('h2', {}, id), el('p', {}, e.message)));
    return;
  }
  const s = data.status;
  const st = stateOf(s.health);
  const table = s.source_schema ? s.source_schema + '.' + s.source_table : s.source_table;
  const facts = el('dl', { class: 'facts' });
  const fact = (k, v) => { if (v !== '' && v !== null && v !== undefined) facts.append(el('dt', {}, k), el('dd', {}, v)); };
  fact('source', `${s.server} / ${s.database} / ${table}`);
  fact('strategy', s.strategy);
  fact('frequency', s.frequency);
  const c = state.cdc[s.task_id];
  if (c) fact('change stream', c.error ? c.error : `${c.stream} (${c.state}): lag ${bytes(c.lag_bytes) || '0 B'}, retained ${bytes(c.retained_bytes) || '0 B'}, read ${ago(c.checked_at)} ago`);
  fact('expected a load since', s.expected_since ? stamp(s.expected_since) : '');
  fact('last success', s.last_success ? `${stamp(s.last_success.ended_at)} (${ago(s.last_success.ended_at)} ago), ${count(s.last_success.rows)} rows, ${bytes(s.last_success.bytes)} in ${duration(s.last_success.duration_ms / 1000)}` : 'never');
  fact('rows of the table', s.table_rows !== null && s.table_rows !== undefined ? count(s.table_rows) : '');
  fact('last attempt', s.last_attempt ? `${stamp(s.last_attempt.ended_at)}: ${s.last_attempt.status} (run ${s.last_attempt.run_id})` : '');
  const card = el('section', { class: 'card', 'data-table-detail': s.task_id },
    el('h2', {}, el('a', { href: '#/tables' }, '←'), s.task_id, badge(st)), facts);
  if (s.last_error) card.append(el('h3', { class: 'layer' }, 'Last error'), el('pre', { class: 'error', id: 'detail-error' }, s.last_error));
  const changes = s.schema_changes || [];
  if (changes.length) {
    card.append(el('h3', { class: 'layer' }, s.shape_changed ? 'Schema changes (the last load changed the columns)' : 'Schema changes'),
      el('table', { id: 'detail-schema-changes' },
        el('thead', {}, el('tr', {}, el('th', {}, 'when'), el('th', {}, 'run'), el('th', {}, 'change'))),
        el('tbody', {}, changes.map((c) => el('tr', { 'data-change': c.change, 'data-column': c.column },
          el('td', { class: 'when' }, stamp(c.at)),
          el('td', {}, c.run_id ? el('a', { href: '#/runs/' + c.run_id }, c.run_id) : ''),
          el('td', {}, changeText(c)))))));
  }
  const max = Math.max(1, ...data.loads.map((l) => l.duration_ms));
  const loads = el('section', { class: 'card' }, el('h2', {}, 'Recent loads'),
    data.loads.length ? el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'ended'), el('th', {}, 'run'), el('th', {}, 'outcome'), el('th', { class: 'num' }, 'rows'),
        el('th', { class: 'num' }, 'bytes'), el('th', { class: 'num' }, 'duration'), el('th', {}, ''), el('th', {}, 'error'))),
      el('tbody', {}, data.loads.map((l) => el('tr', { 'data-load': l.run_id },
        el('td', { class: 'when' }, stamp(l.ended_at)), el('td', {}, el('a', { href: '#/runs/' + l.run_id }, l.run_id)),
        el('td', {}, el('span', { class: 'status ' + l.status }, l.status)), el('td', { class: 'num' }, count(l.rows)),
        el('td', { class: 'num' }, bytes(l.bytes)), el('td', { class: 'num' }, duration(l.duration_ms / 1000)),
        el('td', {}, el('div', { class: 'track' }, el('div', { class: 'bar ' + l.status, style: `left:0;width:${(100 * l.duration_ms / max).toFixed(1)}%` }))),
        el('td', { class: 'error' }, firstLine(l.error)))))) : el('div', { class: 'empty' }, 'No loads recorded.'));
  view.replaceChildren(card, loads);
}

function runSummary(r) {
  return el('summary', {}, el('span', { class: 'caret' }, '▸'),
    el('span', { class: 'when' }, stamp(r.started_at)),
    el('span', { class: 'cmd', title: r.command }, r.command),
    el('span', { class: 'status ' + r.status }, r.status),
    el('span', { class: 'num' }, r.duration_ms === null ? '' : duration(r.duration_ms / 1000)),
    el('span', { class: 'muted' }, `${r.tasks_total} tables, ${r.tasks_failed} failed`));
}

// A run's tasks on one time axis: each bar starts and ends when the task did.
function runTimeline(r) {
  const results = r.results || [];
  if (!results.length) return el('div', { class: 'empty' }, 'No task results in this run.');
  const t0 = Math.min(...results.map((x) => Date.parse(x.started_at)));
  const t1 = Math.max(...results.map((x) => Date.parse(x.ended_at)), t0 + 1);
  const span = t1 - t0;
  return el('table', {},
    el('thead', {}, el('tr', {}, el('th', {}, 'table'), el('th', {}, 'outcome'), el('th', { class: 'num' }, 'rows'),
      el('th', { class: 'num' }, 'duration'), el('th', {}, `timeline (${duration(span / 1000)})`), el('th', {}, 'error'))),
    el('tbody', {}, results.map((x) => {
      const left = (100 * (Date.parse(x.started_at) - t0)) / span;
      const width = Math.max(0.5, (100 * x.duration_ms) / span);
      return el('tr', { 'data-result': x.task_id },
        el('td', { class: 'name' }, el('a', { href: '#/table/' + encodeURIComponent(x.task_id) }, x.task_id)),
        el('td', {}, el('span', { class: 'status ' + x.status }, x.status)),
        el('td', { class: 'num' }, count(x.rows)), el('td', { class: 'num' }, duration(x.duration_ms / 1000)),
        el('td', {}, el('div', { class: 'track' }, el('div', { class: 'bar ' + x.status, style: `left:${left.toFixed(2)}%;width:${width.toFixed(2)}%` }))),
        el('td', { class: 'error' }, firstLine(x.error)));
    })));
}

function renderRuns(open) {
  const view = $('view-runs');
  const runs = (state.runs && state.runs.runs) || [];
  const opened = new Set([...view.querySelectorAll('details[open]')].map((d) => d.dataset.run));
  if (open) opened.add(open);
  if (!runs.length) { view.replaceChildren(el('div', { class: 'empty' }, 'No runs yet.')); return; }
  view.replaceChildren(...runs.map((r) => el('details', { class: 'run', 'data-run': r.run_id, open: opened.has(r.run_id) },
    runSummary(r), runTimeline(r))));
}

// The lineage's columns: sources, bronze, one column per depth of dbt models
// (a model one column right of the models it reads), Power BI. Each column is
// ordered by the mean position of what feeds it, to keep edges short.
function lineageColumns(g) {
  const preds = {};
  for (const e of g.edges) (preds[e.to] = preds[e.to] || []).push(e.from);
  const byId = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
  const depth = {};
  const modelDepth = (id, seen = new Set()) => {
    if (depth[id] !== undefined) return depth[id];
    if (seen.has(id)) return 0;
    seen.add(id);
    const ups = (preds[id] || []).filter((p) => byId[p] && byId[p].layer === 'model');
    depth[id] = ups.length ? 1 + Math.max(...ups.map((p) => modelDepth(p, seen))) : 0;
    return depth[id];
  };
  const columns = [];
  const add = (title, nodes) => { if (nodes.length) columns.push({ title, nodes }); };
  add('SOURCES', g.nodes.filter((n) => n.layer === 'source'));
  add('BRONZE', g.nodes.filter((n) => n.layer === 'bronze'));
  const models = g.nodes.filter((n) => n.layer === 'model');
  const maxDepth = Math.max(-1, ...models.map((n) => modelDepth(n.id)));
  for (let d = 0; d <= maxDepth; d++) add(d === 0 ? 'DBT MODELS' : `DBT MODELS · ${d + 1}`, models.filter((n) => depth[n.id] === d));
  add('POWER BI', g.nodes.filter((n) => n.layer === 'report'));
  const rank = {};
  columns.forEach((col, ci) => {
    if (ci > 0) {
      const mean = (n) => {
        const r = (preds[n.id] || []).map((p) => rank[p]).filter((x) => x !== undefined);
        return r.length ? r.reduce((a, b) => a + b, 0) / r.length : Infinity;
      };
      col.nodes = col.nodes.map((n, i) => ({ n, k: mean(n), i })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.n);
    }
    col.nodes.forEach((n, i) => { rank[n.id] = i; });
  });
  return columns;
}

// Columns source → bronze → model → report; nodes coloured by state.
function renderLineage() {
  const view = $('view-lineage');
  const g = state.lineage;
  if (!g) { view.replaceChildren(el('div', { class: 'empty' }, 'Loading…')); return; }
  const W = 230, GAP = 90, H = 30, VGAP = 12, TOP = 36;
  const columns = lineageColumns(g);
  const pos = {};
  let height = 0;
  columns.forEach((col, ci) => {
    col.nodes.forEach((n, i) => {
      pos[n.id] = { x: 10 + ci * (W + GAP), y: TOP + i * (H + VGAP), n };
      height = Math.max(height, TOP + (i + 1) * (H + VGAP));
    });
  });
  const NS = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const width = 20 + columns.length * (W + GAP) - GAP;
  const svg = svgEl('svg', { width, height: height + 10, viewBox: `0 0 ${width} ${height + 10}`, role: 'img', 'aria-label': 'lineage' });
  columns.forEach((c, ci) => svg.append(svgEl('text', { x: 10 + ci * (W + GAP), y: 18, class: 'col' }, c.title)));
  for (const e of g.edges) {
    const a = pos[e.from], b = pos[e.to];
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    svg.append(svgEl('path', { class: 'edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, 'data-from': e.from, 'data-to': e.to }));
  }
  for (const { x, y, n } of Object.values(pos)) {
    const cls = n.layer === 'source' ? 'source' : n.state;
    const node = svgEl('g', { class: 'node ' + cls, transform: `translate(${x},${y})`, 'data-node': n.id, 'data-state': n.state || 'source' });
    node.append(svgEl('title', {}, n.id + (n.state ? ' · ' + n.state : '')));
    node.append(svgEl('rect', { width: W, height: H }));
    const label = n.label.length > 30 ? n.label.slice(0, 29) + '…' : n.label;
    node.append(svgEl('text', { x: 10, y: 19 }, label));
    if (n.layer !== 'source') node.addEventListener('click', () => { location.hash = '#/table/' + encodeURIComponent(n.id); });
    svg.append(node);
  }
  const legend = el('div', { class: 'legend' }, ...STATES.map((s) => el('span', { style: `--c: var(--${s})` }, s)));
  view.replaceChildren(el('div', { class: 'lineage' }, legend, svg));
}

function route() {
  const hash = location.hash || '#/tables';
  const [, view, arg] = hash.match(/^#\/([a-z]+)\/?(.*)$/) || [null, 'tables', ''];
  return { view: ['tables', 'runs', 'lineage', 'table'].includes(view) ? view : 'tables', arg: decodeURIComponent(arg || '') };
}

function render() {
  const r = route();
  for (const v of ['tables', 'runs', 'lineage', 'table']) $('view-' + v).hidden = v !== r.view;
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.view === r.view);
  $('filters').hidden = r.view !== 'tables';
  renderSummary();
  if (r.view === 'tables') renderTables();
  else if (r.view === 'runs') renderRuns(r.arg);
  else if (r.view === 'lineage') renderLineage();
  else renderTable(r.arg);
}

function banner() {
  const b = $('banner');
  const note = state.status && state.status.note;
  const warnings = (state.status && state.status.warnings) || [];
  if (state.error) {
    b.className = 'banner error';
    b.textContent = 'The run history cannot be read: ' + state.error + (state.status ? ' — showing the last data read.' : '');
  } else if (note || warnings.length) {
    b.className = 'banner';
    b.textContent = [note, ...warnings].filter(Boolean).join(' · ');
  }
  b.hidden = !(state.error || note || warnings.length);
}

async function refresh() {
  try {
    const [status, schedule, runs, lineage, cdc] = await Promise.all([
      getJson('/api/status'), getJson('/api/schedule'), getJson('/api/runs?limit=30&results=true'), getJson('/api/lineage'), getJson('/api/cdc')]);
    Object.assign(state, { status, schedule, runs, lineage, error: null, cdc: Object.fromEntries(cdc.tables.map((c) => [c.task_id, c])) });
    $('project').textContent = status.project;
    document.title = `tributary · ${status.project}`;
    const all = entries();
    fillSelect('f-frequency', [...new Set(all.map((e) => e.frequency))]);
    fillSelect('f-server', [...new Set(all.map((e) => e.server))]);
    fillSelect('f-strategy', [...new Set(all.map((e) => e.strategy))]);
    $('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    state.error = e.message;
    $('refreshed').textContent = 'update failed ' + new Date().toLocaleTimeString();
  }
  banner();
  render();
  document.body.dataset.loaded = '1';
}

function schedule() {
  clearTimeout(state.timer);
  if (!state.paused) state.timer = setTimeout(async () => { await refresh(); schedule(); }, REFRESH_MS);
}

function init() {
  for (const id of ['f-text', 'f-layer', 'f-health', 'f-frequency', 'f-server', 'f-strategy']) {
    $(id).addEventListener('input', render);
  }
  $('f-clear').addEventListener('click', () => {
    for (const id of ['f-layer', 'f-health', 'f-frequency', 'f-server', 'f-strategy']) $(id).value = '';
    $('f-text').value = '';
    render();
  });
  $('pause').addEventListener('click', () => {
    state.paused = !state.paused;
    $('pause').textContent = state.paused ? 'Resume' : 'Pause';
    $('pause').classList.toggle('on', state.paused);
    schedule();
  });
  $('reload').addEventListener('click', () => refresh());
  window.addEventListener('hashchange', render);
  refresh().then(schedule);
}

init();
