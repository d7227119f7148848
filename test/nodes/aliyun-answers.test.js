'use strict';
// How aliyun-ddns reads Alibaba Cloud DNS answers, through the node in a real
// Node-RED runtime (aliyun-account + aliyun-ddns) against the fake Alidns
// server answering exactly so: which answers are retried, which mean "the
// domain is not in this account", that a listing holding another domain's
// record never leads to a write of it, and that an answer echoing the
// request's AccessKey ID, signature or nonce carries none of them into a
// message, the status, a Catch node or the DDNS sidebar.
const assert = require('node:assert/strict');
const { domainToASCII } = require('node:url');
const { helper, nodeFile, nextMessage } = require('../support/node-red');
const fakeAlidns = require('../servers/fake-alidns');

const nodes = [nodeFile('aliyun-account'), nodeFile('aliyun-ddns')];
const KEY_ID = 'LTAI5tAnswersKey7Qx2';
const SECRET = 'answers-Secret+Key/9c1e=';
const NEW = '198.51.100.7';
const IDN = '例子.测试';
// the account's client retries three times with a 1 s base backoff; a retried run takes a few seconds
const RUN_MS = 15_000;

function flow(server, ddns = {}) {
  return [
    { id: 'acct', type: 'aliyun-account', endpoint: server.url },
    { id: 'ddns', type: 'aliyun-ddns', account: 'acct', domain: 'example.com', rr: 'api', recordType: 'A', ttl: 600, line: 'default', create: true, wires: [['out']], ...ddns },
    { id: 'out', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}
const credentials = (secret = SECRET) => ({ acct: { accessKeyId: KEY_ID, accessKeySecret: secret } });

/** Loads the flow and sends one value; resolves with the output message (and the Catch message when one is expected). */
async function run(server, { ddns, secret, payload = NEW, caught = false } = {}) {
  await helper.load(nodes, flow(server, ddns), credentials(secret));
  const out = nextMessage(helper.getNode('out'), RUN_MS);
  const catchMsg = caught ? nextMessage(helper.getNode('caught'), RUN_MS) : undefined;
  helper.getNode('ddns').receive({ payload });
  return { out: await out, caught: await catchMsg };
}

describe('aliyun-ddns reads Alibaba Cloud DNS answers', function () {
  this.timeout(40_000);
  let server;
  before(async () => {
    server = await fakeAlidns.start({ keys: { [KEY_ID]: SECRET }, domains: ['example.com', 'victim.org', IDN] });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });
  afterEach(() => helper.unload());

  describe('transient answers are retried with backoff', () => {
    // terraform-provider-alicloud (resource_alicloud_alidns_record.go, resource_alicloud_dns_record.go) retries
    // AddDomainRecord and UpdateDomainRecord on LastOperationNotFinished: a write while the previous one on the
    // domain is still being applied, typically several records written one after the other
    it('LastOperationNotFinished on AddDomainRecord, twice: retried, then created (terraform-provider-alicloud retries it)', async () => {
      server.inject({ type: 'lastOperation', action: 'AddDomainRecord', count: 2 });
      const { out } = await run(server);
      assert.deepEqual(out.ddns.results.map((r) => [r.name, r.status]), [['api.example.com', 'created']]);
      assert.equal(server.count('AddDomainRecord'), 3);
      assert.deepEqual(server.list('example.com', 'api', 'A').map((r) => r.Value), [NEW]);
    });

    it('LastOperationNotFinished on UpdateDomainRecord: retried, then updated', async () => {
      server.addRecord('example.com', { RR: 'api', Value: '192.0.2.1' });
      server.inject({ type: 'lastOperation', action: 'UpdateDomainRecord', count: 1 });
      const { out } = await run(server);
      assert.deepEqual(out.ddns.results.map((r) => [r.status, r.previous]), [['updated', '192.0.2.1']]);
      assert.equal(server.count('UpdateDomainRecord'), 2);
    });

    // the error tables of UpdateDomainRecord and AddDomainRecord spell it UnKnownError, with HTTP 400
    it('UnKnownError (as Alibaba spells it, HTTP 400): retried, then created', async () => {
      server.inject({ type: 'unKnownError', action: 'AddDomainRecord', count: 1 });
      const { out } = await run(server);
      assert.equal(out.ddns.results[0].status, 'created');
      assert.equal(server.count('AddDomainRecord'), 2);
    });

    it('a 5xx answer with a code nobody documents: retried, then created', async () => {
      server.inject({ status: 504, code: 'GatewayTimeout.Upstream', message: 'upstream timed out', action: 'DescribeSubDomainRecords', count: 1 });
      const { out } = await run(server);
      assert.equal(out.ddns.results[0].status, 'created');
      assert.equal(server.count('DescribeSubDomainRecords'), 2);
    });
  });

  describe('the domain is not in the account', () => {
    // DomainNotExist: the error sample of Alibaba Cloud DNS's common response page; DomainNotExists: the spelling the
    // maintainer's brief gives; InvalidDomainName.NoExist: what DescribeDomainRecords and AddDomainRecord answer today
    for (const code of ['DomainNotExist', 'DomainNotExists', 'InvalidDomainName.NoExist', 'IncorrectDomainUser']) {
      it(`${code}: ENOTFOUND, not retried, the domain's other records not asked for`, async () => {
        server.inject({ status: 400, code, message: 'The specified domain name does not exist.', count: Infinity });
        const { out, caught } = await run(server, { ddns: { rr: 'api,www' }, caught: true });
        assert.equal(caught.error.code, 'ENOTFOUND');
        assert.match(caught.error.message, /example\.com is not in this Alibaba Cloud account/);
        assert.deepEqual(out.ddns.results.map((r) => [r.name, r.status, r.code]), [
          ['api.example.com', 'failed', 'ENOTFOUND'],
          ['www.example.com', 'failed', 'ENOTFOUND'],
        ]);
        assert.equal(out.ddns.results[0].providerCode, code);
        assert.equal(server.requests.length, 1, 'one request: neither retried nor repeated for www');
      });
    }
  });

  describe("another domain's records in a listing (security)", () => {
    function plantVictim() {
      return server.addRecord('victim.org', { RR: 'api', Value: '203.0.113.9' });
    }
    function assertVictimUntouched(victimId) {
      assert.equal(server.findById(victimId).Value, '203.0.113.9', "victim.org's record was changed");
      assert.ok(
        !server.requests.some((r) => r.action === 'UpdateDomainRecord' && r.params.RecordId === victimId),
        "an UpdateDomainRecord named victim.org's record",
      );
    }

    it('DescribeSubDomainRecords holds victim.org\'s api: it is ignored, api.example.com is created', async () => {
      const victimId = plantVictim();
      server.setListingQuirks({ alsoFrom: 'victim.org' });
      const { out } = await run(server);
      assertVictimUntouched(victimId);
      assert.equal(out.ddns.results[0].status, 'created');
      assert.notEqual(out.ddns.results[0].recordId, victimId);
      assert.deepEqual(server.list('example.com', 'api', 'A').map((r) => r.Value), [NEW]);
    });

    it('DescribeDomainRecords (many RRs at once) holds victim.org\'s api: it is ignored', async () => {
      const victimId = plantVictim();
      server.setListingQuirks({ alsoFrom: 'victim.org' });
      const { out } = await run(server, { ddns: { rr: 'api,b,c,d' } });
      assert.ok(server.count('DescribeDomainRecords') >= 1, 'the listing path was taken');
      assertVictimUntouched(victimId);
      assert.deepEqual(out.ddns.results.map((r) => r.status), ['created', 'created', 'created', 'created']);
    });

    it('a record of our own domain beside the foreign one is the one updated', async () => {
      const victimId = plantVictim();
      const ownId = server.addRecord('example.com', { RR: 'api', Value: '192.0.2.1' });
      server.setListingQuirks({ alsoFrom: 'victim.org' });
      const { out } = await run(server);
      assertVictimUntouched(victimId);
      assert.deepEqual(out.ddns.results.map((r) => [r.status, r.recordId]), [['updated', ownId]]);
    });

    it('records without DomainName: none is touched and nothing is added beside them (EBADRESPONSE)', async () => {
      const ownId = server.addRecord('example.com', { RR: 'api', Value: '192.0.2.1' });
      server.setListingQuirks({ omitDomainName: true });
      const { out, caught } = await run(server, { caught: true });
      assert.equal(caught.error.code, 'EBADRESPONSE');
      assert.match(out.ddns.results[0].message, /DomainName/);
      assert.equal(server.count('UpdateDomainRecord') + server.count('AddDomainRecord'), 0);
      assert.equal(server.findById(ownId).Value, '192.0.2.1');
    });

    it('an internationalised domain whose records come back in punycode is still ours', async () => {
      const ownId = server.addRecord(IDN, { RR: 'api', Value: '192.0.2.1' });
      server.setListingQuirks({ domainNameAs: 'ascii' });
      assert.notEqual(domainToASCII(IDN), IDN);
      const { out } = await run(server, { ddns: { domain: IDN } });
      assert.deepEqual(out.ddns.results.map((r) => [r.status, r.recordId]), [['updated', ownId]]);
      assert.equal(server.count('AddDomainRecord'), 0);
    });
  });

  describe("an answer echoing the request's credentials (security)", () => {
    const encode = (text) => encodeURIComponent(text);
    /** Every form the request's secrets travel in: plain, URL-encoded, and double URL-encoded as in a string to sign. */
    function forbiddenForms() {
      const values = [KEY_ID, SECRET];
      for (const r of server.requests) values.push(r.params.Signature, r.params.SignatureNonce);
      const forms = new Set();
      for (const value of values) {
        forms.add(value);
        forms.add(encode(value));
        forms.add(encode(encode(value)));
      }
      return [...forms];
    }
    function assertClean(label, value) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      for (const form of forbiddenForms()) assert.ok(!text.includes(form), `${label} carries ${form}: ${text.slice(0, 300)}`);
    }
    async function sidebar() {
      const res = await helper.request().get('/ddns/records').expect(200);
      return res.body;
    }

    /** Runs one value through the node and checks msg, Catch message, every status and the sidebar. */
    async function assertNothingLeaks(options, serverWords) {
      await helper.load(nodes, flow(server, options.ddns), credentials(options.secret));
      const ddns = helper.getNode('ddns');
      const statuses = [];
      ddns.on('call:status', (call) => statuses.push(call.args[0]));
      const out = nextMessage(helper.getNode('out'), RUN_MS);
      const caught = nextMessage(helper.getNode('caught'), RUN_MS);
      ddns.receive({ payload: NEW });
      const [outMsg, caughtMsg] = await Promise.all([out, caught]);
      assert.ok(server.requests.length >= 1);
      assertClean('msg.ddns.results', outMsg.ddns.results);
      assertClean('msg.payload', outMsg.payload);
      assertClean('the Catch message', caughtMsg);
      assertClean('msg.error.message', caughtMsg.error.message);
      assertClean('the node status', statuses);
      assertClean('the DDNS sidebar', await sidebar());
      const [result] = outMsg.ddns.results;
      // only a short excerpt of what the server said, never the whole of it
      assert.match(result.message, serverWords);
      assert.ok(result.message.length < 400, `the result message is ${result.message.length} characters long`);
      return { result, error: caughtMsg.error };
    }

    // Alibaba's gateway answers a wrong signature with its own string to sign, which holds the AccessKey ID and
    // the nonce double URL-encoded (the client-side error code table: "Specified signature is not matched with
    // our calculation.")
    it('SignatureDoesNotMatch with the server string to sign (a wrong secret)', async () => {
      const { error } = await assertNothingLeaks({ secret: 'not-the+Secret/0000=' }, /Specified signature is not matched/);
      assert.equal(error.code, 'EAUTH');
    });

    it('a refusal whose Message quotes the signed query and the string to sign', async () => {
      server.inject({
        status: 400,
        code: 'InvalidParameter',
        message: ({ rawQuery, toSign }) => `The specified parameter is not valid. request: ${rawQuery} server string to sign is:${toSign}`,
        count: Infinity,
      });
      const { error } = await assertNothingLeaks({}, /The specified parameter is not valid/);
      assert.equal(error.code, 'EPROVIDER');
    });

    it('a server error whose Message quotes the decoded query, retried to the end', async () => {
      server.inject({
        status: 500,
        code: 'InternalError',
        message: ({ params }) =>
          `The request processing has failed. AccessKeyId=${params.AccessKeyId}, Signature: ${params.Signature} ` +
          `nonce ${params.SignatureNonce} key ${SECRET}`,
        count: Infinity,
      });
      const { error } = await assertNothingLeaks({}, /The request processing has failed/);
      assert.equal(error.code, 'EHTTPSTATUS');
      assert.equal(server.requests.length, 4, 'retried three times');
    });
  });
});
