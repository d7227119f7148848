'use strict';
// How src/providers/cloudns reads ClouDNS HTTP API answers and checks its settings. The words are
// the API's own (https://www.cloudns.net/wiki/article/42/, /57/, /58/, /60/, /66/) and the
// in-body rate limit users quote (stalwartlabs/dns-update#78, DNSControl/dnscontrol#3962).
const assert = require('node:assert/strict');
const { cloudnsFailure, readRecords, sameHost, shortCode, SUB_USER_HINT } = require('../../dist/providers/cloudns/client');
const { checkLogin, ttlSetting, hostOf, CLOUDNS_TTLS, DEFAULT_TTL } = require('../../dist/providers/cloudns');

describe('cloudns answers', function () {
  const fail = (description, secrets = []) => cloudnsFailure('ClouDNS records', description, secrets);

  it("both logins' refusals are EAUTH, not retried, with a code the ledger keeps (article 42)", () => {
    for (const words of ['Invalid authentication, incorrect auth-id or auth-password.', 'Invalid authentication, incorrect sub-auth-id, sub-auth-user or auth-password.']) {
      const err = fail(words);
      assert.equal(err.code, 'EAUTH');
      assert.equal(err.retryable, false);
      assert.equal(err.providerCode, 'Invalid authentication');
      assert.ok(err.message.includes(words));
    }
  });

  it('"Missing domain-name" is ENOTFOUND with the sub-user hint; "Invalid record-id param." is ENOTFOUND (articles 57, 66)', () => {
    const zone = fail('Missing domain-name');
    assert.equal(zone.code, 'ENOTFOUND');
    assert.ok(zone.message.includes(SUB_USER_HINT));
    assert.equal(fail('Invalid record-id param.').code, 'ENOTFOUND');
    assert.equal(fail('Invalid record-id param.').providerCode, 'Invalid record-id');
  });

  it('the in-body rate limit is ETHROTTLED, retryable, and waits the period it names (article 41: per second, minute, hour)', () => {
    const second = fail('Request blocked, 198.51.100.7 is sending more than 20 requests per second.');
    assert.equal(second.code, 'ETHROTTLED');
    assert.equal(second.retryable, true);
    assert.equal(second.retryAfterMs, 1000);
    assert.equal(fail('Request blocked, 198.51.100.7 is sending more than 600 requests per minute.').retryAfterMs, 60_000);
    assert.equal(fail('Request blocked, 198.51.100.7 is sending more than 36000 requests per hour.').retryAfterMs, 3_600_000);
    assert.equal(fail('Too many requests').retryAfterMs, undefined);
  });

  it('other words are EPROVIDER with them, masked, and a short code of them; no words is EBADRESPONSE', () => {
    const err = fail('Zone example.com, owner s3cretPass!, is a slave zone.', ['s3cretPass!']);
    assert.equal(err.code, 'EPROVIDER');
    assert.ok(!err.message.includes('s3cretPass'));
    assert.match(err.providerCode, /^[\w .:/()!-]{1,40}$/);
    assert.equal(fail(undefined).code, 'EBADRESPONSE');
  });

  it('shortCode keeps at most 40 characters of the ledger code alphabet', () => {
    assert.equal(shortCode('Invalid TTL, choose one of: 60, 300, 900, 1800 and more values'), 'Invalid TTL choose one of: 60 300 900 18');
    assert.equal(shortCode('¿¿'), 'Failed');
  });

  it('records.json: an object keyed by id, or [] for none; anything else is not a list', () => {
    assert.deepEqual(readRecords([]), []);
    const records = readRecords({
      123: { id: '123', type: 'A', host: 'home', record: '192.0.2.1', ttl: '3600', status: 1, failover: '0' },
      124: { id: 124, type: 'AAAA', host: '', record: '2001:db8::1', ttl: 60, status: '0' },
      junk: 'x',
      125: { id: '125', type: 'A', host: 'x', record: '' },
    });
    assert.deepEqual(records, [
      { id: '123', type: 'A', host: 'home', record: '192.0.2.1', ttl: '3600', status: '1' },
      { id: '124', type: 'AAAA', host: '', record: '2001:db8::1', ttl: '60', status: '0' },
    ]);
    assert.equal(readRecords([{ id: '1' }]), undefined);
    assert.equal(readRecords('nope'), undefined);
  });

  it('hosts compare case-insensitively and in either form of an internationalised label; the apex is only ""', () => {
    assert.ok(sameHost('Home', 'home'));
    assert.ok(sameHost('bücher', 'xn--bcher-kva'));
    assert.ok(sameHost('', ''));
    assert.ok(!sameHost('home', ''));
    assert.ok(!sameHost('', 'home'));
    assert.equal(hostOf('example.com', 'example.com'), '');
    assert.equal(hostOf('a.b.example.com', 'example.com'), 'a.b');
  });

  it('the TTL is one of the list of articles 58 and 60 or empty; a new record without one gets 300', () => {
    assert.deepEqual([...CLOUDNS_TTLS], [60, 300, 900, 1800, 3600, 21600, 43200, 86400, 172800, 259200, 604800, 1209600, 2592000]);
    assert.equal(ttlSetting(''), undefined);
    assert.equal(ttlSetting('3600'), 3600);
    assert.equal(ttlSetting(86400), 86400);
    for (const bad of ['600', 120, '2419200', '60s', -60]) assert.throws(() => ttlSetting(bad), { code: 'ECONFIG' });
    assert.equal(DEFAULT_TTL, 300);
  });

  it('the login is an auth-id or a sub-auth-id, exactly one, in digits, with a password', () => {
    assert.deepEqual(checkLogin({ authId: '123', subAuthId: '', authPassword: 'pw' }), { authId: '123', password: 'pw' });
    assert.deepEqual(checkLogin({ authId: '', subAuthId: '77', authPassword: 'pw' }), { subAuthId: '77', password: 'pw' });
    for (const bad of [
      { authId: '1', subAuthId: '2', authPassword: 'pw' },
      { authId: '', subAuthId: '', authPassword: 'pw' },
      { authId: 'me', subAuthId: '', authPassword: 'pw' },
      { authId: '1', subAuthId: '', authPassword: '' },
      { authId: '1', subAuthId: '', authPassword: 'a\nb' },
    ]) {
      assert.throws(() => checkLogin(bad), (err) => err.code === 'ECONFIG' && !/\bpw\b/.test(err.message));
    }
  });
});
