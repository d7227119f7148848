'use strict';
// The DDNS sidebar in the editor, against real nodes talking to fake providers on
// loopback: each ip-source's address above a table with one row per record
// (name, type, value, last change, state), "Update now" per updater node, live
// updates over the comms channel, the history of a record, "Clear block", the
// tab found from the action list and from the updaters' help; in en-US and zh-CN.
//
// The updaters check what they write at a name server this test starts on
// loopback (test/servers/fake-dns.js, their `verify`), which serves the written
// addresses: statuses and rows say "served by 1 of 1".
//
// With DDNS_SCREENSHOTS=docs the pictures README shows are written to docs/
// (the editor with the deployed flow and the sidebar, the sidebar alone).
const assert = require('node:assert/strict');
const { waitFor } = require('../support/wait');
const support = require('./support');
const { PLUGINS, lookupKey, pluginCatalog, startSession, editorPerLocale, showSidebarTab, assertNoRawKeys, screenshot, docsScreenshot } = support;
const echo = require('../servers/echo-http');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const fakeAlidns = require('../servers/fake-alidns');
const fakeDns = require('../servers/fake-dns');

const TAB = 'ddns-records';
const PANEL = '.ddns-sb';
const TIME = /^(\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d)$/;

/** A text of the sidebar's catalog in `lang` (editor keys under `ddns-sidebar.`), placeholders filled in. */
function sidebarText(lang, key, vars = {}) {
  const catalog = pluginCatalog(PLUGINS.find((p) => p.name === 'ddns-sidebar'), lang);
  const text = lookupKey(catalog, `ddns-sidebar.${key}`);
  assert.equal(typeof text, 'string', `ddns-sidebar.${key} in the ${lang} catalog`);
  return text.replace(/__(\w+)__/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Every row of the records table and of the addresses above it, as the user reads them. */
function readBoard(page) {
  return page.evaluate(() => {
    const text = (el) => (el ? el.innerText.replace(/\s+/g, ' ').trim() : '');
    const table = document.querySelector('.ddns-sb-table');
    return {
      columns: table ? table.getAttribute('data-columns').split(' ') : [],
      headers: table ? [...table.querySelectorAll('thead th')].map(text) : [],
      sources: [...document.querySelectorAll('.ddns-sb-source')].map((r) => ({
        node: r.getAttribute('data-node-id'),
        state: r.getAttribute('data-state'),
        cells: [...r.children].map(text),
      })),
      nodes: [...document.querySelectorAll('.ddns-sb-node')].map((r) => ({
        node: r.getAttribute('data-node-id'),
        label: text(r.querySelector('.ddns-sb-node-label')),
        // a narrow sidebar shows the button's icon only: its words are still there, for screen readers too
        update: (r.querySelector('.ddns-sb-update') || { textContent: '' }).textContent.trim(),
      })),
      records: [...document.querySelectorAll('.ddns-sb-record')].map((r) => ({
        node: r.getAttribute('data-node-id'),
        name: r.getAttribute('data-name'),
        state: r.getAttribute('data-state'),
        cells: [...r.children].map(text),
      })),
    };
  });
}

/** The sidebar made wide enough for all five columns (Node-RED 4 and 5 both size it with this separator). */
async function widenSidebar(page, width) {
  const separator = page.locator('#red-ui-sidebar-separator');
  const box = await separator.boundingBox();
  const current = await page.locator(PANEL).evaluate((el) => el.getBoundingClientRect().width);
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - (width - current), y, { steps: 12 });
  await page.mouse.up();
  await page.waitForFunction((w) => document.querySelector('.ddns-sb').getBoundingClientRect().width >= w - 20, width, { timeout: 5000 });
}

/** The sidebar as far down as it has something to show (the panel itself fills the window's height). */
async function sidebarClip(page) {
  const box = await page.locator(PANEL).boundingBox();
  const bottom = await page.locator('.ddns-sb-body').evaluate((el) => el.lastElementChild.getBoundingClientRect().bottom);
  return { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, bottom - box.y + 12) };
}

