// The status page in a real headless Chromium (Debian's chromium, driven by
// playwright-core from .tools/playwright): the quickstart loaded by the
// tributary binary — every table, its dbt models built by the real dbt of
// .venv, then one table made to fail — served by `tributary serve`, and the
// page checked against the API: health per row, the failing table's whole
// error, filters, the runs view and the lineage edges. Screenshots go to the
// artifacts folder.
// Usage: node status_page_test.mjs <tributary binary> <source dir> <artifacts dir>
// Exit 77 (ctest: skipped) when chromium or playwright-core is missing; under
// CI=true that is a failure instead, as for the other tests' emulators.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const [binary, source, artifacts] = process.argv.slice(2);
const chromiumPath = '/usr/bin/chromium';
const playwrightDir = path.join(source, '.tools', 'playwright');
if (!fs.existsSync(chromiumPath) || !fs.existsSync(path.join(playwrightDir, 'node_modules', 'playwright-core'))) {
  console.log(`skipped: needs ${chromiumPath} and playwright-core in ${playwrightDir} (scripts/install-deps.sh installs both)`);
  process.exit(process.env.CI === 'true' ? 1 : 77);
}
const { chromium } = createRequire(path.join(playwrightDir, 'package.json'))('playwright-core');

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

function tributary(project, ...args) {
  try {
    return { code: 0, out: execFileSync(binary, ['--project', project, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { code: e.status, out: e.stdout, err: e.stderr };
  }
}

function makeProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-page-'));
  const project = path.join(dir, 'quickstart');
  fs.cpSync(path.join(source, 'examples', 'quickstart'), project, { recursive: true });
  for (const stale of ['data/shop.db', 'lakehouse.duckdb', 'lakehouse.duckdb.wal', 'warehouse.duckdb', 'warehouse.duckdb.wal', '.tributary', 'dbt/target', 'dbt/logs']) {
    fs.rmSync(path.join(project, stale), { recursive: true, force: true });
  }
  const yml = path.join(project, 'tributary.yml');
  const dbt = path.join(source, '.venv', 'bin', 'dbt');
  fs.writeFileSync(yml, fs.readFileSync(yml, 'utf8').replace(/executable: .*/, `executable: ${dbt}`));
  execFileSync('sqlite3', [path.join(project, 'data', 'shop.db')], { input: fs.readFileSync(path.join(project, 'data', 'shop.sql')) });
  return { dir, project, haveDbt: fs.existsSync(dbt) };
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try { if ((await fetch(url)).ok) return true; } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const { dir, project, haveDbt } = makeProject();
  const first = tributary(project, 'run');
  check(first.code === 0, `the first run loads every table${haveDbt ? ' and builds the models' : ''} (exit ${first.code}) ${first.err || ''}`);
  execFileSync('sqlite3', [path.join(project, 'data', 'shop.db'), 'DROP TABLE products; ALTER TABLE customers ADD COLUMN segment TEXT;']);
  const second = tributary(project, 'run', '--tables', 'customers,products');
  check(second.code === 1, 'the second run fails shop__products');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(binary, ['--project', project, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    check(await waitFor(base + '/healthz', 15000), 'tributary serve answers /healthz');
    const api = await (await fetch(base + '/api/status')).json();
    const runsApi = await (await fetch(base + '/api/runs?limit=30')).json();
    const lineageApi = await (await fetch(base + '/api/lineage')).json();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(base + '/');
    await page.waitForSelector('body[data-loaded="1"]');
    await page.waitForSelector('tr[data-task-id]');

    // Every entry of the API has a row with the state the documented rule gives.
    const rule = { ok: 'fresh', due: 'fresh', overdue: 'late', failing: 'failing', never: 'never' };
    const entries = [...api.tables, ...api.models, ...api.reports];
    const rows = await page.$$eval('tr[data-task-id]', (trs) => trs.map((tr) => [tr.dataset.taskId, tr.dataset.state]));
    const shown = new Map(rows);
    check(rows.length === entries.length && rows.length > 0, `one row per table and model (${rows.length} rows, ${entries.length} in the API)`);
    check(entries.every((e) => shown.get(e.task_id) === rule[e.health]), 'each row shows the health of /api/status');
    check(shown.get('shop__products') === 'failing', 'shop__products is failing');
    check(shown.get('shop__customers') === 'fresh', 'shop__customers is fresh');
    if (haveDbt) check(api.models.length > 0 && rows.some(([, s], i) => rows[i][0].startsWith('model.')), 'dbt models are listed');
    const failingChip = await page.textContent('[data-summary="failing"] .n');
    check(failingChip === String(entries.filter((e) => rule[e.health] === 'failing').length), 'the header counts the failing entries');
    await page.screenshot({ path: path.join(artifacts, 'tables.png'), fullPage: true });

    // The failing table's error, whole, on its page.
    const products = api.tables.find((t) => t.task_id === 'shop__products');
    await page.click('tr[data-task-id="shop__products"] a[data-error]');
    await page.waitForSelector('#detail-error');
    const shownError = await page.textContent('#detail-error');
    check(products.last_error && shownError === products.last_error, 'the failing table shows its whole error');
    const loads = await page.$$('tr[data-load]');
    check(loads.length === 2, `its page lists its recent loads (${loads.length})`);
    await page.screenshot({ path: path.join(artifacts, 'table-detail.png'), fullPage: true });

    // A table whose last load added a column: marked in the list; its page
    // lists the change with its run and the rows of the table.
    const customers = api.tables.find((t) => t.task_id === 'shop__customers');
    await page.goto(base + '/#/tables');
    await page.waitForSelector('tr[data-task-id]');
    check(await page.$('tr[data-task-id="shop__customers"] [data-shape-changed]') !== null, 'shop__customers is marked: its last load changed the columns');
    check(await page.$('tr[data-task-id="shop__orders"] [data-shape-changed]') === null, 'shop__orders is not marked');
    await page.click('tr[data-task-id="shop__customers"] td.name a');
    await page.waitForSelector('#detail-schema-changes');
    const changes = await page.$$eval('#detail-schema-changes tr[data-change]', (t) => t.map((x) => [x.dataset.column, x.dataset.change, x.textContent]));
    check(changes.length === 1 && changes[0][0] === 'segment' && changes[0][1] === 'added' && changes[0][2].includes(customers.last_success.run_id),
      `its page lists the added column with its run (${JSON.stringify(changes)})`);
    const facts = await page.$$eval('dl.facts dt', (dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent]));
    const tableRows = new Map(facts).get('rows of the table');
    check(customers.table_rows === 2000 && tableRows === '2,000', `its page shows the rows of the table (${tableRows}; API ${customers.table_rows})`);
    await page.screenshot({ path: path.join(artifacts, 'table-schema-changes.png'), fullPage: true });

    // Filters narrow the rows.
    await page.goto(base + '/#/tables');
    await page.waitForSelector('tr[data-task-id]');
    await page.selectOption('#f-health', 'failing');
    let ids = await page.$$eval('tr[data-task-id]', (trs) => trs.map((tr) => tr.dataset.taskId));
    check(ids.length === 1 && ids[0] === 'shop__products', `health=failing leaves shop__products only (${ids})`);
    await page.selectOption('#f-health', '');
    await page.selectOption('#f-layer', 'bronze');
    await page.fill('#f-text', 'order');
    ids = await page.$$eval('tr[data-task-id]', (trs) => trs.map((tr) => tr.dataset.taskId));
    check(ids.length > 0 && ids.every((id) => id.includes('order')), `text "order" on bronze tables: ${ids}`);
    await page.screenshot({ path: path.join(artifacts, 'filtered.png'), fullPage: true });
    await page.click('#f-clear');
    await page.selectOption('#f-frequency', 'daily');
    const daily = await page.$$eval('section.group', (s) => s.map((g) => g.dataset.frequency));
    check(daily.length === 1 && daily[0] === 'daily', 'frequency=daily leaves the daily group only');
    await page.click('#f-clear');

    // The runs view lists the runs, each with its tables on a timeline.
    await page.goto(base + '/#/runs');
    await page.waitForSelector('details.run');
    const runs = await page.$$eval('details.run', (d) => d.map((x) => x.dataset.run));
    check(runs.length === runsApi.runs.length && runs[0] === runsApi.runs[0].run_id, `the runs view lists the ${runsApi.runs.length} runs`);
    await page.click('details.run summary');
    const results = await page.$$eval('details.run[open] tr[data-result]', (t) => t.map((x) => x.dataset.result));
    check(results.includes('shop__products') && results.includes('shop__customers'), 'the newest run shows its tables');
    await page.screenshot({ path: path.join(artifacts, 'runs.png'), fullPage: true });

    // The lineage view draws every edge of /api/lineage, nodes coloured by health.
    await page.goto(base + '/#/lineage');
    await page.waitForSelector('svg g.node');
    const edges = await page.$$eval('path.edge', (p) => p.map((e) => e.dataset.from + ' -> ' + e.dataset.to));
    check(edges.length === lineageApi.edges.length && lineageApi.edges.every((e) => edges.includes(e.from + ' -> ' + e.to)), `the lineage shows the ${lineageApi.edges.length} edges`);
    check(edges.includes('source:shop/shop.db/main.orders -> shop__orders'), 'source → bronze edge for orders');
    if (haveDbt) check(lineageApi.edges.some((e) => e.from === 'shop__orders' && e.to.startsWith('model.')), 'bronze → model edges from the manifest');
    const productsNode = await page.getAttribute('g.node[data-node="shop__products"]', 'data-state');
    check(productsNode === 'failing', 'the failing table is coloured failing in the lineage');
    await page.screenshot({ path: path.join(artifacts, 'lineage.png'), fullPage: true });

    // Pausing stops the auto-refresh; the page reports no script errors.
    await page.click('#pause');
    check((await page.textContent('#pause')) === 'Resume', 'the refresh can be paused');
    check(consoleErrors.length === 0, `no console errors (${consoleErrors.join('; ')})`);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(failures ? `${failures} check(s) failed` : `all checks passed; screenshots in ${artifacts}`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
