'use strict';
const { waitFor } = require('../support/wait');
// The package as a user gets it: packed, installed into a fresh user directory the
// way the palette manager does, run in a started Node-RED, flows deployed over the
// admin HTTP API, against fake providers on loopback.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const dgram = require('node:dgram');
const { startNodeRed, packTarball } = require('../support/node-red-process');
const echo = require('../servers/echo-http');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const fakeAlidns = require('../servers/fake-alidns');
const fakeCloudflare = require('../servers/fake-cloudflare');
const bind9 = require('../servers/bind9');

const DYNDNS_PASSWORD = 'e2e-Dyn-Pa55word-9431';
const WRONG_PASSWORD = 'e2e-Wrong-Pa55word-1187';
const ALIYUN_KEY_ID = 'LTAI-e2e-key';
const ALIYUN_SECRET = 'e2e-Aliyun-Secret-7731';
const CLOUDFLARE_TOKEN = 'e2e-Cloudflare-Token-5Rk8wQ2nV7';
const V6 = '2001:4860:4860:12::8888';
const RFC2136_SECRET = 'ZTJlLXJmYzIxMzYtdHNpZy1zZWNyZXQtNDQ1OQ==';

/** Presses an inject node's button; right after a deploy the node may not exist for a moment. */
async function press(red, id) {
  await waitFor(async () => (await red.request('POST', `/inject/${id}`)).status === 200, `inject node ${id}`);
}


/** A UDP port no one listens on now. */
function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