/** Polls GET /ddns/records until `ready(board)` holds. */
async function boardWhere(red, ready, what) {
  let last;
  try {
    return await waitFor(async () => {
      const res = await red.request('GET', '/ddns/records');
      last = res.json;
      return res.status === 200 && ready(res.json) ? res.json : undefined;
    }, what, 20000);
  } catch (err) {
    const rows = last ? [...last.records.map((r) => `${r.name} ${r.state} ${r.code || ''}`), ...last.sources.map((r) => `source ${r.nodeName} ${r.state} ${r.addresses || r.code || ''}`)] : [];
    err.message += `; the board shows: ${rows.join('; ')}`;
    throw err;
  }
}

const stateOf = (board, name) => (board.records.find((r) => r.name === name) || {}).state;

describe('the DDNS sidebar in the editor', function () {
  this.timeout(180000);
  let session;
  let ip;
  let dyn;
  let ali;
  let dns;
  before(async function () {
    session = await startSession();
    ip = await echo.start();
    dyn = await fakeDyndns2.start({
      users: {
        home: { password: 'home-Pa55-sidebar', hosts: ['home.example.com', 'nas.example.com'] },
        legacy: { password: 'the-right-one', hosts: ['old.example.net'] },
      },
    });
    ali = await fakeAlidns.start();
    // the zone's name server, as the updaters' `verify` names it
    dns = await fakeDns.start();
  });
  after(async function () {
    if (session) await session.stop();
    for (const server of [ip, dyn, ali, dns]) if (server) await server.close();
  });

  const SERVED = ['www.example.com', 'example.com', 'home.example.com', 'nas.example.com'];
  /** The name server serves `address` for every name the flow writes, as the providers publish it. */
  function publish(address) {
    for (const name of SERVED) dns.setRecord({ name, type: 'A', value: address });
  }

  /**
   * A flow as README shows it: an ip-source feeding an Alibaba Cloud DNS node and
   * a DynDNS2 node, and an old DynDNS2 host whose login is wrong; the records
   * checked at the loopback name server.
   */
  function homeFlow() {
    const verify = { verify: `127.0.0.1:${dns.port}`, verifyTimeout: 10 };
    return [
      { id: 'sbtab', type: 'tab', label: 'Home DDNS' },
      { id: 'sbcheck', type: 'inject', z: 'sbtab', name: 'check now', props: [], repeat: '', once: false, x: 90, y: 80, wires: [['sbsrc']] },
      // scope "any": the fake service answers with a documentation address (203.0.113.0/24)
      { id: 'sbsrc', type: 'ip-source', z: 'sbtab', name: 'public IPv4', origin: ip.url('/ip'), family: 'ipv4', scope: 'any', interval: 300, watch: false, emit: 'change', timeout: 5, agree: 1, group: -1, x: 240, y: 80, wires: [['sbali', 'sbdyn']] },
      { id: 'sbali', type: 'aliyun-ddns', z: 'sbtab', name: '', account: 'sbaliacct', domain: 'example.com', rr: 'www,@', recordType: 'auto', ttl: 600, line: 'default', create: true, refresh: 0, ...verify, x: 420, y: 60, wires: [[]] },
      { id: 'sbdyn', type: 'dyndns2-update', z: 'sbtab', name: '', account: 'sbdynacct', hostnames: 'home.example.com,nas.example.com', retries: 0, refresh: 25, ...verify, x: 420, y: 120, wires: [[]] },
      { id: 'sbold', type: 'inject', z: 'sbtab', name: 'old address', props: [{ p: 'payload' }], payload: '198.51.100.9', payloadType: 'str', repeat: '', once: false, x: 110, y: 200, wires: [['sbleg']] },
      { id: 'sbleg', type: 'dyndns2-update', z: 'sbtab', name: 'legacy host', account: 'sblegacct', hostnames: 'old.example.net', retries: 0, refresh: 25, ...verify, x: 420, y: 200, wires: [[]] },
      { id: 'sbaliacct', type: 'aliyun-account', name: 'Alibaba Cloud', endpoint: ali.url, credentials: { accessKeyId: 'testid', accessKeySecret: 'testsecret' } },
      { id: 'sbdynacct', type: 'dyndns2-account', name: 'DynDNS2 provider', server: dyn.url, dualStack: 'combined', credentials: { username: 'home', password: 'home-Pa55-sidebar' } },
      { id: 'sblegacct', type: 'dyndns2-account', name: 'old provider', server: dyn.url, dualStack: 'combined', credentials: { username: 'legacy', password: 'a-wrong-one' } },
    ];
  }

  async function press(injectId) {
    await waitFor(async () => (await session.red.request('POST', `/inject/${injectId}`)).status === 200, `inject ${injectId} to start`);
  }

  /** Deploys the home flow and waits until every node has reported; the first DynDNS2 request meets a 503. */
  async function deployHomeFlow() {
    ali.clearRecords();
    ali.addRecord('example.com', { RR: 'www', Type: 'A', Value: '198.51.100.20' });
    ip.route('/ip', { body: '203.0.113.7' });
    publish('203.0.113.7');
    dyn.inject({ status: 503, body: 'Service Unavailable' });
    await session.red.deploy(homeFlow());
    // the ip-source's first check passes its address on at deploy: the DynDNS2 request meets the 503
    await boardWhere(session.red, (b) => stateOf(b, 'www.example.com') === 'in-sync' && stateOf(b, 'example.com') === 'in-sync'
      && stateOf(b, 'home.example.com') === 'failed' && b.sources.some((s) => s.nodeId === 'sbsrc' && s.state === 'ok'), 'the home flow to report its records');
    await press('sbold');
    return boardWhere(session.red, (b) => stateOf(b, 'old.example.net') === 'blocked', 'old.example.net to be blocked');
  }

  describe('en-US', function () {
    const holder = editorPerLocale(() => session, 'en-US');

    it("shows each ip-source's address above a table of records; Update now, live updates and history", async function () {
      const { editor } = holder;
      const { page } = editor;
      await deployHomeFlow();
      await editor.reload();
      await showSidebarTab(page, TAB, PANEL);
      await page.waitForSelector('.ddns-sb-record[data-name="old.example.net"][data-state="blocked"]', { timeout: 15000 });
      const t = (key, vars) => sidebarText('en-US', key, vars);

      // the address on top, with since when it holds (the package's time format)
      let board = await readBoard(page);
      assert.equal(board.sources.length, 1, JSON.stringify(board.sources));
      const [name, address, since] = board.sources[0].cells;
      assert.deepEqual([board.sources[0].node, board.sources[0].state, name, address], ['sbsrc', 'ok', 'public IPv4', '203.0.113.7']);
      const [pre, post] = t('sources.since', { time: '\u0000' }).split('\u0000');
      assert.ok(since.startsWith(pre.trim()) && since.endsWith(post), `since: ${since}`);
      assert.match(since.slice(pre.length, since.length - post.length), TIME, `since: ${since}`);

      // a narrow sidebar: name (with its type), value, state
      const width = await page.locator(PANEL).evaluate((el) => el.getBoundingClientRect().width);
      if (width < 380) {
        assert.deepEqual(board.columns, ['name', 'value', 'state']);
        assert.deepEqual(board.headers, [t('column.name'), t('column.value'), t('column.state')]);
      }
      assert.deepEqual(board.records.map((r) => [r.node, r.name, r.state]), [
        ['sbdyn', 'home.example.com', 'failed'],
        ['sbdyn', 'nas.example.com', 'failed'],
        ['sbleg', 'old.example.net', 'blocked'],
        ['sbali', 'example.com', 'in-sync'],
        ['sbali', 'www.example.com', 'in-sync'],
      ], 'one row per record, grouped by node (sorted by the node label)');
      assert.deepEqual(board.nodes.map((n) => n.label), ['home.example.com +1', 'legacy host', 'www.example.com +1']);
      const stateCell = (r) => r.cells[r.cells.length - 1];
      // failed, in words: the runtime's word for the error code, never the code itself
      const failedPrefix = t('state.failed', { code: '\u0000' }).split('\u0000')[0];
      assert.ok(stateCell(board.records[0]).startsWith(failedPrefix), stateCell(board.records[0]));
      assert.doesNotMatch(stateCell(board.records[0]), /\bE[A-Z]{4,}\b/);
      assert.ok(stateCell(board.records[2]).startsWith(t('state.blocked', { code: 'badauth' })), stateCell(board.records[2]));
      assert.ok(stateCell(board.records[2]).endsWith(t('unblock.button')), 'Clear block beside the blocked host');
      // verified at the name server: served by 1 of 1, under the state
      const served = t('served.short', { seen: 1, of: 1 });
      assert.equal(stateCell(board.records[3]), `${t('state.in-sync')} ${served}`);
      assertNoRawKeys([await page.locator(PANEL).innerText()], 'DDNS sidebar');
      editor.assertClean('the DDNS sidebar');

      // Update now: the DynDNS2 node runs its last input again; the server answers this time
      const before = dyn.requests.filter((r) => r.path === '/nic/update').length;
      assert.equal(board.nodes[0].update, t('update.button'));
      await page.locator('.ddns-sb-node[data-node-id="sbdyn"] .ddns-sb-update').click();
      await page.waitForSelector('.ddns-sb-record[data-name="home.example.com"][data-state="in-sync"]', { timeout: 15000 });
      await page.waitForSelector('.ddns-sb-record[data-name="nas.example.com"][data-state="in-sync"]', { timeout: 15000 });
      const sent = dyn.requests.filter((r) => r.path === '/nic/update').slice(before);
      assert.equal(sent.length, 1, 'Update now sent the last input once (both hosts in one request)');
      assert.equal(sent[0].query.myip, '203.0.113.7');
      assert.equal(await page.locator('.red-ui-notification').last().innerText(), t('update.started', { node: 'home.example.com +1' }));

      // one change so far: "Last change", not "Last 1 changes"
      await page.locator('.ddns-sb-record[data-name="home.example.com"]').click();
      const one = page.locator('.ddns-sb-more[data-name="home.example.com"]');
      await one.waitFor();
      assert.equal(await one.locator('.ddns-sb-history > .ddns-sb-muted').innerText(), t('history.one'));
      assert.deepEqual(await one.locator('.ddns-sb-change td').allInnerTexts().then((c) => c.slice(1)), [`${t('history.created')} \u2192 203.0.113.7`]);
      editor.assertClean('Update now');

      // a new address arrives live (comms), on top and in the table, without reading the records again
      ip.route('/ip', { body: '203.0.113.8' });
      publish('203.0.113.8');
      await press('sbcheck');
      await page.waitForFunction(() => [...document.querySelectorAll('.ddns-sb-record[data-node-id="sbali"]')]
        .every((r) => r.querySelector('.ddns-sb-value').textContent === '203.0.113.8'), null, { timeout: 15000 });
      await page.waitForFunction(() => /203\.0\.113\.8/.test(document.querySelector('.ddns-sb-source[data-node-id="sbsrc"]').textContent), null, { timeout: 15000 });
      await page.locator('.ddns-sb-record[data-name="www.example.com"]').click();
      const two = page.locator('.ddns-sb-more[data-name="www.example.com"]');
      await two.waitFor();
      assert.equal(await two.locator('.ddns-sb-history > .ddns-sb-muted').innerText(), t('history.other', { count: 2 }));
      const changes = await two.locator('.ddns-sb-change').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
      assert.deepEqual(changes.map((c) => c[1]), ['203.0.113.7 \u2192 203.0.113.8', '198.51.100.20 \u2192 203.0.113.7']);
      for (const [at] of changes) assert.match(at, TIME);
      await page.locator('.ddns-sb-record[data-name="home.example.com"]').click(); // closes its details
      editor.assertClean('live updates');

      // wide: all five columns
      await widenSidebar(page, 580);
      await page.waitForFunction(() => document.querySelector('.ddns-sb-table').getAttribute('data-columns').split(' ').length === 5, null, { timeout: 5000 });
      board = await readBoard(page);
      assert.deepEqual(board.headers, ['name', 'type', 'value', 'changed', 'state'].map((c) => t(`column.${c}`)));
      const www = board.records.find((r) => r.name === 'www.example.com');
      assert.deepEqual([www.cells[0], www.cells[1], www.cells[2], www.cells[4]], ['www.example.com', 'A', '203.0.113.8', `${t('state.in-sync')} ${served}`]);
      assert.match(www.cells[3], TIME);
      // the docs show one record opened on its changes, and no passing notification
      const wwwRow = page.locator('.ddns-sb-record[data-name="www.example.com"]');
      if ((await wwwRow.getAttribute('aria-expanded')) !== 'true') await wwwRow.click();
      await page.locator('.ddns-sb-more[data-name="www.example.com"]').waitFor();
      // the details say when the name server was seen serving it
      const [servedPre] = t('served.long', { seen: 1, of: 1, time: '\u0000' }).split('\u0000');
      const servedAt = await page.locator('.ddns-sb-more[data-name="www.example.com"] .ddns-sb-served-at').innerText();
      assert.ok(servedAt.startsWith(servedPre), servedAt);
      assert.match(servedAt.slice(servedPre.length), TIME);
      // the node's status on the canvas, as README's first picture shows it
      const statusOf = () => page.evaluate(() => {
        const label = document.querySelector('#red-ui-workspace-chart [id="sbali"] .red-ui-flow-node-status-label');
        return label ? label.textContent : '';
      });
      await page.waitForFunction(() => /served by/.test((document.querySelector('#red-ui-workspace-chart [id="sbali"] .red-ui-flow-node-status-label') || {}).textContent || ''), null, { timeout: 15000 })
        .catch(() => {});
      const status = await statusOf();
      assert.match(status, /^in sync: 203\.0\.113\.8, served by 1 of 1 name servers/, status);
      await support.closeNotifications(page);
      await screenshot(page, 'en-US-ddns-sidebar');
      await docsScreenshot(page, 'editor-flow');
      await docsScreenshot(page, 'ddns-sidebar', { clip: await sidebarClip(page) });
      editor.assertClean('the wide DDNS sidebar');
    });

    it('is found without the sidebar\'s overflow menu: View menu, the action list, the updaters\' help', async function () {
      const { editor } = holder;
      const { page } = editor;
      const t = (key, vars) => sidebarText('en-US', key, vars);
      // View > DDNS records
      await page.evaluate(() => RED.sidebar.show('info'));
      await showSidebarTab(page, TAB, PANEL);

      // the action list (Ctrl/Cmd-Shift-P), by the words of its label
      await page.evaluate(() => RED.sidebar.show('info'));
      const action = await page.evaluate(() => RED.actions.list().find((a) => a.id === 'ddns:show-records'));
      assert.equal(action && action.label, t('action.show'));
      await page.evaluate(() => RED.actions.invoke('core:show-action-list'));
      const search = page.locator('#red-ui-actionList input.red-ui-searchBox-input');
      await search.waitFor({ state: 'visible' });
      // typed as a user types: the list filters on key presses
      await search.pressSequentially(t('action.show'), { delay: 10 });
      await page.locator('#red-ui-actionList .red-ui-editableList-item-content', { hasText: t('action.show') }).first().waitFor();
      await search.press('Enter');
      await page.locator(PANEL).waitFor({ state: 'visible' });

      // a link in the help of an updater node
      await page.evaluate(() => RED.sidebar.help.show('aliyun-ddns'));
      const link = page.locator('.red-ui-help a.ddns-show-records');
      await link.first().waitFor({ state: 'visible' });
      await link.first().click();
      await page.locator(PANEL).waitFor({ state: 'visible' });
      editor.assertClean('finding the DDNS sidebar');
    });

    it('a host blocked after badauth shows as blocked, and "Clear block" lets it be tried again', async function () {
      const { editor } = holder;
      const { page } = editor;
      const sent = () => dyn.requests.filter((r) => r.path === '/nic/update' && r.query.hostname === 'old.example.net').length;
      await session.red.deploy(homeFlow());
      await editor.reload();
      const first = sent();
      await press('sbold');
      const row = '.ddns-sb-record[data-name="old.example.net"]';
      await showSidebarTab(page, TAB, PANEL);
      await page.waitForSelector(`${row}[data-state="blocked"]`, { timeout: 20000 });
      assert.match(await page.locator(`${row} .ddns-sb-state`).first().innerText(), /badauth/);
      // blocked since the first test: this input was not sent
      assert.equal(sent(), first, 'a blocked host is not sent again');

      await page.locator(`${row} .ddns-sb-unblock`).first().click();
      await page.waitForSelector(`${row}[data-state="pending"]`, { timeout: 15000 });
      await press('sbold');
      await page.waitForSelector(`${row}[data-state="blocked"]`, { timeout: 20000 });
      assert.equal(sent(), first + 1, 'after "Clear block" the next input was sent once, and badauth blocked it again');
      editor.assertClean('the DDNS sidebar with a blocked host');
      await session.red.deploy([]);
    });

    it('rows of the same name in several flows say which flow each is in (23.6)', async function () {
      const { editor } = holder;
      const { page } = editor;
      const twin = (n) => [
        { id: `sbtwintab${n}`, type: 'tab', label: `Site ${n}` },
        { id: `sbtwin${n}`, type: 'dyndns2-update', z: `sbtwintab${n}`, name: '', account: 'sbdynacct', hostnames: 'home.example.com', retries: 0, refresh: 25, x: 300, y: 80, wires: [[]] },
      ];
      const flow = [...twin(1), ...twin(2), homeFlow().find((n) => n.id === 'sbdynacct')];
      await session.red.deploy(flow);
      await editor.reload();
      await showSidebarTab(page, TAB, PANEL);
      await page.waitForSelector('.ddns-sb-record[data-node-id="sbtwin2"]', { timeout: 15000 });
      const flows = await page.evaluate(() => [...document.querySelectorAll('.ddns-sb-record')].map((r) => [r.getAttribute('data-node-id'), (r.querySelector('.ddns-sb-flow') || { textContent: '' }).textContent]));
      assert.deepEqual(flows.sort(), [['sbtwin1', 'Site 1'], ['sbtwin2', 'Site 2']]);
      editor.assertClean('the DDNS sidebar with one name in two flows');
      await session.red.deploy([]);
    });

    // issue 23.2: Node-RED lists a plugin's tab last, in the sidebar's overflow menu (hidden at 1440x900);
    // the first time an editor has an updater, loaded with the flows or deployed from it, the tab comes to
    // the front by itself (resources/ddns-sidebar-first.js), once per browser
    it('comes to the front by itself the first time an editor has an updater, and only then', async function () {
      const panelShown = (page) => page.evaluate((sel) => { const el = document.querySelector(sel); return !!el && el.offsetParent !== null; }, PANEL);
      // npm start's first start: the flows already hold updaters when the editor first opens
      await session.red.deploy(homeFlow());
      let editor = await support.openEditor(session.browser, session.red, 'en-US');
      try {
        await editor.page.waitForFunction((sel) => { const el = document.querySelector(sel); return !!el && el.offsetParent !== null; }, PANEL, { timeout: 15000 });
        assert.equal(await editor.page.evaluate(() => RED.settings.getLocal('ddns-records-shown')), 'true');
        // the user goes back to another tab: a reload does not force the DDNS tab again
        await editor.page.evaluate(() => RED.sidebar.show('info'));
        await editor.reload();
        assert.equal(await panelShown(editor.page), false, 'the DDNS tab forced again after the user left it');
        editor.assertClean('the DDNS tab shown once');
      } finally {
        await editor.close();
      }

      // an editor that opens on empty flows: nothing is forced until an updater is deployed from it
      await session.red.deploy([]);
      editor = await support.openEditor(session.browser, session.red, 'en-US');
      try {
        const { page } = editor;
        assert.equal(await panelShown(page), false, 'the DDNS tab shown without any updater');
        await page.evaluate((flow) => RED.view.importNodes(flow), homeFlow().filter((n) => ['sbtab', 'sbdyn', 'sbdynacct'].includes(n.id)));
        await page.evaluate(() => RED.sidebar.show('info'));
        await page.locator('#red-ui-header-button-deploy').click();
        await page.waitForFunction(() => !RED.nodes.dirty(), null, { timeout: 30000 });
        await page.waitForFunction((sel) => { const el = document.querySelector(sel); return !!el && el.offsetParent !== null; }, PANEL, { timeout: 15000 });
        editor.assertClean('the DDNS tab shown at the first deploy of an updater');
      } finally {
        await editor.close();
        await session.red.deploy([]);
      }
    });
  });

  describe('zh-CN (browser locale)', function () {
    const holder = editorPerLocale(() => session, 'zh-CN');

    it('shows the DDNS sidebar in Chinese', async function () {
      const { editor } = holder;
      const { page } = editor;
      const t = (key, vars) => sidebarText('zh-CN', key, vars);
      await session.red.deploy([]);
      await editor.reload();
      await showSidebarTab(page, TAB, PANEL);
      // nothing deployed: the empty-board message
      await page.waitForSelector('.ddns-sb-message', { timeout: 15000 });
      const header = await page.locator('.ddns-sb .red-ui-sidebar-header').innerText();
      assert.ok(header.trim().startsWith(t('name')), `DDNS sidebar header: ${JSON.stringify(header)}`);
      assert.equal((await page.locator('.ddns-sb-message').innerText()).trim(), t('empty'));

      await deployHomeFlow();
      await editor.reload();
      await showSidebarTab(page, TAB, PANEL);
      await page.waitForSelector('.ddns-sb-record[data-name="old.example.net"][data-state="blocked"]', { timeout: 15000 });
      await widenSidebar(page, 580);
      await page.waitForFunction(() => document.querySelector('.ddns-sb-table').getAttribute('data-columns').split(' ').length === 5, null, { timeout: 5000 });
      const board = await readBoard(page);
      assert.deepEqual(board.headers, ['name', 'type', 'value', 'changed', 'state'].map((c) => t(`column.${c}`)));
      assert.ok(board.sources[0].cells[2].startsWith(t('sources.since', { time: '\u0000' }).split('\u0000')[0].trim()), board.sources[0].cells[2]);
      assert.deepEqual(board.nodes.map((n) => n.update), [t('update.button'), t('update.button'), t('update.button')]);
      const state = (name) => board.records.find((r) => r.name === name).cells[4];
      assert.equal(state('www.example.com'), `${t('state.in-sync')} ${t('served.short', { seen: 1, of: 1 })}`);
      assert.ok(state('old.example.net').startsWith(t('state.blocked', { code: 'badauth' })), state('old.example.net'));
      assert.ok(state('old.example.net').endsWith(t('unblock.button')));
      // the runtime's words for an error code come from the same catalog, in Chinese
      assert.match(state('home.example.com'), /[\u4e00-\u9fff]/, state('home.example.com'));
      const text = await page.locator(PANEL).innerText();
      assertNoRawKeys([text], 'DDNS sidebar in zh-CN');
      await screenshot(page, 'zh-CN-ddns-sidebar');
      await docsScreenshot(page, 'ddns-sidebar-zh-CN', { clip: await sidebarClip(page) });
      editor.assertClean('the DDNS sidebar in zh-CN');
      await session.red.deploy([]);
    });
  });
});
