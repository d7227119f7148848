'use strict';
// What dyndns2-update does with each kind of answer, through the node in
// Node-RED (node-red-node-test-helper), against the fake DynDNS2 server
// answering exactly so. Each rule names where it comes from.
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, watchStatus } = require('../support/node-red');
const fake = require('../servers/fake-dyndns2');
const { waitFor } = require('../support/wait');

const nodes = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')];
const USERNAME = 'answers-user';
const PASSWORD = 'S3cr3t pa$$/ü-answers';
const HOSTS = ['a.example.com', 'b.example.com', 'c.example.com'];


function flow(server, { update = {}, account = {} } = {}) {
  return [
    { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined', ...account },
    { id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 0, refresh: 25, wires: [['out']], ...update },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (password = PASSWORD) => ({ acct: { username: USERNAME, password } });

/**
 * helper.load with a memory context store configured, as a settings file with
 * contextStorage would: only then does Node-RED keep a node's context across a
 * redeploy (the helper loads no context store itself).
 */
async function loadWithContextStore(flowConfig, creds) {
  await helper.load(nodes, flowConfig, creds);
  helper._settings.contextStorage = { default: { module: 'memory' } };
  try {
    await helper._context.load();
  } finally {
    delete helper._settings.contextStorage;
  }
}

/** Everything the node let out while `fn` ran: output and Catch messages, status calls. */
async function watch(fn) {
  const seen = { out: [], caught: [], status: [] };
  const upd = helper.getNode('upd');
  const onOut = (m) => seen.out.push(m);
  const onCaught = (m) => seen.caught.push(m);
  const onStatus = (call) => seen.status.push(call.args[0]);
  helper.getNode('out').on('input', onOut);
  helper.getNode('caught').on('input', onCaught);
  upd.on('call:status', onStatus);
  try {
    await fn(upd);
  } finally {
    helper.getNode('out').removeListener('input', onOut);
    helper.getNode('caught').removeListener('input', onCaught);
    upd.removeListener('call:status', onStatus);
  }
  return seen;
}

/** Sends one input and waits for its output message (and its Catch message when one is expected). */
async function send(payload, { caught = false } = {}) {
  const out = nextMessage(helper.getNode('out'));
  const error = caught ? nextMessage(helper.getNode('caught')) : undefined;
  helper.getNode('upd').receive({ payload });
  return { msg: await out, err: caught ? await error : undefined };
}

describe('dyndns2-update node: answers', function () {
  let server;
  before(async () => {
    server = await fake.start({ users: { [USERNAME]: { password: PASSWORD, hosts: HOSTS } } });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    for (const host of server.hosts.values()) {
      host.ipv4 = undefined;
      host.ipv6 = undefined;
    }
  });
  afterEach(() => helper.unload());

  describe('good 127.0.0.1 (Dyn\'s return codes: the request was ignored; like badagent)', () => {
    it('blocks the host: Catch sees EBLOCKED, red status, the address is never confirmed', async () => {
      await loadWithContextStore(flow(server), credentials());
      server.inject({ body: 'good 127.0.0.1' });
      const status = watchStatus(helper.getNode('upd'));
      const { msg, err } = await send('8.8.8.8', { caught: true });
      assert.deepEqual(msg.ddns.results.map((r) => [r.status, r.code, r.providerCode]), [['failed', 'EBLOCKED', 'good 127.0.0.1']]);
      assert.equal(err.error.code, 'EBLOCKED');
      assert.deepEqual(status.current(), { fill: 'red', shape: 'ring', text: 'blocked: good 127.0.0.1 (a.example.com)' });

      // not on the next input, not after a redeploy with the same configuration
      const second = await send('8.8.4.4');
      assert.deepEqual(second.msg.ddns.results.map((r) => [r.status, r.code]), [['skipped', 'EBLOCKED']]);
      await helper.setFlows(flow(server), 'full', credentials());
      await send('8.8.4.4');
      assert.equal(server.requests.length, 1, 'blocked until the configuration or the login changes');
    });

    it('a change of login lifts it', async () => {
      await loadWithContextStore(flow(server), credentials());
      server.inject({ body: 'good 127.0.0.1' });
      await send('8.8.8.8', { caught: true });
      server.users.set(USERNAME, { password: 'a-new-password' });
      try {
        await helper.setFlows(flow(server), 'full', credentials('a-new-password'));
        // the new login heals the host without a new input: the remembered address is sent once (issue 23)
        await waitFor(() => server.requests.length === 2, 'the remembered address sent with the new login');
        const { msg } = await send('8.8.8.8');
        assert.equal(server.requests.length, 2, 'confirmed by the healing write: not sent again');
        assert.deepEqual(msg.ddns.results.map((r) => r.status), ['unchanged']);
      } finally {
        server.users.set(USERNAME, { password: PASSWORD });
      }
    });
  });

  describe('an echo of another address (never remembered as confirmed)', () => {
    it('fails the host with the server\'s words; when it repeats, the next inputs wait instead of asking again', async () => {
      await helper.load(nodes, flow(server), credentials());
      server.inject({ body: 'good 192.0.2.9', count: Infinity });
      const status = watchStatus(helper.getNode('upd'));
      const { msg, err } = await send('8.8.8.8', { caught: true });
      const [result] = msg.ddns.results;
      assert.equal(result.status, 'failed');
      assert.equal(result.code, 'EBADRESPONSE');
      assert.match(result.message, /"good 192\.0\.2\.9"/);
      assert.equal(err.error.code, 'EBADRESPONSE');
      assert.equal(status.current().fill, 'red');
      const again = await send('8.8.8.8', { caught: true });
      assert.match(again.msg.ddns.results[0].message, /2 times in a row/);
      for (let i = 0; i < 3; i++) {
        const later = await send('8.8.8.8');
        assert.deepEqual(later.msg.ddns.results.map((r) => [r.status, r.code]), [['skipped', 'EWAIT']]);
      }
      assert.equal(status.current().fill, 'yellow');
      assert.match(status.current().text, /^paused until .*\(good\)$/);
      assert.equal(server.requests.length, 2);
      server.clearFaults();
    });

    it('combined form: each echoed address is compared, both records fail when the IPv6 differs', async () => {
      await helper.load(nodes, flow(server), credentials());
      server.inject({ body: 'good 8.8.8.8,2001:db8::99' });
      const { msg } = await send({ ipv4: '8.8.8.8', ipv6: '2001:db8::1' }, { caught: true });
      assert.equal(server.requests[0].query.myip, '8.8.8.8,2001:db8::1');
      assert.deepEqual(msg.ddns.results.map((r) => [r.type, r.status]), [['A', 'failed'], ['AAAA', 'failed']]);
    });
  });

  describe('codes peers know (ddclient, inadyn, qdm12/ddns-updater)', () => {
    it('badsys with HTTP 200 (OVH) blocks and shows the server\'s code', async () => {
      await helper.load(nodes, flow(server), credentials());
      server.inject({ body: 'badsys' });
      const status = watchStatus(helper.getNode('upd'));
      const { msg, err } = await send('8.8.8.8', { caught: true });
      assert.deepEqual(msg.ddns.results.map((r) => [r.status, r.code, r.providerCode]), [['failed', 'EPROVIDER', 'badsys']]);
      assert.match(msg.ddns.results[0].message, /\(badsys\)/);
      assert.match(err.error.message, /badsys/);
      const second = await send('8.8.4.4');
      assert.deepEqual(second.msg.ddns.results.map((r) => [r.status, r.providerCode]), [['skipped', 'badsys']]);
      assert.deepEqual(status.current(), { fill: 'red', shape: 'ring', text: 'blocked: badsys (a.example.com)' });
      assert.equal(server.requests.length, 1);
    });

    it('!yours and !active block their hosts like nohost; the other host keeps its success', async () => {
      await helper.load(nodes, flow(server, { update: { hostnames: HOSTS.join(',') } }), credentials());
      server.inject({ body: 'good 8.8.8.8\n!yours\n!active' });
      const { msg } = await send('8.8.8.8', { caught: true });
      assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status, r.providerCode]), [
        ['a.example.com', 'updated', 'good'],
        ['b.example.com', 'failed', '!yours'],
        ['c.example.com', 'failed', '!active'],
      ]);
      const next = await send('8.8.4.4');
      assert.deepEqual(server.requests[1].hostnames, ['a.example.com']);
      assert.deepEqual(next.msg.ddns.results.map((r) => r.status), ['updated', 'skipped', 'skipped']);
    });

    it('an unknown word is an error, and the same answer does not bring a request for every input', async () => {
      await helper.load(nodes, flow(server), credentials());
      server.inject({ body: 'OK', count: Infinity });
      const first = await send('8.8.8.8', { caught: true });
      assert.deepEqual(first.msg.ddns.results.map((r) => [r.status, r.code, r.providerCode]), [['failed', 'EBADRESPONSE', 'OK']]);
      for (const payload of ['8.8.8.8', '8.8.4.4', '8.8.8.8', '1.1.1.1', '8.8.8.8']) await send(payload);
      assert.equal(server.requests.length, 2, 'asked once more; the same answer then pauses the host');
      server.clearFaults();
    });
  });

  describe('fewer answer lines than hosts (as ddclient\'s nic_dyndns2_update)', () => {
    it('the lines settle their hosts in order; the host without one fails and is the only one sent again', async () => {
      await helper.load(nodes, flow(server, { update: { hostnames: HOSTS.join(',') } }), credentials());
      server.inject({ body: 'good 8.8.8.8\nnochg 8.8.8.8' });
      const { msg, err } = await send('8.8.8.8', { caught: true });
      assert.deepEqual(msg.ddns.results.map((r) => [r.name, r.status]), [
        ['a.example.com', 'updated'],
        ['b.example.com', 'unchanged'],
        ['c.example.com', 'failed'],
      ]);
      assert.equal(err.error.code, 'EBADRESPONSE');
      const again = await send('8.8.8.8');
      assert.equal(server.requests.length, 2);
      assert.deepEqual(server.requests[1].hostnames, ['c.example.com']);
      assert.deepEqual(again.msg.ddns.results.map((r) => r.status), ['unchanged', 'unchanged', 'updated']);
    });

    it('one good line for several hosts applies to each', async () => {
      await helper.load(nodes, flow(server, { update: { hostnames: HOSTS.join(',') } }), credentials());
      server.inject({ body: 'good 8.8.8.8' });
      const { msg } = await send('8.8.8.8');
      assert.deepEqual(msg.ddns.results.map((r) => r.status), ['updated', 'updated', 'updated']);
      await send('8.8.8.8');
      assert.equal(server.requests.length, 1);
    });
  });

  // No-IP's own answer page echoes "both ips ... in a comma separated list"; ddclient, inadyn and
  // ddns-updater send IPv6 inside myip
  it('No-IP as the editor sets it up from the preset: both families in myip, no myipv6', async () => {
    await helper.load(nodes, flow(server), credentials());
    const presets = (await helper.request().get('/ddns/dyndns2/presets').expect(200)).body;
    const noip = presets.find((p) => p.id === 'noip');
    await helper.setFlows(flow(server, { account: { preset: 'noip', dualStack: noip.dualStack } }), 'full', credentials());
    await send({ ipv4: '8.8.8.8', ipv6: '2001:db8::1' });
    assert.equal(server.requests[0].rawQuery, 'hostname=a.example.com&myip=8.8.8.8,2001:db8::1');
    assert.equal(server.requests[0].query.myipv6, undefined);
  });

  describe('an error page that echoes the Authorization header', () => {
    const basic = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64');
    const forms = [PASSWORD, basic, basic.replace(/=+$/, ''), encodeURIComponent(PASSWORD), encodeURIComponent(PASSWORD).replace(/%20/g, '+'), Buffer.from(PASSWORD).toString('base64')];
    /** Every form of the login in `text`, and any part of one a cut-off excerpt would show. */
    function leaks(text) {
      const found = forms.filter((form) => text.includes(form));
      for (const [secret, size] of [[basic, 12], [PASSWORD, 8]]) {
        for (let i = 0; i + size <= secret.length; i++) if (text.includes(secret.slice(i, i + size))) found.push(secret.slice(i, i + size));
      }
      return found;
    }
    const login = (record) => Buffer.from(record.authorization.replace(/^Basic /, ''), 'base64').toString('utf8');
    const pages = [
      ['HTTP 400', { status: 400, body: (r) => `Bad Request\nAuthorization: ${r.authorization}\nlogin=${encodeURIComponent(login(r))}` }],
      ['HTTP 401 with a page', { status: 401, body: (r) => `<html><body>Unauthorized: ${r.authorization}</body></html>` }],
      ['HTTP 500', { status: 500, body: (r) => `Authorization: ${r.authorization} (${login(r)})` }],
      ['HTTP 502 from a proxy', { status: 502, body: (r) => `<pre>upstream said: ${r.authorization}</pre> pass=${encodeURIComponent(PASSWORD)}` }],
      ['a garbled 200', { body: (r) => `${r.authorization} ${login(r)}` }],
      ['a 200 HTML page', { body: (r) => `<html><pre>Authorization: ${r.authorization}</pre></html>` }],
      ['a 200 with the base64 login alone', { body: (r) => r.authorization.replace(/^Basic /, '') }],
      // a password with a non-ASCII letter, echoed decoded: masked before the excerpt shows ü as ?
      ['HTTP 400 with the decoded login', { status: 400, body: (r) => `denied: ${login(r)}` }],
      ['a 200 with the decoded login', { body: (r) => `who? ${login(r)}` }],
    ];
    for (const [name, fault] of pages) {
      it(`${name}: nothing of the login in msg, the Catch message, status or log`, async () => {
        await helper.load(nodes, flow(server), credentials());
        server.inject({ ...fault, count: Infinity });
        const seen = await watch(async () => {
          await send('8.8.8.8', { caught: true });
        });
        server.clearFaults();
        assert.ok(server.requests[0].authorization, 'the attack happened: the request carried the login');
        const text = JSON.stringify([seen.out, seen.caught, seen.status, helper.log().args]);
        assert.deepEqual(leaks(text), [], text.slice(0, 600));
        assert.equal(seen.caught.length, 1);
        assert.ok(seen.status.some((s) => s.fill === 'red' || s.fill === 'yellow'));
      });
    }

    it('the server\'s words still reach the message, the login masked in them', async () => {
      await helper.load(nodes, flow(server), credentials());
      server.inject({ status: 400, body: (r) => `Bad Request for ${r.authorization}` });
      const { msg } = await send('8.8.8.8', { caught: true });
      assert.match(msg.ddns.results[0].message, /Bad Request for Basic \*\*\*/);
    });
  });

  describe('masking keeps other words whole', () => {
    async function wrongPasswordRun() {
      server.users.set('wrong-user', { password: 'WRONG' });
      server.addHost('wrong-user', 'w.example.com');
      await helper.load(nodes, flow(server, { update: { hostnames: 'w.example.com' } }), { acct: { username: 'wrong-user', password: 'WRONG' } });
      server.inject({ status: 400, body: 'proxy error ERR_SSL_WRONG_VERSION_NUMBER, password WRONG' });
      return send('8.8.8.8', { caught: true });
    }
    const keepsWord = (text) => {
      assert.match(text, /ERR_SSL_WRONG_VERSION_NUMBER/);
      assert.ok(!/\bWRONG\b/.test(text.replace('ERR_SSL_WRONG_VERSION_NUMBER', '')), text);
    };

    it('with the password WRONG, ERR_SSL_WRONG_VERSION_NUMBER in a server\'s answer stays as it is in msg', async () => {
      const { msg } = await wrongPasswordRun();
      keepsWord(msg.ddns.results[0].message);
    });

    // flowError (src/nodes/shared/failure.ts) still masks by split/join
    it('... and in the Catch message (needs the shared redaction)', async () => {
      const { err } = await wrongPasswordRun();
      keepsWord(err.error.message);
    });
  });

  describe('account settings that travel to the provider (needs dyndns2-update.ts to pass them)', () => {
    // qdm12/ddns-updater's selfhostde provider: HTTP 204 with no body is "no change"
    it('selfHOST.de: HTTP 204 with an empty body is nochg, green, no error', async () => {
      const selfhost = await fake.start({ users: { [USERNAME]: { password: PASSWORD, hosts: HOSTS } }, noChangeStatus: 204 });
      try {
        selfhost.hosts.get('a.example.com').ipv4 = '8.8.8.8';
        await helper.load(nodes, flow(selfhost, { account: { preset: 'selfhost', dualStack: 'separate' } }), credentials());
        const seen = await watch(async () => {
          const { msg } = await send('8.8.8.8');
          assert.deepEqual(msg.ddns.results.map((r) => [r.status, r.providerCode]), [['unchanged', 'nochg']]);
        });
        assert.equal(selfhost.requests.length, 1);
        assert.equal(seen.caught.length, 0);
        assert.equal(seen.status.at(-1).fill, 'green');
        await send('8.8.8.8');
        assert.equal(selfhost.requests.length, 1, 'confirmed: not sent again');
      } finally {
        await selfhost.close();
      }
    });

    // ddclient's nic_dynu_update sends myip=no so that Dynu does not fill A from the source address
    it('Dynu: an IPv6-only input sends myip=no and leaves the A record as it was', async () => {
      const dynu = await fake.start({ users: { [USERNAME]: { password: PASSWORD, hosts: HOSTS } } });
      try {
        await helper.load(nodes, flow(dynu, { account: { preset: 'dynu', dualStack: 'myipv6' } }), credentials());
        const { msg } = await send('2001:db8::1');
        assert.equal(dynu.requests[0].rawQuery, 'hostname=a.example.com&myip=no&myipv6=2001:db8::1');
        assert.deepEqual(msg.ddns.results.map((r) => [r.type, r.status]), [['AAAA', 'updated']]);
        assert.equal(dynu.hosts.get('a.example.com').ipv4, undefined);
      } finally {
        await dynu.close();
      }
    });

    // ddclient's nic_inwx_update refuses an IPv6 update without IPv4: INWX would set A to 127.0.0.1
    it('INWX: IPv6 without a known IPv4 is a configuration error and nothing is sent', async () => {
      const inwx = await fake.start({ users: { [USERNAME]: { password: PASSWORD, hosts: HOSTS } }, missingIpv4: 'loopback' });
      try {
        await helper.load(nodes, flow(inwx, { account: { preset: 'inwx', dualStack: 'myipv6' } }), credentials());
        const { msg, err } = await send('2001:db8::1', { caught: true });
        assert.equal(inwx.requests.length, 0);
        assert.deepEqual(msg.ddns.results.map((r) => [r.type, r.status, r.code]), [['AAAA', 'failed', 'ECONFIG']]);
        assert.equal(err.error.code, 'ECONFIG');
        assert.match(err.error.message, /IPv6-only account/);
      } finally {
        await inwx.close();
      }
    });

    it('INWX with "IPv6-only account" ticked: the IPv6 update is sent alone', async () => {
      const inwx = await fake.start({ users: { [USERNAME]: { password: PASSWORD, hosts: HOSTS } }, missingIpv4: 'none' });
      try {
        await helper.load(nodes, flow(inwx, { account: { preset: 'inwx', dualStack: 'myipv6', ipv6Only: true } }), credentials());
        const { msg } = await send('2001:db8::1');
        assert.equal(inwx.requests[0].rawQuery, 'hostname=a.example.com&myipv6=2001:db8::1');
        assert.deepEqual(msg.ddns.results.map((r) => r.status), ['updated']);
      } finally {
        await inwx.close();
      }
    });

    // No-IP: "User-Agent: NameOfUpdateProgram/VersionNumber maintainercontact@domain.com"
    it('the account\'s contact is appended to the User-Agent', async () => {
      await helper.load(nodes, flow(server, { account: { contact: 'admin@example.com' } }), credentials());
      await send('8.8.8.8');
      assert.match(server.requests[0].userAgent, /^node-red-contrib-ddns - dyndns2-update - \S+ admin@example\.com$/);
    });

    it('a contact that is not an e-mail address is a configuration error', async () => {
      await helper.load(nodes, flow(server, { account: { contact: 'call me maybe' } }), credentials());
      const { err } = await send('8.8.8.8', { caught: true });
      assert.equal(err.error.code, 'ECONFIG');
      assert.equal(server.requests.length, 0);
    });
  });
});
