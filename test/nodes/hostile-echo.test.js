'use strict';
// Attacks on redaction (issue 22 point 4, "Secrets in unusual echo forms"): a
// server echoes the secret glued to letters, base64 of the header value that
// carried it, or cut short where the secret starts. Through the real nodes in
// Node-RED (node-red-node-test-helper) against the fake Cloudflare and DynDNS2
// servers: nothing of 8 characters or more of the secret reaches the output
// message, the Catch message (msg.error), the status, the log (node.warn,
// node.error) or the DDNS sidebar. DESIGN.md security rules: "Every form of
// every secret is masked wherever it stands, before an excerpt is cut; the
// package's own words are never masked."
const assert = require('node:assert/strict');
const { helper, nodeFile, nextMessage, settle, watchStatus } = require('../support/node-red');
const fakeCloudflare = require('../servers/fake-cloudflare');
const fakeDyndns2 = require('../servers/fake-dyndns2');
const fakeRfc2136 = require('../servers/fake-rfc2136');

const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Every 8-character piece of `secret` found in `text`: of the secret itself, of
 * its URL encoding and of its base64 at each of the three byte alignments (the
 * base64 of any text holding the secret holds one of those).
 */
function piecesOf(secret, text) {
  const bytes = Buffer.from(secret, 'utf8');
  const spellings = [secret, encodeURIComponent(secret), ...[0, 1, 2].map((skip) => bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3).toString('base64'))];
  const found = [];
  for (const spelling of spellings) for (let i = 0; i + 8 <= spelling.length; i++) if (text.includes(spelling.slice(i, i + 8))) found.push(spelling.slice(i, i + 8));
  return found;
}

