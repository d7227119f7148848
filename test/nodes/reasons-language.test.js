'use strict';
// Reasons in the runtime's language (issues 21.5, 23.3-23.7): an error carries a
// catalog key, and the status, the sidebar's rows and msg.error.message say it
// through nodes/locales/<lang>/ddns-sidebar.json; the canvas and the sidebar say
// the same thing after a block is cleared; the error handed to done() is one
// line on the debug tab and still has msg.error.code for a Catch node.
const assert = require('node:assert/strict');
const path = require('node:path');
const { helper, nodeFile, nextMessage, translator, watchStatus } = require('../support/node-red');
const { waitFor } = require('../support/wait');
const fakeDyndns2 = require('../servers/fake-dyndns2');

const { sharedTexts } = require(path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'texts.js'));
const zh = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, '..', '..', 'nodes', 'locales', 'zh-CN', 'ddns-sidebar.json'), 'utf8'));

const USERNAME = 'lang-user-4410';
const PASSWORD = 'lang-Pa55word-77ab';

const nodesIn = (lang) => [nodeFile('dyndns2-account', { lang }), nodeFile('dyndns2-update', { lang })];

function flow(dyn, hostnames = 'a.example.com') {
  return [
    { id: 'tab', type: 'tab', label: 'Home' },
    { id: 'acct', type: 'dyndns2-account', server: dyn.url },
    { id: 'upd', type: 'dyndns2-update', z: 'tab', account: 'acct', hostnames, retries: 0, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}
const credentials = { acct: { username: USERNAME, password: PASSWORD } };

async function records() {
  return (await helper.request().get('/ddns/records').expect(200)).body;
}

describe('reasons in the runtime language', function () {
  let dyn;
  before(async () => {
    dyn = await fakeDyndns2.start({ users: { [USERNAME]: { password: PASSWORD, hosts: ['a.example.com'] } } });
  });
  after(async () => {
    await dyn.close();
    // the process's translator goes back to English for the test files after this one
    sharedTexts({ _: translator('ddns-sidebar', 'en-US') });
  });
  beforeEach(() => dyn.reset());
  afterEach(async () => {
    await helper.unload();
  });

  it('zh-CN: an unusable payload is said in Chinese in the status, on the sidebar and in msg.error.message; the code stays for Catch', async () => {
    await helper.load(nodesIn('zh-CN'), flow(dyn), credentials);
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    const errors = [];
    upd.on('call:error', (call) => errors.push(call.args[0]));
    const caught = nextMessage(helper.getNode('caught'));
    upd.receive({ payload: 'not-an-address' });
    const msg = await caught;
    const words = zh.runtime.reason.input['not-address'].replace('__where__', 'msg.payload');
    assert.equal(words, 'msg.payload 不是 IPv4 或 IPv6 地址');
    assert.equal(msg.error.message, words, 'msg.error.message is the reason itself, in Chinese, with no class name before it');
    assert.equal(msg.error.code, 'EBADINPUT');
    await waitFor(() => status.current()?.text === words, `the status to say ${words}; it says ${JSON.stringify(status.current())}`);
    assert.equal(status.current().fill, 'red');
    const snapshot = await waitFor(async () => {
      const s = await records();
      return s.nodes.find((n) => n.id === 'upd')?.error ? s : undefined;
    }, 'the node error on the board');
    assert.equal(snapshot.nodes.find((n) => n.id === 'upd').error.message, words);
    // one line on the debug tab: a string (with its code), not an Error object to unfold
    assert.equal(errors.length, 1);
    assert.ok(!(errors[0] instanceof Error), 'what the node reports is not an Error object');
    assert.equal(String(errors[0]), words);
    assert.equal(errors[0].code, 'EBADINPUT');
    assert.equal(require('@node-red/util').util.encodeObject({ msg: errors[0] }).format, 'String', 'the debug tab shows it as one line');
  });

  it('zh-CN: a blocked host says 已阻止 on the canvas and its row says why in Chinese; Clear block leaves both saying 等待地址', async () => {
    await helper.load(nodesIn('zh-CN'), flow(dyn, 'c.example.com'), credentials);
    const upd = helper.getNode('upd');
    const status = watchStatus(upd);
    // c.example.com is not in the account: nohost blocks it
    const caught = nextMessage(helper.getNode('caught'));
    upd.receive({ payload: '203.0.113.7' });
    await caught;
    await waitFor(() => status.current()?.text === '已阻止：nohost（c.example.com）', `the blocked status; it says ${JSON.stringify(status.current())}`);
    // the next input is skipped for the block: its row says so in Chinese, the provider's word as it is
    const out = nextMessage(helper.getNode('out'));
    upd.receive({ payload: '203.0.113.8' });
    await out;
    let row = (await records()).records.find((r) => r.nodeId === 'upd' && r.name === 'c.example.com');
    assert.equal(row.state, 'blocked');
    assert.match(row.message, /^c\.example\.com: 未发送；自 .+ 起因“nohost”已阻止，直到配置或凭据更改$/);
    await helper.request().post('/ddns/records/upd/unblock').send({ name: 'c.example.com' }).expect(200);
    await waitFor(() => status.current()?.text === zh.runtime.status['waiting-address'], `the status after Clear block; it says ${JSON.stringify(status.current())}`);
    row = (await records()).records.find((r) => r.nodeId === 'upd' && r.name === 'c.example.com');
    assert.equal(row.state, 'pending', 'the sidebar draws a pending row as 等待地址 too (runtime.status.waiting-address)');
  });

  it('en-US: the words are exactly the English message the error carries for logs', async () => {
    await helper.load(nodesIn('en-US'), flow(dyn), credentials);
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('upd').receive({ payload: { ipv6: '203.0.113.9' } });
    const msg = await caught;
    assert.equal(msg.error.message, 'msg.payload.ipv6 holds an IPv4 address');
    assert.equal(msg.error.code, 'EBADINPUT');
  });

  it('ip-source: a missing interface says so on the canvas, naming those there are (23.3)', async () => {
    const { networkInterfaces } = require('node:os');
    await helper.load([nodeFile('ip-source')], [
      { id: 'src', type: 'ip-source', origin: 'iface://eth9', family: 'ipv4', scope: 'any', interval: 0, wires: [[]] },
      { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const src = helper.getNode('src');
    const status = watchStatus(src);
    const caught = nextMessage(helper.getNode('caught'));
    src.receive({});
    const msg = await caught;
    const have = Object.keys(networkInterfaces()).join(', ');
    assert.equal(msg.error.code, 'ENOADDR');
    assert.equal(msg.error.message, `iface://eth9: network interface "eth9" does not exist (have: ${have})`);
    await waitFor(() => status.current()?.fill === 'red', 'the red status');
    // the status is clipped at 64 characters: on a machine with many interfaces the list is cut, the cause is not
    const words = `interface eth9 does not exist (have: ${have})`;
    if (words.length <= 64) assert.equal(status.current().text, words);
    else assert.equal(status.current().text, `${words.slice(0, 63)}…`);
  });
});