describe('installed from the packed tarball, in a started Node-RED', function () {
  this.timeout(180000);
  let red;
  let echoServer;
  let dyndns;
  let alidns;
  let cloudflare;
  let named;

  before(async () => {
    echoServer = await echo.start();
    echoServer.route('/ip', { body: '8.8.8.8' });
    dyndns = await fakeDyndns2.start({
      users: {
        user: { password: DYNDNS_PASSWORD, hosts: ['home.example.com'] },
        other: { password: 'right-one', hosts: ['blocked.example.com'] },
      },
    });
    echoServer.route('/both', { body: `8.8.8.8 ${V6}` });
    alidns = await fakeAlidns.start({ keys: { [ALIYUN_KEY_ID]: ALIYUN_SECRET }, domains: ['example.com'] });
    cloudflare = await fakeCloudflare.start({ tokens: { [CLOUDFLARE_TOKEN]: '*' }, zones: ['example.com'] });
    // the RFC 2136 example keeps a real BIND's zone up to date; without named it is left out, saying why
    if (bind9.unavailable()) console.log(`      rfc2136 example not deployed: ${bind9.unavailable()}`);
    else named = await bind9.start({ keys: [{ name: 'ddns-key', algorithm: 'hmac-sha256', secret: RFC2136_SECRET }], zones: [{ name: 'example.com', grant: ['ddns-key'] }] });
    red = await startNodeRed();
  });
  after(async () => {
    if (red) await red.stop();
    await echoServer?.close();
    await dyndns?.close();
    await alidns?.close();
    await cloudflare?.close();
    await named?.stop();
  });

  it('ships only runtime files', () => {
    const { files } = packTarball();
    assert.ok(files.includes('dist/nodes/ip-source.js'));
    assert.ok(files.includes('dist/nodes/locales/zh-CN/ip-source.json'));
    assert.ok(files.includes('dist/nodes/icons/ddns.svg'));
    assert.ok(files.some((f) => f.startsWith('examples/')));
    assert.deepEqual(files.filter((f) => /^(src|test|scripts|bench)\/|\.ts$/.test(f)), []);
  });

  it('runs on the runtime under test', async () => {
    const settings = await red.request('GET', '/settings');
    const expected = require(require.resolve('node-red/package.json', { paths: [process.env.NODE_RED_RUNTIME || path.join(__dirname, '..', '..')] })).version;
    // Node-RED adds "-git" when it runs from inside a git checkout
    assert.equal(settings.json.version.replace(/-git$/, ''), expected);
  });

  it('loads every node type of the package without error', async () => {
    const res = await red.request('GET', '/nodes', undefined, { accept: 'application/json' });
    assert.equal(res.status, 200);
    const sets = res.json.filter((s) => s.module === 'node-red-contrib-ddns');
    const declared = Object.keys(require('../../package.json')['node-red'].nodes);
    assert.deepEqual(sets.map((s) => s.name).sort(), declared.sort());
    for (const set of sets) {
      assert.equal(set.err, undefined, `${set.name}: ${set.err}`);
      assert.equal(set.enabled, true);
    }
  });

  it('offers its example flows in the import dialog', async () => {
    const list = await red.request('GET', '/library/examples/flows/node-red-contrib-ddns');
    assert.equal(list.status, 200);
    const names = fs.readdirSync(path.join(__dirname, '..', '..', 'examples')).map((f) => f.replace(/\.json$/, ''));
    assert.deepEqual(list.json.map((e) => e.fn).sort(), names.sort());
  });

  it('runs ip-source -> dyndns2-update; credentials encrypted, no secret anywhere', async () => {
    const flows = [
      { id: 'e2etab', type: 'tab', label: 'e2e' },
      { id: 'trigger', type: 'inject', z: 'e2etab', props: [], repeat: '', once: false, wires: [['src']] },
      { id: 'src', type: 'ip-source', z: 'e2etab', origin: echoServer.url('/ip'), family: 'ipv4', scope: 'public', interval: 0, emit: 'always', wires: [['upd', 'upd2', 'ali']] },
      { id: 'aliacct', type: 'aliyun-account', endpoint: alidns.url, credentials: { accessKeyId: ALIYUN_KEY_ID, accessKeySecret: ALIYUN_SECRET } },
      { id: 'ali', type: 'aliyun-ddns', z: 'e2etab', account: 'aliacct', domain: 'example.com', rr: 'e2e', recordType: 'auto', ttl: 600, line: 'default', create: true, wires: [['report']] },
      { id: 'acct', type: 'dyndns2-account', server: dyndns.url, dualStack: 'combined', credentials: { username: 'user', password: DYNDNS_PASSWORD } },
      { id: 'acct2', type: 'dyndns2-account', server: dyndns.url, dualStack: 'combined', credentials: { username: 'other', password: WRONG_PASSWORD } },
      { id: 'upd', type: 'dyndns2-update', z: 'e2etab', account: 'acct', hostnames: 'home.example.com', retries: 0, refresh: 25, wires: [['report']] },
      { id: 'upd2', type: 'dyndns2-update', z: 'e2etab', account: 'acct2', hostnames: 'blocked.example.com', retries: 0, refresh: 25, wires: [['report']] },
      // every updater output is posted back to the test, so it can wait for "this input is done"
      { id: 'report', type: 'http request', z: 'e2etab', method: 'POST', ret: 'txt', url: echoServer.url('/report'), wires: [[]] },
    ];
    await red.deploy(flows);
    await press(red, 'trigger');
    await waitFor(() => dyndns.hosts.get('home.example.com').ipv4 === '8.8.8.8', 'the DynDNS2 update');
    await waitFor(() => dyndns.requests.filter((r) => r.hostnames.includes('blocked.example.com')).length === 1, 'the badauth answer');
    await waitFor(() => alidns.list('example.com', 'e2e', 'A').map((r) => r.Value).join() === '8.8.8.8', 'the Alidns record');

    const creds = JSON.parse(fs.readFileSync(path.join(red.userDir, 'flows_cred.json'), 'utf8'));
    assert.deepEqual(Object.keys(creds), ['$'], 'credentials file is encrypted');
    const flowsText = fs.readFileSync(path.join(red.userDir, 'flows.json'), 'utf8');
    for (const secret of [DYNDNS_PASSWORD, WRONG_PASSWORD, ALIYUN_SECRET]) {
      assert.ok(!flowsText.includes(secret), 'no secret in flows.json');
      assert.ok(!fs.readFileSync(path.join(red.userDir, 'flows_cred.json'), 'utf8').includes(secret));
      assert.ok(!red.log().includes(secret), 'no secret in the log');
    }
    const exported = await red.request('GET', '/flows');
    assert.ok(!exported.text.includes(DYNDNS_PASSWORD), 'no secret in what the editor receives');
  });

  it('a blocked host stays blocked across a restart; a known address is not resent', async () => {
    await waitFor(() => echoServer.requests.filter((r) => r.path === '/report').length === 3, 'the first run to finish');
    const alidnsBefore = alidns.requests.length;
    const before = { other: dyndns.requests.filter((r) => r.hostnames.includes('blocked.example.com')).length, user: dyndns.requests.filter((r) => r.hostnames.includes('home.example.com')).length };
    await red.restart();
    const reportsBefore = echoServer.requests.filter((r) => r.path === '/report').length;
    await press(red, 'trigger');
    await waitFor(() => echoServer.requests.filter((r) => r.path === '/report').length === reportsBefore + 3, 'the three updaters to answer');
    assert.equal(dyndns.requests.filter((r) => r.hostnames.includes('blocked.example.com')).length, before.other, 'no request for the blocked host');
    assert.equal(dyndns.requests.filter((r) => r.hostnames.includes('home.example.com')).length, before.user, 'no resend of an address the server has');
    assert.ok(echoServer.requests.length >= 2, 'the address was looked up again');
    assert.equal(alidns.requests.length, alidnsBefore, 'the remembered record id and value survived the restart: no API call');
  });

  it('deploys every example flow, pointed at local servers, and runs it', async () => {
    const dir = path.join(__dirname, '..', '..', 'examples');
    const flows = [];
    const triggers = [];
    const sockSources = [];
    for (const file of fs.readdirSync(dir).sort()) {
      const tab = `tab-${file}`;
      const example = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      if (!named && example.some((node) => node.type.startsWith('rfc2136-'))) continue;
      flows.push({ id: tab, type: 'tab', label: file });
      const udpPort = await freeUdpPort();
      for (const node of example) {
        // each example brings its own tab; here each runs in the tab made for it
        if (node.type === 'tab') continue;
        const copy = { ...node };
        // the UDP address provider (08) on a free port: its own ip-source asks it over loopback
        if (node.type === 'udp in') copy.port = String(udpPort);
        if (node.type === 'udp out') copy.outport = String(udpPort);
        if (!['aliyun-account', 'dyndns2-account', 'cloudflare-account', 'rfc2136-server', 'tls-config'].includes(node.type)) copy.z = tab;
        if (node.type === 'ip-source') {
          if (/^sock:/.test(node.origin)) {
            copy.origin = `sock://127.0.0.1:${udpPort}`;
            sockSources.push(node.id);
          } else {
            copy.origin = echoServer.url('/both');
          }
          copy.interval = 0;
          copy.watch = false;
          triggers.push({ id: `go-${node.id}`, type: 'inject', z: tab, props: [], once: false, repeat: '', wires: [[node.id]] });
        }
        if (node.type === 'inject') copy.once = false;
        if (node.type === 'aliyun-account') Object.assign(copy, { endpoint: alidns.url, credentials: { accessKeyId: ALIYUN_KEY_ID, accessKeySecret: ALIYUN_SECRET } });
        if (node.type === 'dyndns2-account') Object.assign(copy, { server: dyndns.url, credentials: { username: 'user', password: DYNDNS_PASSWORD } });
        if (node.type === 'cloudflare-account') Object.assign(copy, { endpoint: cloudflare.url, credentials: { apiToken: CLOUDFLARE_TOKEN } });
        if (node.type === 'rfc2136-server') Object.assign(copy, { server: named.server, credentials: { secret: RFC2136_SECRET } });
        flows.push(copy);
      }
    }
    const logBefore = red.log().length;
    await red.deploy([...flows, ...triggers]);
    for (const trigger of triggers) await press(red, trigger.id);
    const value = (rr, type) => alidns.list('example.com', rr, type).map((r) => r.Value).join();
    await waitFor(() => value('www', 'A') === '8.8.8.8', '01: www A');
    await waitFor(() => value('home', 'A') === '8.8.8.8' && value('home', 'AAAA') === V6, '03: home A + AAAA');
    await waitFor(() => value('nas', 'AAAA') === '2001:4860:4860:12:211:32ff:feaa:bbcc', '05: NAS address from prefix + EUI-64');
    await waitFor(() => value('cam', 'AAAA') === V6, '05: camera');
    await waitFor(() => dyndns.hosts.get('home.example.com').ipv6 === V6, '02: DynDNS2 AAAA');
    const cfValue = (type) => cloudflare.list('home.example.com', type).map((r) => r.content).join();
    await waitFor(() => cfValue('A') === '8.8.8.8' && cfValue('AAAA') === V6, '07: Cloudflare home A + AAAA');
    // 08: an ip-source asked the sock:// provider built from core udp nodes, and learnt its address
    for (const id of sockSources) {
      await waitFor(async () => {
        const board = await red.request('GET', '/ddns/records');
        const row = board.json && board.json.sources.find((r) => r.nodeId === id);
        return row && row.state === 'ok' && row.addresses === '127.0.0.1';
      }, '08: the sock:// provider answered 127.0.0.1');
    }
    if (named) {
      const served = async () => [...(await named.records('home.example.com', 'A')), ...(await named.records('home.example.com', 'AAAA'))].join(' ');
      await waitFor(async () => (await served()) === `8.8.8.8 ${V6}`, '06: BIND serves A + AAAA');
      // the address changes: the next check moves the records along
      echoServer.route('/both', { body: '8.8.4.4 2001:4860:4860::8844' });
      await press(red, 'go-f6c0000000000002');
      await waitFor(async () => (await served()) === '8.8.4.4 2001:4860:4860::8844', '06: BIND follows the new address');
      const seen = [fs.readFileSync(path.join(red.userDir, 'flows.json'), 'utf8'), fs.readFileSync(path.join(red.userDir, 'flows_cred.json'), 'utf8'), red.log()];
      seen.push((await red.request('GET', '/flows')).text, (await red.request('GET', '/ddns/records')).text);
      assert.ok(seen.every((text) => !text.includes(RFC2136_SECRET)), 'the TSIG secret is in no file, log or admin answer');
    }
    const errors = red.log().slice(logBefore).split('\n').filter((line) => /\[error\]/.test(line));
    assert.deepEqual(errors, [], 'no node reported an error');
  });
});