function catchFlow(node) {
  return [
    node,
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

/** One input to node `id`; everything the node let out for it: output, Catch, statuses, log lines, sidebar rows. */
async function runOnce(id, payload) {
  const node = helper.getNode(id);
  const statuses = watchStatus(node, { fromStart: true });
  const out = nextMessage(helper.getNode('out'));
  const caught = nextMessage(helper.getNode('caught'));
  node.receive({ payload });
  const seen = { out: await out, caught: await caught };
  await settle(50);
  seen.statuses = statuses.seen;
  seen.log = helper.log().args.map((args) => args.map((a) => (a instanceof Error ? a.message : a)));
  seen.board = (await helper.request().get('/ddns/records').expect(200)).body;
  return { seen, text: JSON.stringify(seen) };
}

describe('hostile echoes: Cloudflare token glued, base64 of its header, cut short', function () {
  this.timeout(20000);
  const TOKEN = 'cf-echo-Token-7Hq2xV9pLm4sK8dW1zR3aB5nC0eF6g';
  const tokenOf = (req) => req.authorization.replace(/^Bearer /, '');
  let server;
  before(async () => {
    assert.equal(TOKEN.length, 44, 'as long as the token of the attack run');
    server = await fakeCloudflare.start({ tokens: { [TOKEN]: '*' } });
  });
  after(() => server.close());
  afterEach(async () => {
    server.clearFaults();
    server.reset();
    await helper.unload();
  });

  const nodes = [nodeFile('cloudflare-account'), nodeFile('cloudflare-ddns')];
  const flow = () => [
    { id: 'acct', type: 'cloudflare-account', endpoint: server.url },
    ...catchFlow({ id: 'ddns', type: 'cloudflare-ddns', account: 'acct', zone: 'example.com', hostnames: 'home.example.com', recordType: 'auto', ttl: 1, proxied: 'keep', create: true, wires: [['out']] }),
  ];

  const echoes = [
    ['the token glued to letters', (req) => `Invalid request headers: valueX${tokenOf(req)}Y`, /valueX\*\*\*Y/],
    ['base64 of "Bearer <token>"', (req) => `Invalid request headers: ${b64(req.authorization)}`, /Invalid request headers: \*\*\*/],
    ['the text cut 39 characters into the token', (req) => `Invalid access token ${tokenOf(req).slice(0, 39)}`, /Invalid access token \*\*\*/],
    ['the text cut 6 characters into the token', (req) => `refused ${tokenOf(req).slice(0, 6)}...`, /refused \*\*\*\.\.\./],
  ];
  for (const [what, message, words] of echoes) {
    it(`${what}: no 8 characters of the token anywhere, the server's words kept`, async () => {
      server.inject({ kind: 'zones', status: 400, count: Infinity, errors: (req) => [{ code: 6003, message: message(req) }] });
      await helper.load(nodes, flow(), { acct: { apiToken: TOKEN } });
      const { seen, text } = await runOnce('ddns', '8.8.8.8');
      assert.equal(server.requests[0].authorization, `Bearer ${TOKEN}`, 'the request carried the token');
      assert.deepEqual(piecesOf(TOKEN, text), [], text.slice(0, 800));
      assert.match(seen.caught.error.message, words);
      assert.match(seen.out.ddns.results[0].message, words);
      assert.ok(seen.statuses.some((s) => s.fill === 'red'), JSON.stringify(seen.statuses));
    });
  }

  it('a 200 answer that is no API answer, echoing the token glued: none of it in the excerpt', async () => {
    server.inject({ kind: 'zones', status: 200, count: Infinity, body: `proxy says valueX${TOKEN}Y and ${b64(`Bearer ${TOKEN}`)}` });
    await helper.load(nodes, flow(), { acct: { apiToken: TOKEN } });
    const { seen, text } = await runOnce('ddns', '8.8.8.8');
    assert.deepEqual(piecesOf(TOKEN, text), [], text.slice(0, 800));
    assert.match(seen.caught.error.message, /proxy says valueX\*\*\*Y and \*\*\*/);
  });
});

describe('hostile echoes: DynDNS2 password glued, base64 of its header, cut short', function () {
  this.timeout(20000);
  const USERNAME = 'echo-user';
  const PASSWORD = 'Echo-pw/7Hq2xV9pLm4sK8';
  const passwordOf = (record) => Buffer.from(record.authorization.replace(/^Basic /, ''), 'base64').toString('utf8').slice(USERNAME.length + 1);
  let server;
  before(async () => {
    server = await fakeDyndns2.start({ users: { [USERNAME]: { password: PASSWORD, hosts: ['a.example.com'] } } });
  });
  after(() => server.close());
  afterEach(async () => {
    server.reset();
    await helper.unload();
  });

  const nodes = [nodeFile('dyndns2-account'), nodeFile('dyndns2-update')];
  const flow = () => [
    { id: 'acct', type: 'dyndns2-account', server: server.url, dualStack: 'combined' },
    ...catchFlow({ id: 'upd', type: 'dyndns2-update', account: 'acct', hostnames: 'a.example.com', retries: 0, wires: [['out']] }),
  ];
  const basic = b64(`${USERNAME}:${PASSWORD}`);

  const echoes = [
    ['HTTP 400, the password glued to letters', 400, (r) => `denied valueX${passwordOf(r)}Y`, /denied valueX\*\*\*Y/],
    ['HTTP 400, base64 of the Authorization value', 400, (r) => `denied ${b64(r.authorization)}`, /denied \*\*\*/],
    ['HTTP 400, the base64 login glued', 400, (r) => `denied x${r.authorization.slice(6)}y`, /denied x\*\*\*y/],
    ['HTTP 400, cut 12 characters into the password', 400, (r) => `denied for ${passwordOf(r).slice(0, 12)}`, /denied for \*\*\*/],
    ['a 200 nobody can read, the password glued', 200, (r) => `valueX${passwordOf(r)}Y`, /valueX\*\*\*Y/],
  ];
  for (const [what, status, body, words] of echoes) {
    it(`${what}: no 8 characters of the login anywhere, the server's words kept`, async () => {
      server.inject({ status, body, count: Infinity });
      await helper.load(nodes, flow(), { acct: { username: USERNAME, password: PASSWORD } });
      const { seen, text } = await runOnce('upd', '8.8.8.8');
      server.clearFaults();
      assert.ok(server.requests[0].authorization, 'the request carried the login');
      assert.deepEqual([...piecesOf(PASSWORD, text), ...piecesOf(basic, text)], [], text.slice(0, 800));
      assert.match(seen.out.ddns.results[0].message, words);
    });
  }
});

describe("the package's own words are never masked", function () {
  this.timeout(20000);
  afterEach(() => helper.unload());

  // src/providers/cloudflare/client.ts checkApiToken: "... not an API token: create an API token ..."
  it('"API token: create" stays whole in the Catch message; nothing masked in the status, log or sidebar', async () => {
    const server = await fakeCloudflare.start();
    try {
      await helper.load([nodeFile('cloudflare-account'), nodeFile('cloudflare-ddns')], [
        { id: 'acct', type: 'cloudflare-account', endpoint: server.url },
        ...catchFlow({ id: 'ddns', type: 'cloudflare-ddns', account: 'acct', zone: 'example.com', hostnames: 'home.example.com', wires: [['out']] }),
      ], { acct: { apiToken: '0123456789abcdef0123456789abcdef01234' } });
      const { seen, text } = await runOnce('ddns', '8.8.8.8');
      assert.match(seen.caught.error.message, /this is a Global API Key, not an API token: create an API token with Zone \/ DNS \/ Edit/);
      assert.ok(!text.includes('***'), text.slice(0, 800));
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  // src/providers/rfc2136/policy.ts, BADSIG: "the DNS server refused the signature: the secret of key ..."
  it('the RFC 2136 BADSIG text keeps "signature: the secret" in the message, the Catch message and the log', async () => {
    const SECRET = 'bm9kZS10ZXN0LXNlY3JldC1mb3ItcmZjMjEzNi0wMTIzNDU2Nzg5';
    const server = await fakeRfc2136.start({ keys: { 'node-key': SECRET } });
    try {
      server.script('update', ['badsig']);
      await helper.load([nodeFile('rfc2136-server'), nodeFile('rfc2136-update')], [
        { id: 'srv', type: 'rfc2136-server', server: server.server, zone: 'example.test', keyName: 'node-key', algorithm: 'hmac-sha256' },
        ...catchFlow({ id: 'upd', type: 'rfc2136-update', server: 'srv', hostnames: 'a.example.test', hostnamesType: 'str', recordType: 'auto', ttl: 300, wires: [['out']] }),
      ], { srv: { secret: SECRET } });
      const { seen, text } = await runOnce('upd', '198.51.100.30');
      assert.equal(seen.caught.error.code, 'EAUTH');
      const words = /the DNS server refused the signature: the secret of key "node-key" is not the one it has/;
      assert.match(seen.caught.error.message, words);
      assert.match(seen.out.ddns.results[0].message, words);
      assert.ok(!text.includes('***'), text.slice(0, 800));
      assert.deepEqual(piecesOf(SECRET, text), []);
    } finally {
      await server.close();
    }
  });
});
