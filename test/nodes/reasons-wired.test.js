'use strict';
// Reasons in the runtime language where the updater node wires them (issue
// 21.5): a record's failure handed to done(), the summary in msg.payload, and
// the sidebar's note of a node that cannot run, in a runtime in zh-CN.
const assert = require('node:assert/strict');
const path = require('node:path');
const { helper, nodeFile, nextMessage, translator, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fakeDyndns2 = require('../servers/fake-dyndns2');

const { sharedTexts } = require(path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'texts.js'));

const USERNAME = 'wired-user-2291';
const PASSWORD = 'wired-Pa55word-90ad';
const zhNodes = [nodeFile('dyndns2-account', { lang: 'zh-CN' }), nodeFile('dyndns2-update', { lang: 'zh-CN' })];

describe('reasons in the runtime language, through the updater node', function () {
  let dyn;
  before(async () => {
    dyn = await fakeDyndns2.start({ users: { [USERNAME]: { password: PASSWORD, hosts: ['a.example.com'] } } });
  });
  after(async () => {
    await dyn.close();
    sharedTexts({ _: translator('ddns-sidebar', 'en-US') });
  });
  afterEach(async () => {
    await helper.unload();
  });

  const flow = (server, extra = {}) => [
    { id: 'acct', type: 'dyndns2-account', server },
    { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 0, wires: [['out']], ...extra },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
  const credentials = { acct: { username: USERNAME, password: PASSWORD } };

  it('a summary in msg.payload is said through the catalog', async () => {
    await helper.load(zhNodes, flow(dyn.url), credentials);
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('upd').receive({ payload: '203.0.113.5' });
    assert.equal((await out).payload, '1 条已更新');
  });

  it('a record that cannot reach its server fails in Chinese in msg.error.message, the status naming the server', async () => {
    await helper.load(zhNodes, flow('http://127.0.0.1:9/nic/update'), credentials);
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    const caught = nextMessage(helper.getNode('caught'));
    upd.receive({ payload: '203.0.113.5' });
    const msg = await caught;
    assert.equal(msg.error.code, 'ENETWORK');
    assert.match(msg.error.message, /连接被拒绝（ECONNREFUSED）$/);
    await waitFor(() => status.current()?.fill === 'red', 'the red status');
    assert.equal(status.current().text, '无法连接服务器（127.0.0.1:9）');
  });

  it('a node whose host names are invalid says so in Chinese on the canvas and on the sidebar', async () => {
    await helper.load(zhNodes, flow(dyn.url, { hostnames: 'a..example.com' }), credentials);
    const status = watchStatus(helper.getNode('upd'), { fromStart: true });
    await waitFor(() => status.current()?.fill === 'red', 'the red status');
    assert.equal(status.current().text, '设置无效：“a..example.com”不是有效的主机名');
    const board = (await helper.request().get('/ddns/records').expect(200)).body;
    assert.equal(board.nodes.find((n) => n.id === 'upd').error.message, '“a..example.com”不是有效的主机名（字母、数字、连字符和点；可以 “*.” 开头）');
  });

  it('a per-input setting that is missing says which, in Chinese', async () => {
    await helper.load(zhNodes, flow(dyn.url, { hostnames: '' }), credentials);
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    const caught = nextMessage(helper.getNode('caught'));
    upd.receive({ payload: '203.0.113.5' });
    const msg = await caught;
    assert.equal(msg.error.message, '没有 hostnames：请在节点中设置或发送 msg.hostnames');
    await waitFor(() => status.current()?.text === '没有 hostnames：请设置或发送 msg.hostnames', `the status; it says ${JSON.stringify(status.current())}`);
  });
});
