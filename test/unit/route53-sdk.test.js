'use strict';
// The Route 53 stand-in (test/servers/fake-route53.js) checked against the
// official AWS SDK (@aws-sdk/client-route-53, a dev dependency only; the
// package signs and reads the API itself): the SDK's SigV4 requests must be
// accepted (the fake recomputes each signature with the secret), a wrong
// secret refused as Route 53 refuses it (403 SignatureDoesNotMatch in an
// ErrorResponse), and the SDK must read the fake's answers to the four calls
// the updater makes, so the shapes the package's client is tested with are the
// ones the SDK reads.
const assert = require('node:assert/strict');
const {
  Route53Client,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
} = require('@aws-sdk/client-route-53');
const fakeRoute53 = require('../servers/fake-route53');

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('fake Route 53 API against the official AWS SDK', function () {
  let server;
  const sdk = (secretAccessKey = SECRET, accessKeyId = KEY_ID) =>
    new Route53Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  before(async () => {
    server = await fakeRoute53.start({ keys: { [KEY_ID]: SECRET }, zones: [{ name: 'example.com' }, { name: 'example.com', private: true }, { name: 'other.org' }] });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    server.clearRecords();
  });

  it('accepts the SDK\'s signed ListHostedZonesByName, and the SDK reads both zones of the name with their ids and privacy', async () => {
    const out = await sdk().send(new ListHostedZonesByNameCommand({ DNSName: 'example.com', MaxItems: 2 }));
    assert.deepEqual(out.HostedZones.map((z) => [z.Id, z.Name, z.Config.PrivateZone]), [
      [`/hostedzone/${server.zones[0].id}`, 'example.com.', false],
      [`/hostedzone/${server.zones[1].id}`, 'example.com.', true],
    ]);
    assert.equal(out.IsTruncated, true);
    assert.equal(out.NextDNSName, 'other.org.');
    const sent = server.requests[0];
    assert.match(sent.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/route53\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    assert.deepEqual(sent.query, { dnsname: 'example.com', maxitems: '2' });
  });

  it('refuses a wrong secret with 403 SignatureDoesNotMatch, which the SDK reads as Route 53\'s error', async () => {
    await assert.rejects(sdk('wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY').send(new ListHostedZonesByNameCommand({ DNSName: 'example.com' })), (err) => {
      assert.equal(err.name, 'SignatureDoesNotMatch');
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.match(err.message, /signature we calculated does not match/);
      assert.match(err.$metadata.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(err.$fault, 'client');
      return true;
    });
    assert.equal(server.count('zones'), 0, 'nothing was answered past the signature check');
  });

  it('refuses an unknown access key with 403 InvalidClientTokenId', async () => {
    await assert.rejects(sdk(SECRET, 'AKIAUNKNOWNKEY000000').send(new ListHostedZonesByNameCommand({ DNSName: 'example.com' })), (err) => err.name === 'InvalidClientTokenId' && err.$metadata.httpStatusCode === 403);
  });

  it('ChangeResourceRecordSets (UPSERT), ListResourceRecordSets and GetChange: the SDK reads each answer', async () => {
    const zoneId = server.zones[0].id;
    const change = await sdk().send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: '*.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }, { Value: '192.0.2.2' }] } }] },
    }));
    assert.match(change.ChangeInfo.Id, /^\/change\/C[0-9A-Z]+$/);
    assert.equal(change.ChangeInfo.Status, 'PENDING');
    assert.ok(change.ChangeInfo.SubmittedAt instanceof Date);
    assert.deepEqual(server.values('*.example.com', 'A'), ['192.0.2.1', '192.0.2.2']);
    const listed = await sdk().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: '*.example.com', StartRecordType: 'A', MaxItems: 1 }));
    assert.deepEqual(listed.ResourceRecordSets, [{ Name: '\\052.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }, { Value: '192.0.2.2' }] }]);
    assert.equal(listed.IsTruncated, false);
    const polled = await sdk().send(new GetChangeCommand({ Id: change.ChangeInfo.Id }));
    assert.equal(polled.ChangeInfo.Status, 'INSYNC');
    assert.equal(polled.ChangeInfo.Id, change.ChangeInfo.Id);
  });

  it('an alias record set is listed with its AliasTarget, as the SDK reads it', async () => {
    server.addRecord('example.com', { name: 'www.example.com', type: 'A', alias: 'd111111abcdef8.cloudfront.net.' });
    const listed = await sdk().send(new ListResourceRecordSetsCommand({ HostedZoneId: server.zones[0].id, StartRecordName: 'www.example.com', StartRecordType: 'A', MaxItems: 1 }));
    assert.equal(listed.ResourceRecordSets[0].AliasTarget.DNSName, 'd111111abcdef8.cloudfront.net.');
  });

  it('a CREATE of an existing set is InvalidChangeBatch (400), with Route 53\'s words, as the SDK reads it', async () => {
    server.addRecord('example.com', { name: 'home.example.com', type: 'A', values: ['192.0.2.5'] });
    await assert.rejects(
      sdk().send(new ChangeResourceRecordSetsCommand({ HostedZoneId: server.zones[0].id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'home.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.6' }] } }] } })),
      (err) => err.name === 'InvalidChangeBatch' && err.$metadata.httpStatusCode === 400 && /already exists/.test(err.message),
    );
    assert.deepEqual(server.values('home.example.com', 'A'), ['192.0.2.5']);
  });

  it('throttling and a missing zone answer with the codes the SDK knows', async () => {
    server.inject({ status: 400, code: 'Throttling' });
    await assert.rejects(sdk().send(new GetChangeCommand({ Id: 'C1' })), (err) => err.name === 'Throttling' && err.$metadata.httpStatusCode === 400);
    await assert.rejects(sdk().send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOSUCHZONE', StartRecordName: 'a.example.com' })), (err) => err.name === 'NoSuchHostedZone' && err.$metadata.httpStatusCode === 404);
  });
});
